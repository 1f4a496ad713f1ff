package dev.tlsaccept.engine;

/**
 * The contract on the {@code bouncy-castle} engine over the {@code blocking} BIO.
 */
class BouncyCastleBlockingContractTests extends AbstractBouncyCastleContractTests {

	@Override
	BioMode mode() {
		return BioMode.BLOCKING;
	}

}
