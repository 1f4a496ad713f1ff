package dev.tlsaccept.keys;

import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SelfSignedCertificateTests {

	private static final int DNS_NAME = 2;

	private static final int IP_ADDRESS = 7;

	@Test
	void generateCreatesEcP256KeySignedWithSha256WithEcdsa() {
		KeyMaterial material = SelfSignedCertificate.generate();
		X509Certificate leaf = material.leaf();
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
		assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getOrder().bitLength()).isEqualTo(256);
		assertThat(leaf.getPublicKey().toString()).contains("secp256r1");
		assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
		assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=tlsaccept self-signed");
		assertThat(leaf.getIssuerX500Principal()).isEqualTo(leaf.getSubjectX500Principal());
		assertThat(material.selfSigned()).isTrue();
		assertThat(material.source()).isEqualTo("self-signed (generated at startup)");
		assertThat(material.certificateChain()).hasSize(1);
	}

	@Test
	void generateAddsLocalSubjectAlternativeNames() throws Exception {
		X509Certificate leaf = SelfSignedCertificate.generate().leaf();
		List<String> dnsNames = new ArrayList<>();
		List<String> addresses = new ArrayList<>();
		for (List<?> name : leaf.getSubjectAlternativeNames()) {
			int type = (Integer) name.get(0);
			(type == DNS_NAME ? dnsNames : addresses).add(type + ":" + name.get(1));
		}
		assertThat(addresses).containsExactly(IP_ADDRESS + ":127.0.0.1", IP_ADDRESS + ":0:0:0:0:0:0:0:1");
		assertThat(dnsNames).startsWith(DNS_NAME + ":localhost").hasSizeBetween(1, 2);
	}

	@Test
	void generateCreatesServerEndEntityCertificate() throws Exception {
		X509Certificate leaf = SelfSignedCertificate.generate().leaf();
		assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
		assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
		boolean[] keyUsage = leaf.getKeyUsage();
		assertThat(keyUsage[0]).as("digitalSignature").isTrue();
		for (int i = 1; i < keyUsage.length; i++) {
			assertThat(keyUsage[i]).as("key usage bit %d", i).isFalse();
		}
		assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
		assertThat(leaf.getVersion()).isEqualTo(3);
	}

	@Test
	void generateUsesRandomPositive128BitSerialNumbers() {
		BigInteger first = SelfSignedCertificate.generate().leaf().getSerialNumber();
		BigInteger second = SelfSignedCertificate.generate().leaf().getSerialNumber();
		assertThat(first.signum()).isPositive();
		assertThat(first.bitLength()).isEqualTo(128);
		assertThat(second).isNotEqualTo(first);
	}

	@Test
	void generateTakesValidityFromClock() {
		Instant now = Instant.parse("2031-02-03T04:05:06Z");
		X509Certificate leaf = SelfSignedCertificate.generate(Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(5))
			.leaf();
		assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
		assertThat(leaf.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(5)));
	}

	@Test
	void generateDefaultsToOneYearStartingOneMinuteAgo() {
		Instant before = Instant.now().minusSeconds(61);
		X509Certificate leaf = SelfSignedCertificate.generate().leaf();
		Instant after = Instant.now();
		assertThat(leaf.getNotBefore().toInstant()).isBetween(before, after.minusSeconds(59));
		assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
			.isEqualTo(Duration.ofDays(365).plusMinutes(1));
	}

	@Test
	void generateRejectsNonPositiveValidity() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ZERO))
			.withMessageContaining("validity");
	}

	@Test
	void generatedKeyMaterialCompletesJsseHandshakeWithHostnameVerification() throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		Certificate[] received = Handshakes.complete(material, "TLSv1.3", true);
		assertThat(received).containsExactly(material.leaf());
		assertThat(Handshakes.complete(material, "TLSv1.2", true)).containsExactly(material.leaf());
	}

	@Test
	void generateLogsOneShortWarning() {
		Logger logger = Logger.getLogger(SelfSignedCertificate.class.getName());
		List<LogRecord> records = new ArrayList<>();
		Handler handler = new Handler() {
			@Override
			public void publish(LogRecord record) {
				records.add(record);
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		logger.addHandler(handler);
		try {
			SelfSignedCertificate.generate();
		}
		finally {
			logger.removeHandler(handler);
		}
		assertThat(records).singleElement().satisfies((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getMessage()).startsWith("Generated a self-signed certificate for localhost, ")
				.contains("127.0.0.1, ::1")
				.endsWith("; clients will not trust it. Configure an SSL bundle or key-store for production.");
		});
	}

}
