package dev.tlsaccept.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One warning at startup per listener certificate that is expired or expires soon,
 * certificates per server name included.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsListenerCertificateValidityWarningTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	@TempDir
	Path directory;

	@Test
	void expiredAndSoonExpiringCertificatesAreEachWarnedAboutOnce(CapturedOutput output) throws Exception {
		KeyMaterial expired = SelfSignedCertificate
			.generate(Clock.fixed(NOW.minus(Duration.ofDays(10)), ZoneOffset.UTC), Duration.ofDays(1));
		KeyMaterial soon = SelfSignedCertificate.generate(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(3));
		KeyMaterial fine = SelfSignedCertificate.generate(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(365));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withBean(Clock.class, () -> Clock.fixed(NOW, ZoneOffset.UTC))
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.key-store.certificate=" + pem(expired, "expired.crt"),
					"tlsaccept.listeners.edge.key-store.private-key=" + key(expired, "expired.key"),
					"tlsaccept.listeners.edge.sni.bundles[soon.example.com]=soon",
					"tlsaccept.listeners.edge.sni.bundles[fine.example.com]=fine")
			.withPropertyValues(bundle("soon", soon))
			.withPropertyValues(bundle("fine", fine))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String log = output.getOut();
				assertThat(log).containsOnlyOnce("TLS listener 'edge' uses key material from PEM");
				assertThat(log).contains("expired on " + expired.leaf().getNotAfter().toInstant());
				assertThat(log).containsOnlyOnce(
						"TLS listener 'edge' uses key material for server name 'soon.example.com' from SSL bundle 'soon'");
				assertThat(log).contains("(in 3 days, within tlsaccept.health.certificate-warning-threshold)");
				assertThat(log).doesNotContain("for server name 'fine.example.com'");
			});
	}

	private String pem(KeyMaterial material, String file) throws Exception {
		return TestTls.writeCertificatePem(material, this.directory.resolve(file)).toString();
	}

	private String key(KeyMaterial material, String file) throws Exception {
		return TestTls.writeKeyPem(material, this.directory.resolve(file)).toString();
	}

	private String[] bundle(String name, KeyMaterial material) throws Exception {
		return new String[] {
				"spring.ssl.bundle.pem." + name + ".keystore.certificate=file:" + pem(material, name + ".crt"),
				"spring.ssl.bundle.pem." + name + ".keystore.private-key=file:" + key(material, name + ".key") };
	}

}
