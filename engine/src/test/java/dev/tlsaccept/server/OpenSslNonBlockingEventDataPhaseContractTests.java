package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code openssl} engine over the {@code non-blocking}
 * BIO.
 */
class OpenSslNonBlockingEventDataPhaseContractTests extends AbstractOpenSslEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
