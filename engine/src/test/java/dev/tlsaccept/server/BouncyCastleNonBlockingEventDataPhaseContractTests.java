package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code bouncy-castle} engine over the
 * {@code non-blocking} BIO.
 */
class BouncyCastleNonBlockingEventDataPhaseContractTests extends AbstractBouncyCastleEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
