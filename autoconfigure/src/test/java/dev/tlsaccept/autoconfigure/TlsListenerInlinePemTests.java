package dev.tlsaccept.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's inline PEM example: an {@code application.yml} with the certificate and
 * key as PEM text in an SSL bundle, and the README's binding address.
 */
class TlsListenerInlinePemTests {

	@TempDir
	Path directory;

	@Test
	void listenerServesTheInlinePemOfItsBundle() throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		String yaml = """
				spring:
				  ssl:
				    bundle:
				      pem:
				        inline:
				          keystore:
				            certificate: |
				%s
				            private-key: |
				%s
				tlsaccept:
				  listeners:
				    gateway:
				      ssl-bundle: inline
				      address: 127.0.0.1
				      port: 0
				      shutdown-timeout: 1s
				""".formatted(indented(TestTls.writeCertificatePem(material, this.directory.resolve("c.pem"))),
				indented(TestTls.writeKeyPem(material, this.directory.resolve("k.pem"))));
		PropertySource<?> applicationYml = new YamlPropertySourceLoader()
			.load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
			.get(0);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(applicationYml))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
					assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(material.leaf());
					assertThat(socket.getLocalAddress().isLoopbackAddress()).isTrue();
				}
				assertThat(listener.getServer().localAddress().getAddress().isLoopbackAddress())
					.as("bound to 127.0.0.1 only")
					.isTrue();
			});
	}

	private static String indented(Path pem) throws Exception {
		return Files.readString(pem).strip().indent(14).stripTrailing();
	}

}
