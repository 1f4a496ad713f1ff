package dev.tlsaccept.engine;

/**
 * The contract on the {@code jdk} engine over the {@code blocking} BIO.
 */
class JdkBlockingContractTests extends AbstractJdkContractTests {

	@Override
	BioMode mode() {
		return BioMode.BLOCKING;
	}

}
