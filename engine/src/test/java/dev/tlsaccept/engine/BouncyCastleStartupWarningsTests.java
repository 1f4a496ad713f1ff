package dev.tlsaccept.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BCJSSE's two start-up warnings about {@code jdk.certpath.disabledAlgorithms} entries
 * that do not concern a TLS server are dropped; every other warning of BCJSSE stays.
 * BCJSSE's own code produces the messages (its package-private
 * {@code DisabledAlgorithmConstraints.create}, which it runs once per JVM).
 */
class BouncyCastleStartupWarningsTests {

	/**
	 * The JDK 17 default of {@code jdk.certpath.disabledAlgorithms}, as BCJSSE 1.84 has
	 * it.
	 */
	static final String JDK_DEFAULT = "MD2, MD5, SHA1 jdkCA & usage TLSServer, RSA keySize < 1024, "
			+ "DSA keySize < 1024, EC keySize < 224, SHA1 usage SignedJAR & denyAfter 2019-01-01";

	private final Logger logger = Logger.getLogger(BouncyCastleStartupWarnings.LOGGER_NAME);

	private final List<String> logged = new CopyOnWriteArrayList<>();

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			BouncyCastleStartupWarningsTests.this.logged.add(record.getLevel() + " " + record.getMessage());
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	@BeforeEach
	void captureBouncyCastleLogger() {
		BouncyCastleStartupWarnings.install();
		this.logger.addHandler(this.handler);
	}

	@AfterEach
	void release() {
		this.logger.removeHandler(this.handler);
	}

	@Test
	void jdkDefaultCertPathEntriesThatDoNotConcernAServerAreNotLogged() throws Exception {
		bouncyCastleReads("jdk.certpath.disabledAlgorithms", JDK_DEFAULT);
		assertThat(this.logged).isEmpty();
	}

	@Test
	void bouncyCastleDoesWarnAboutTheseEntriesUnderAnotherPropertyName() throws Exception {
		// the same entries read under a name the filter does not know: proves BCJSSE 1.84
		// still warns about them, so the test above is not empty by accident
		bouncyCastleReads("tlsaccept.test.disabledAlgorithms", JDK_DEFAULT);
		assertThat(this.logged).containsExactly(
				"WARNING Ignoring unsupported entry in 'tlsaccept.test.disabledAlgorithms': SHA1 jdkCA & usage TLSServer",
				"WARNING Ignoring unsupported entry in 'tlsaccept.test.disabledAlgorithms': SHA1 usage SignedJAR & denyAfter 2019-01-01");
	}

	@Test
	void ignoredEntriesThatWouldWeakenClientCertificateChecksStillWarn() {
		// BCJSSE's message for entries a java.security file could hold (the JVM's own
		// value is read once and cannot be changed for one test)
		for (String entry : List.of("SHA1 jdkCA & usage TLSClient", "SHA224 usage TLSServer TLSClient",
				"SHA256 jdkCA & denyAfter 2020-01-01")) {
			this.logger.warning("Ignoring unsupported entry in 'jdk.certpath.disabledAlgorithms': " + entry);
		}
		assertThat(this.logged).hasSize(3);
	}

	@Test
	void otherWarningsOfTheLoggerStay() {
		this.logger.warning("Ignoring unsupported entry in 'jdk.tls.disabledAlgorithms': SHA1 usage SignedJAR");
		this.logger.warning("something else");
		assertThat(this.logged).hasSize(2);
	}

	/**
	 * What BCJSSE does once per JVM: parse a disabled-algorithms security property (the
	 * given default when the property is unset), logging each entry it cannot enforce.
	 */
	static void bouncyCastleReads(String property, String value) throws Exception {
		Class<?> constraints = Class.forName("org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints");
		Class<?> decomposers = Class.forName("org.bouncycastle.jsse.provider.ProvAlgorithmDecomposer");
		Class<?> decomposer = Class.forName("org.bouncycastle.jsse.provider.AlgorithmDecomposer");
		Field x509 = decomposers.getDeclaredField("INSTANCE_X509");
		x509.setAccessible(true);
		Method create = constraints.getDeclaredMethod("create", decomposer, String.class, String.class);
		create.setAccessible(true);
		create.invoke(null, x509.get(null), property, value);
	}

}
