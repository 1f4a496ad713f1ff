package dev.tlsaccept.server;

import dev.tlsaccept.engine.JdkTlsEngine;
import org.jspecify.annotations.Nullable;

/**
 * The event-driven data phase on the {@code jdk} engine (SunJSSE), with its differences.
 */
abstract class AbstractJdkEventDataPhaseContractTests extends AbstractEventDataPhaseContractTests {

	@Override
	String engine() {
		return JdkTlsEngine.NAME;
	}

	@Override
	@Nullable String alertForGarbageRecord(String protocol) {
		// SunJSSE decrypts a record of an unknown content type as any other: it fails as
		// a bad record
		return "bad_record_mac";
	}

}
