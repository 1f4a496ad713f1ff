package dev.tlsaccept.engine;

import org.jspecify.annotations.Nullable;

/**
 * The contract on the {@code jdk} engine (SunJSSE), with its documented alert
 * differences.
 */
abstract class AbstractJdkContractTests extends AbstractAcceptContractTests {

	private static final int JDK = Runtime.version().feature();

	@Override
	String engine() {
		return "jdk";
	}

	@Override
	int expectedSentAlert(int openSslAlert, String cell) {
		return switch (cell) {
			// SunJSSE 17 answers a missing client certificate with bad_certificate in
			// both versions
			case "n13", "n12" -> (JDK >= 21) ? openSslAlert : 42;
			// SunJSSE never sends unknown_ca: an unknown issuer is certificate_unknown
			case "o13", "o12" -> 46;
			default -> openSslAlert;
		};
	}

	/** SunJSSE would renegotiate: tlsaccept closes with close_notify. */
	@Override
	@Nullable String renegotiationRefusalSeenByClient() {
		// SunJSSE cannot send an alert of our choice, and close_notify would read as an
		// orderly close
		return null;
	}

	@Override
	boolean keepsConnectionAfterRenegotiation() {
		return false;
	}

}
