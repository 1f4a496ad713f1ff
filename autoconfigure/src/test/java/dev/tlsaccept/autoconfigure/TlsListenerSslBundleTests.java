package dev.tlsaccept.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.server.TlsConnectionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Key material from Spring Boot SSL bundles, and its rotation.
 */
class TlsListenerSslBundleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.ssl-bundle=server",
				"tlsaccept.listeners.edge.shutdown-timeout=1s");

	@TempDir
	Path directory;

	@Test
	void listenerServesTheCertificateOfItsPemBundle() throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		Path certificate = TestTls.writeCertificatePem(material, this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(material, this.directory.resolve("server.key"));
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.server.keystore.certificate=" + certificate.toUri(),
					"spring.ssl.bundle.pem.server.keystore.private-key=" + key.toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getSslBundle()).isEqualTo("server");
				assertThat(listener.getKeySource()).contains("SSL bundle 'server'");
				assertThat(TestTls.serverCertificate(listener.getPort())).isEqualTo(material.leaf());
			});
	}

	@Test
	void bundleOptionsProvideDefaultProtocols() throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		Path certificate = TestTls.writeCertificatePem(material, this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(material, this.directory.resolve("server.key"));
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.server.keystore.certificate=" + certificate.toUri(),
					"spring.ssl.bundle.pem.server.keystore.private-key=" + key.toUri(),
					"spring.ssl.bundle.pem.server.options.enabled-protocols=TLSv1.2")
			.run((context) -> assertThat(context.getBean(TlsListener.class).getContext().enabledProtocols())
				.containsExactly("TLSv1.2"));
	}

	@Test
	void listenerServesTheKeyOfAJksBundleWithItsAlias() throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		Path store = TestTls.writePkcs12(material, this.directory.resolve("server.p12"), "changeit");
		this.contextRunner.withPropertyValues("spring.ssl.bundle.jks.server.keystore.location=" + store.toUri(),
				"spring.ssl.bundle.jks.server.keystore.password=changeit",
				"spring.ssl.bundle.jks.server.keystore.type=PKCS12", "spring.ssl.bundle.jks.server.key.alias=tlsaccept")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(TestTls.serverCertificate(context.getBean(TlsListener.class).getPort()))
					.isEqualTo(material.leaf());
			});
	}

	@Test
	void bundleReloadAppliesToNewHandshakesWhileEstablishedConnectionsStayUp() throws Exception {
		KeyMaterial first = SelfSignedCertificate.generate();
		KeyMaterial second = SelfSignedCertificate.generate();
		Path certificate = TestTls.writeCertificatePem(first, this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(first, this.directory.resolve("server.key"));
		this.contextRunner.withPropertyValues("spring.ssl.bundle.pem.server.keystore.certificate=" + certificate,
				"spring.ssl.bundle.pem.server.keystore.private-key=" + key,
				"spring.ssl.bundle.pem.server.reload-on-update=true", "spring.ssl.bundle.watch.file.quiet-period=50ms")
			.withBean(TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = context.getBean(TlsListener.class).getPort();
				try (SSLSocket established = TestTls.connect(port, "TLSv1.3")) {
					assertThat(TestTls.exchange(established, "before")).isEqualTo("echo: before");
					assertThat(established.getSession().getPeerCertificates()[0]).isEqualTo(first.leaf());
					replace(key, second, false);
					replace(certificate, second, true);
					await().atMost(Duration.ofSeconds(30))
						.pollInterval(Duration.ofMillis(100))
						.untilAsserted(() -> assertThat(TestTls.serverCertificate(port)).isEqualTo(second.leaf()));
					assertThat(TestTls.exchange(established, "after")).isEqualTo("echo: after");
					assertThat((X509Certificate) established.getSession().getPeerCertificates()[0])
						.isEqualTo(first.leaf());
				}
			});
	}

	private void replace(Path file, KeyMaterial material, boolean certificate) throws Exception {
		Path next = this.directory.resolve(file.getFileName() + ".next");
		if (certificate) {
			TestTls.writeCertificatePem(material, next);
		}
		else {
			TestTls.writeKeyPem(material, next);
		}
		Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
