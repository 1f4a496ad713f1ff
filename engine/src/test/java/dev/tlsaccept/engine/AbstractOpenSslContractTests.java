package dev.tlsaccept.engine;

/**
 * The contract on the {@code openssl} engine (BoringSSL through Netty): it sends what
 * OpenSSL 3.0 sends in every cell.
 */
abstract class AbstractOpenSslContractTests extends AbstractAcceptContractTests {

	@Override
	String engine() {
		return OpenSslTlsEngine.NAME;
	}

	/** BoringSSL refuses with a fatal no_renegotiation. */
	@Override
	String renegotiationRefusalSeenByClient() {
		return "Received fatal alert: no_renegotiation";
	}

	@Override
	boolean keepsConnectionAfterRenegotiation() {
		return false;
	}

}
