package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code jdk} engine over the {@code pair} BIO.
 */
class JdkPairEventDataPhaseContractTests extends AbstractJdkEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
