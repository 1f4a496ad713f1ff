package dev.tlsaccept.engine;

/**
 * The contract on the {@code bouncy-castle} engine over the {@code pair} BIO.
 */
class BouncyCastlePairContractTests extends AbstractBouncyCastleContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
