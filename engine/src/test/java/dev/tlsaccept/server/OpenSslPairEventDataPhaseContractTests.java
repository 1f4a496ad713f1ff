package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code openssl} engine over the {@code pair} BIO.
 */
class OpenSslPairEventDataPhaseContractTests extends AbstractOpenSslEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
