package dev.tlsaccept.engine;

/**
 * The contract on the {@code jdk} engine over the {@code non-blocking} BIO.
 */
class JdkNonBlockingContractTests extends AbstractJdkContractTests {

	@Override
	BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

}
