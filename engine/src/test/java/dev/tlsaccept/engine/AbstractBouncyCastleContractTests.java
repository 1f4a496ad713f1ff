package dev.tlsaccept.engine;

/**
 * The contract on the {@code bouncy-castle} engine (BCJSSE), with its documented alert
 * differences.
 */
abstract class AbstractBouncyCastleContractTests extends AbstractAcceptContractTests {

	@Override
	String engine() {
		return BouncyCastleTlsEngine.NAME;
	}

	/**
	 * BCJSSE 1.84's server sends no TLS 1.3 NewSessionTicket (README, "Engine
	 * differences").
	 */
	@Override
	boolean resumesTls13Sessions() {
		return false;
	}

	@Override
	int expectedSentAlert(int openSslAlert, String cell) {
		return switch (cell) {
			// BCJSSE reports every trust failure as certificate_unknown, never unknown_ca
			case "o13", "o12" -> 46;
			default -> openSslAlert;
		};
	}

}
