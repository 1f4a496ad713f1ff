package dev.tlsaccept.server;

import dev.tlsaccept.engine.OpenSslTlsEngine;
import org.jspecify.annotations.Nullable;

/**
 * The event-driven data phase on the {@code openssl} engine (BoringSSL through Netty),
 * with its differences.
 */
abstract class AbstractOpenSslEventDataPhaseContractTests extends AbstractEventDataPhaseContractTests {

	@Override
	String engine() {
		return OpenSslTlsEngine.NAME;
	}

	@Override
	@Nullable String alertForGarbageRecord(String protocol) {
		// Netty refuses a record that is not TLS before BoringSSL sees it
		// (NotSslRecordException): no alert
		return null;
	}

}
