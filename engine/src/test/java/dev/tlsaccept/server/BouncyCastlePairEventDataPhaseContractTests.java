package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;

/**
 * The event-driven data phase on the {@code bouncy-castle} engine over the {@code pair}
 * BIO.
 */
class BouncyCastlePairEventDataPhaseContractTests extends AbstractBouncyCastleEventDataPhaseContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
