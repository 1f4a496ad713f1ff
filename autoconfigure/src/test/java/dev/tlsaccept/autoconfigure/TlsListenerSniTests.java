package dev.tlsaccept.autoconfigure;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Several certificates on one listener by server name: {@code tlsaccept.listeners.*.sni}.
 */
class TlsListenerSniTests {

	private final KeyMaterial defaultKey = SelfSignedCertificate.generate();

	private final KeyMaterial apiKey = SelfSignedCertificate.generate();

	private final KeyMaterial deviceKey = SelfSignedCertificate.generate();

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void bundles() throws Exception {
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.ssl-bundle=server",
					"tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.sni.bundles[api.example.com]=api",
					"tlsaccept.listeners.edge.sni.bundles[*.devices.example.com]=devices")
			.withPropertyValues(bundle("server", this.defaultKey))
			.withPropertyValues(bundle("api", this.apiKey))
			.withPropertyValues(bundle("devices", this.deviceKey));
	}

	private String[] bundle(String name, KeyMaterial material) throws Exception {
		Path certificate = TestTls.writeCertificatePem(material, this.directory.resolve(name + ".crt"));
		Path key = TestTls.writeKeyPem(material, this.directory.resolve(name + ".key"));
		return new String[] { "spring.ssl.bundle.pem." + name + ".keystore.certificate=" + certificate.toUri(),
				"spring.ssl.bundle.pem." + name + ".keystore.private-key=" + key.toUri() };
	}

	@Test
	void listenerServesTheBundleOfTheServerNameTheClientAsksFor() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			int port = context.getBean(TlsListener.class).getPort();
			assertThat(certificate(port, "api.example.com")).isEqualTo(this.apiKey.leaf());
			assertThat(certificate(port, "gw-1.devices.example.com")).isEqualTo(this.deviceKey.leaf());
			assertThat(certificate(port, "www.example.com")).isEqualTo(this.defaultKey.leaf());
			assertThat(certificate(port, null)).isEqualTo(this.defaultKey.leaf());
		});
	}

	@Test
	void unknownServerNameIsRefusedAndRecordedWhenRejectUnknownIsSet() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.sni.reject-unknown=true").run((context) -> {
			int port = context.getBean(TlsListener.class).getPort();
			assertThatExceptionOfType(SSLHandshakeException.class)
				.isThrownBy(() -> certificate(port, "www.example.com"))
				.withMessageContaining("unrecognized_name");
			HandshakeRepository repository = context.getBean(HandshakeRepository.class);
			await().untilAsserted(() -> assertThat(repository.findAll()).isNotEmpty());
			HandshakeRecord record = repository.findAll().get(0);
			assertThat(record.result().error()).isEqualTo(SslError.SSL);
			assertThat(record.result().alert().name()).isEqualTo("unrecognized_name");
			assertThat(record.result().serverName()).isEqualTo("www.example.com");
			assertThat(certificate(port, "api.example.com")).isEqualTo(this.apiKey.leaf());
		});
	}

	@Test
	void sniOnAnEngineWithoutItFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=bouncy-castle").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.edge.sni.bundles")
				.contains("SNI");
			assertThat(analysis.getAction()).contains("Use engine 'jdk'");
		});
	}

	@Test
	void unknownSniBundleFailsStartupNamingItsEntry() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.sni.bundles[api.example.com]=nope")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'nope'")
					.contains("Property: tlsaccept.listeners.edge.sni.bundles[api.example.com]");
			});
	}

	@Test
	void sniCertificateThatNoEnabledSuiteServesFailsStartupNamingTheServerName() throws Exception {
		KeyMaterial rsa = TestTls.rsaKeyMaterial(java.time.Instant.now().minusSeconds(60),
				java.time.Duration.ofDays(30));
		this.contextRunner.withPropertyValues(bundle("api", rsa))
			.withPropertyValues("tlsaccept.listeners.edge.protocols=TLSv1.2",
					"tlsaccept.listeners.edge.cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("with its RSA key for server name 'api.example.com'")
					.contains("tlsaccept.listeners.edge.sni.bundles[api.example.com]")
					.contains("Property: tlsaccept.listeners.edge.cipher-suites");
			});
	}

	private static X509Certificate certificate(int port, String serverName) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames((serverName != null) ? List.of(new SNIHostName(serverName)) : List.of());
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			return (X509Certificate) socket.getSession().getPeerCertificates()[0];
		}
	}

}
