package dev.tlsaccept.engine;

/**
 * The contract on the {@code openssl} engine over the {@code non-blocking} BIO.
 */
class OpenSslNonBlockingContractTests extends AbstractOpenSslContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
