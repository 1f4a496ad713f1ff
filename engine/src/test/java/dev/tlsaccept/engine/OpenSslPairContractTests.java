package dev.tlsaccept.engine;

/**
 * The contract on the {@code openssl} engine over the {@code pair} BIO.
 */
class OpenSslPairContractTests extends AbstractOpenSslContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
