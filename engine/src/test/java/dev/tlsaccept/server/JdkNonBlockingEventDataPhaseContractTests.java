package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code jdk} engine over the {@code non-blocking}
 * BIO.
 */
class JdkNonBlockingEventDataPhaseContractTests extends AbstractJdkEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
