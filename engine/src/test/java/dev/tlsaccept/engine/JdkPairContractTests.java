package dev.tlsaccept.engine;

/**
 * The contract on the {@code jdk} engine over the {@code pair} BIO.
 */
class JdkPairContractTests extends AbstractJdkContractTests {

	@Override
	BioMode mode() {
		return BioMode.PAIR;
	}

}
