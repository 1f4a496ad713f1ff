package dev.tlsaccept.engine;

/**
 * The contract on the {@code openssl} engine over the {@code blocking} BIO.
 */
class OpenSslBlockingContractTests extends AbstractOpenSslContractTests {

	@Override
	BioMode mode() {
		return BioMode.BLOCKING;
	}

}
