package dev.tlsaccept.engine;

/**
 * The contract on the {@code bouncy-castle} engine over the {@code non-blocking} BIO.
 */
class BouncyCastleNonBlockingContractTests extends AbstractBouncyCastleContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
