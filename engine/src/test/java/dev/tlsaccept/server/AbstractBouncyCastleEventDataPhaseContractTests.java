package dev.tlsaccept.server;

import dev.tlsaccept.engine.BouncyCastleTlsEngine;

/**
 * The event-driven data phase on the {@code bouncy-castle} engine (BCJSSE): it sends the
 * alerts RFC 8446 asks for in every case of the suite.
 */
abstract class AbstractBouncyCastleEventDataPhaseContractTests extends AbstractEventDataPhaseContractTests {

	@Override
	String engine() {
		return BouncyCastleTlsEngine.NAME;
	}

}
