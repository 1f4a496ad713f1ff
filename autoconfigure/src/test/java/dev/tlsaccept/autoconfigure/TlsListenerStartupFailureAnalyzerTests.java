package dev.tlsaccept.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each startup failure fails fast, and the analyzer names the property and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsListenerStartupFailureAnalyzerTests {

	private static final String SECRET = "Hunter2-do-not-print";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@TempDir
	Path directory;

	@Test
	void portInUse() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
			this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=" + taken.getLocalPort())
				.run(failsWith("tlsaccept.listeners.edge.port", "port " + taken.getLocalPort(), "already in use",
						"Identify and stop the process"));
		}
	}

	@Test
	void addressNotOfThisHost() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.address=203.0.113.7")
			.run(failsWith("tlsaccept.listeners.edge.address", "203.0.113.7", "not one of this host's",
					"an address of this host"));
	}

	@Test
	void unknownEngine() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=quantum")
			.run(failsWith("tlsaccept.listeners.edge.engine", "unknown TLS engine 'quantum'", "jdk", "one of jdk"));
	}

	@Test
	void unknownSslBundle() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.ssl-bundle=missing")
			.run(failsWith("tlsaccept.listeners.edge.ssl-bundle", "SSL bundle 'missing', which does not exist",
					"No SSL bundle is configured", "spring.ssl.bundle.pem.missing"));
	}

	@Test
	void wrongKeyStorePassword() throws Exception {
		Path store = TestTls.writePkcs12(SelfSignedCertificate.generate(), this.directory.resolve("server.p12"),
				"right-password");
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.key-store.location=" + store,
					"tlsaccept.listeners.edge.key-store.password=" + SECRET)
			.run(failsWith("tlsaccept.listeners.edge.key-store.password", "server.p12", "password",
					"tlsaccept.listeners.edge.key-store.password"));
	}

	@Test
	void wrongKeyPasswordInSslBundle() throws Exception {
		Path store = TestTls.writePkcs12(SelfSignedCertificate.generate(), this.directory.resolve("bundle.p12"),
				"store-password");
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.jks.server.keystore.location=" + store,
					"spring.ssl.bundle.jks.server.keystore.password=store-password",
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.server.key.password=" + SECRET, "tlsaccept.listeners.edge.ssl-bundle=server")
			.run(failsWith("tlsaccept.listeners.edge.ssl-bundle", "SSL bundle 'server'", "password",
					"spring.ssl.bundle.*.server.key.password"));
	}

	@Test
	void keyDoesNotMatchCertificate() throws Exception {
		KeyMaterial one = SelfSignedCertificate.generate();
		KeyMaterial other = SelfSignedCertificate.generate();
		Path certificate = TestTls.writeCertificatePem(one, this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(other, this.directory.resolve("other.key"));
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.key-store.certificate=" + certificate,
					"tlsaccept.listeners.edge.key-store.private-key=" + key)
			.run(failsWith("tlsaccept.listeners.edge.key-store.private-key", "does not belong to certificate",
					"other.key", "private key that was used to create the certificate"));
	}

	@Test
	void missingCertificateFile() throws Exception {
		Path key = TestTls.writeKeyPem(SelfSignedCertificate.generate(), this.directory.resolve("server.key"));
		Path missing = this.directory.resolve("nowhere/server.crt");
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.key-store.certificate=" + missing,
					"tlsaccept.listeners.edge.key-store.private-key=" + key)
			.run(failsWith("tlsaccept.listeners.edge.key-store.certificate", missing.toString(), "does not exist",
					"existing, readable file"));
	}

	@Test
	void missingKeyStoreFile() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.key-store.location=/no/such/store.p12")
			.run(failsWith("tlsaccept.listeners.edge.key-store.location", "/no/such/store.p12", "does not exist",
					"tlsaccept.listeners.edge.key-store.location"));
	}

	@Test
	void protocolUnknownToTheEngine() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.protocols=TLSv1.3,TLSv9")
			.run(failsWith("tlsaccept.listeners.edge.protocols", "Protocol 'TLSv9'", "SunJSSE", "[TLSv1.3, TLSv1.2]"));
	}

	@Test
	void cipherSuiteUnknownToTheEngine() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.cipher-suites=TLS_NOPE")
			.run(failsWith("tlsaccept.listeners.edge.cipher-suites", "Cipher suite 'TLS_NOPE'", "SunJSSE",
					"IANA names"));
	}

	@Test
	void clientAuthWithoutTrustMaterial() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.client-auth=need")
			.run(failsWith("tlsaccept.listeners.edge.client-auth", "needs trust material", "NEED",
					"tlsaccept.listeners.edge.trust-store.*"));
	}

	@Test
	void unknownHandlerBean() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.handler=nope")
			.withBean("echo", TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run(failsWith("tlsaccept.listeners.edge.handler", "'nope'", "Handler beans: echo",
					"name of a TlsChannelHandler or TlsConnectionHandler bean"));
	}

	@Test
	void eventDrivenHandlerInBlockingMode() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.bio-mode=blocking")
			.withBean("events", TlsChannelHandler.class, () -> (channel, data) -> channel.write(data))
			.run(failsWith("tlsaccept.listeners.edge.bio-mode", "event-driven TlsChannelHandler", "selector threads",
					"non-blocking"));
	}

	@Test
	void handlerBeansOfBothStylesAndNoSelection() {
		this.contextRunner.withBean("events", TlsChannelHandler.class, () -> (channel, data) -> channel.write(data))
			.withBean("streams", TlsConnectionHandler.class, () -> new EchoHandler("streams"))
			.run(failsWith("tlsaccept.listeners.edge.handler", "cannot choose", "events, streams", "@Primary"));
	}

	@Test
	void negativeIdleTimeout() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.idle-timeout=-1s")
			.run(failsWith("tlsaccept.listeners.edge.idle-timeout", "must not be negative", "Fix"));
	}

	@Test
	void severalHandlerBeansAndNoSelection() {
		this.contextRunner.withBean("one", TlsConnectionHandler.class, () -> new EchoHandler("one"))
			.withBean("two", TlsConnectionHandler.class, () -> new EchoHandler("two"))
			.run(failsWith("tlsaccept.listeners.edge.handler", "cannot choose", "one, two", "@Primary"));
	}

	@Test
	void descriptionShowsTheValueAndOriginOfThePropertyButNeverAPassword() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("tlsaccept.listeners.edge.engine", "quantum",
					"tlsaccept.listeners.edge.key-store.password", SECRET)));
		TlsListenerStartupFailureAnalyzer analyzer = new TlsListenerStartupFailureAnalyzer(environment);
		FailureAnalysis engine = analyzer
			.analyze(new IllegalStateException("wrapped", new TlsListenerStartupException("edge",
					"tlsaccept.listeners.edge.engine", "Unknown engine.", "Fix the engine.", null)));
		assertThat(engine.getDescription()).contains("Unknown engine.")
			.contains("Property: tlsaccept.listeners.edge.engine")
			.contains("Value: \"quantum\"")
			.contains("Origin: \"tlsaccept.listeners.edge.engine\" from property source \"test\"");
		assertThat(engine.getAction()).isEqualTo("Fix the engine.");
		FailureAnalysis password = analyzer.analyze(new TlsListenerStartupException("edge",
				"tlsaccept.listeners.edge.key-store.password", "Wrong password.", "Fix it.", null));
		assertThat(password.getDescription()).contains("Property: tlsaccept.listeners.edge.key-store.password")
			.doesNotContain(SECRET)
			.doesNotContain("Value:");
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "bouncy-castle" })
	void protocolBelowTheEngineFloor(String engine) {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.engine=" + engine, "tlsaccept.listeners.edge.protocols=TLSv1")
			.run(failsWith("tlsaccept.listeners.edge.protocols", "enables TLSv1,", "refuses to negotiate",
					"from tlsaccept.listeners.edge.protocols", "to [TLSv1.3, TLSv1.2]"));
	}

	@Test
	void protocolBelowTheFloorBesideAGoodOne() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.protocols=TLSv1.3,TLSv1.1")
			.run(failsWith("tlsaccept.listeners.edge.protocols", "enables TLSv1.1,", "to [TLSv1.3, TLSv1.2]"));
	}

	@Test
	void tls13WithOnlyTls12Suites() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.protocols=TLSv1.3",
					"tlsaccept.listeners.edge.cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
			.run(failsWith("tlsaccept.listeners.edge.cipher-suites", "cannot complete any handshake",
					"serves TLSv1.3 with", "from tlsaccept.listeners.edge.cipher-suites", "TLS_AES_128_GCM_SHA256"));
	}

	@Test
	void ecKeyWithOnlyRsaSuites() {
		// the self-signed certificate has an EC P-256 key
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.protocols=TLSv1.2",
					"tlsaccept.listeners.edge.cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
			.run(failsWith("tlsaccept.listeners.edge.cipher-suites",
					"with its EC key (from the self-signed certificate", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
	}

	@Test
	void rsaKeyWithOnlyEcdsaSuites() throws Exception {
		KeyMaterial rsa = TestTls.rsaKeyMaterial(Instant.now().minusSeconds(60), Duration.ofDays(30));
		Path certificate = TestTls.writeCertificatePem(rsa, this.directory.resolve("rsa.crt"));
		Path key = TestTls.writeKeyPem(rsa, this.directory.resolve("rsa.key"));
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.key-store.certificate=" + certificate,
					"tlsaccept.listeners.edge.key-store.private-key=" + key,
					"tlsaccept.listeners.edge.cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
							+ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
			.run(failsWith("tlsaccept.listeners.edge.cipher-suites", "TLSv1.3 or TLSv1.2", "with its RSA key (from PEM",
					"rsa.crt", "tlsaccept.listeners.edge.key-store.*)", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	}

	@Test
	void protocolWithoutASuiteBesideAWorkingOneStartsWithAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.cipher-suites=TLS_AES_128_GCM_SHA256")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("TLS listener 'edge' enables TLSv1.2 but no enabled cipher suite serves it with"
							+ " its EC key");
			});
	}

	@Test
	void engineFailureIsMappedFromItsTypedSetting() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.handshake-timeout=0s")
			.run(failsWith("tlsaccept.listeners.edge.handshake-timeout", "must be positive", "positive duration"));
	}

	@Test
	void analyzerIgnoresOtherFailures() {
		assertThat(new TlsListenerStartupFailureAnalyzer(null).analyze(new IllegalStateException("other"))).isNull();
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String property,
			String... descriptionParts) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("TLS listener 'edge'").contains("Property: " + property);
			for (int i = 0; i < descriptionParts.length - 1; i++) {
				assertThat(analysis.getDescription() + analysis.getAction()).contains(descriptionParts[i]);
			}
			assertThat(analysis.getAction()).contains(descriptionParts[descriptionParts.length - 1]);
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
			assertThat(analysis.getCause()).isInstanceOf(TlsListenerStartupException.class);
			assertThat(((TlsListenerStartupException) analysis.getCause()).getProperty()).isEqualTo(property);
			assertThat(((TlsListenerStartupException) analysis.getCause()).getListener()).isEqualTo("edge");
		};
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
