package dev.tlsaccept.test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link TestPki} issues validates under its CA (PKIX, as a peer would check it),
 * with the names and purposes a server and a client need, and its PEM files load back.
 */
class TestPkiTests {

	private final TestPki pki = TestPki.create();

	@Test
	void serverAndClientCertificatesValidateUnderTheCa() throws Exception {
		validate(this.pki.server().certificateChain());
		validate(this.pki.client().certificateChain());
		assertThat(this.pki.server().certificate().getSubjectAlternativeNames())
			.extracting((List<?> name) -> String.valueOf(name.get(1)))
			.containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
		assertThat(this.pki.server().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
		assertThat(this.pki.client().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
		assertThat(this.pki.client().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=test client");
		assertThat(this.pki.server()).isSameAs(this.pki.server());
	}

	@Test
	void anotherCaDoesNotValidateThisOnesCertificates() {
		TestPki other = TestPki.create("CN=other CA");
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> validate(this.pki.client().certificateChain(), other.caCertificate()));
	}

	@Test
	void clientCertificateCanBeIssuedExpired() {
		Instant now = Instant.now();
		X509Certificate expired = this.pki
			.issueClient("old", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
			.certificate();
		assertThatExceptionOfType(CertificateExpiredException.class).isThrownBy(expired::checkValidity);
	}

	@Test
	void pemFilesLoadBackAsKeyMaterialWithThePublicKeyInTheKeyFile(@TempDir Path directory) throws Exception {
		TestPki.PemFiles files = this.pki.server().writePem(directory, "server");
		KeyMaterial loaded = KeyMaterials.fromPem(files.certificate(), files.privateKey(), null);
		assertThat(loaded.certificateChain()).isEqualTo(this.pki.server().certificateChain());
		assertThat(loaded.privateKey().getEncoded()).isNotEmpty();
		try (PemReader reader = new PemReader(Files.newBufferedReader(files.privateKey()))) {
			PrivateKeyInfo info = PrivateKeyInfo.getInstance(reader.readPemObject().getContent());
			assertThat(org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey())
				.as("public key inside the SEC1 key, as GnuTLS needs")
				.isNotNull();
		}
		assertThat(KeyMaterials.trustFromPem(this.pki.writeCaPem(directory.resolve("ca.pem"))).certificates())
			.containsExactly(this.pki.caCertificate());
	}

	@Test
	void opensslVerifiesTheWrittenChainAgainstTheWrittenCa(@TempDir Path directory) throws Exception {
		TestPki.PemFiles server = this.pki.server().writePem(directory, "server");
		Path ca = this.pki.writeCaPem(directory.resolve("ca.pem"));
		Process openssl = new ProcessBuilder("openssl", "verify", "-purpose", "sslserver", "-CAfile", ca.toString(),
				server.certificate().toString())
			.redirectErrorStream(true)
			.start();
		assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
		String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(openssl.exitValue()).as(output).isZero();
		assertThat(output).contains(": OK");
	}

	private void validate(List<X509Certificate> chain) throws Exception {
		validate(chain, this.pki.caCertificate());
	}

	private static void validate(List<X509Certificate> chain, X509Certificate anchor) throws Exception {
		PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
		parameters.setRevocationEnabled(false);
		CertPathValidator.getInstance("PKIX")
			.validate(CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)), parameters);
	}

}
