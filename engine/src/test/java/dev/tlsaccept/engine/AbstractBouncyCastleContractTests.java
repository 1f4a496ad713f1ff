package dev.tlsaccept.engine;

/**
 * The contract on the {@code bouncy-castle} engine (BCJSSE), with its documented alert differences.
 */
abstract class AbstractBouncyCastleContractTests extends AbstractAcceptContractTests {

	@Override
	String engine() {
		return BouncyCastleTlsEngine.NAME;
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
