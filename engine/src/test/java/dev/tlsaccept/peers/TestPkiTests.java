package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.CertificateExpiredException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTests {

	@TempDir
	Path dir;

	@Test
	void certificatesHaveTheRightShape() throws Exception {
		TestPki pki = TestPki.create(dir);
		pki.serverCertificate().verify(pki.caCertificate().getPublicKey());
		pki.serverRsaCertificate().verify(pki.caCertificate().getPublicKey());
		pki.clientCertificate().verify(pki.caCertificate().getPublicKey());
		pki.expiredClientCertificate().verify(pki.caCertificate().getPublicKey());
		pki.untrustedClientCertificate().verify(pki.untrustedCaCertificate().getPublicKey());
		assertThatThrownBy(() -> pki.untrustedClientCertificate().verify(pki.caCertificate().getPublicKey()))
			.isInstanceOf(java.security.SignatureException.class);

		assertThat(pki.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
		assertThat(pki.serverCertificate().getBasicConstraints()).isEqualTo(-1);
		assertThat(pki.serverCertificate().getSubjectAlternativeNames()).contains(List.of(2, "localhost"),
				List.of(7, "127.0.0.1"));
		assertThat(pki.serverCertificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
		assertThat(pki.clientCertificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
		assertThat(pki.serverPrivateKey().getAlgorithm()).isEqualTo("EC");
		assertThat(pki.serverRsaPrivateKey().getAlgorithm()).isEqualTo("RSA");
		assertThat(((RSAPublicKey) pki.serverRsaCertificate().getPublicKey()).getModulus().bitLength()).isEqualTo(2048);

		pki.clientCertificate().checkValidity();
		assertThatThrownBy(() -> pki.expiredClientCertificate().checkValidity())
			.isInstanceOf(CertificateExpiredException.class);
		assertThat(pki.expiredClientCertificate().getNotAfter()).isBefore(java.util.Date.from(Instant.now()));
		assertThat(pki.untrustedClientCertificate().getIssuerX500Principal())
			.isNotEqualTo(pki.caCertificate().getSubjectX500Principal());
	}

	@Test
	void pemFilesAreWhatOpenSslExpects() throws IOException {
		TestPki pki = TestPki.create(dir);
		for (TestPki.Identity id : pki.identities()) {
			assertThat(id.certPath()).hasParent(dir).content().startsWith("-----BEGIN CERTIFICATE-----\n");
			assertThat(id.keyPath()).content()
				.startsWith("-----BEGIN PRIVATE KEY-----\n")
				.endsWith("-----END PRIVATE KEY-----\n");
		}
		assertThat(Files.readString(pki.serverChain()))
			.isEqualTo(Files.readString(pki.serverCert()) + Files.readString(pki.caCert()));

		assumeTrue(OpenSslClient.isAvailable(), "openssl not installed");
		assertThat(openssl("verify", "-CAfile", pki.caCert(), pki.serverCert())).contains(": OK");
		assertThat(openssl("verify", "-CAfile", pki.caCert(), pki.serverRsaCert())).contains(": OK");
		assertThat(openssl("verify", "-CAfile", pki.caCert(), pki.clientCert())).contains(": OK");
		assertThat(openssl("verify", "-CAfile", pki.caCert(), pki.untrustedClientCert()))
			.contains("unable to get local issuer certificate");
		assertThat(openssl("verify", "-CAfile", pki.untrustedCaCert(), pki.untrustedClientCert())).contains(": OK");
		assertThat(openssl("verify", "-CAfile", pki.caCert(), pki.expiredClientCert()))
			.contains("certificate has expired");
		assertThat(openssl("x509", "-noout", "-ext", "subjectAltName", "-in", pki.serverCert()))
			.contains("DNS:localhost, IP Address:127.0.0.1");
		// the key files match their certificates
		for (TestPki.Identity id : pki.identities()) {
			String fromKey = openssl("pkey", "-pubout", "-in", id.keyPath());
			String fromCert = openssl("x509", "-noout", "-pubkey", "-in", id.certPath());
			assertThat(fromKey).as(id.name()).contains("BEGIN PUBLIC KEY").isEqualTo(fromCert);
		}
	}

	private static String openssl(Object... args) {
		List<String> cmd = new ArrayList<>(List.of("openssl"));
		for (Object a : args) {
			cmd.add(a.toString());
		}
		try (ToolProcess p = ToolProcess.start(cmd)) {
			p.closeStdin();
			assertThat(p.waitForExit(Instant.now().plusSeconds(10))).isTrue();
			ToolProcess.Output o = p.output();
			return o.stdout() + o.stderr();
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	@Test
	void createIsFastAndSharedFreshIsIndependent(@TempDir Path other) {
		TestPki first = TestPki.create(dir);
		long start = System.nanoTime();
		TestPki second = TestPki.create(other);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(second.serverCertificate()).isEqualTo(first.serverCertificate());
		assertThat(second.serverCert()).isNotEqualTo(first.serverCert()).exists();

		start = System.nanoTime();
		TestPki fresh = TestPki.createFresh(other.resolve("fresh"));
		// ~0.3 s warm; generous bound: this machine is often loaded by parallel builds
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
		assertThat(fresh.serverCertificate()).isNotEqualTo(first.serverCertificate());
	}

	@Test
	void doesNotRegisterBouncyCastleGlobally() {
		boolean before = Security.getProvider("BC") != null;
		TestPki.createFresh(dir);
		assertThat(Security.getProvider("BC") != null).isEqualTo(before);
	}

	@Test
	void jdkContextsTrustEachOtherAndRejectTheUntrustedClient() throws Exception {
		TestPki pki = TestPki.create(dir);
		try (JdkTlsServer server = JdkTlsServer.start(pki.serverContext(), s -> s.setNeedClientAuth(true))) {
			try (SSLSocket c = (SSLSocket) pki.clientContext(true)
				.getSocketFactory()
				.createSocket("127.0.0.1", server.port())) {
				SSLParameters p = c.getSSLParameters();
				p.setEndpointIdentificationAlgorithm("HTTPS"); // the IP SAN must match
																// 127.0.0.1
				c.setSSLParameters(p);
				c.startHandshake();
				assertThat(c.getSession().getPeerCertificates()[0]).isEqualTo(pki.serverCertificate());
				assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
			}
			JdkTlsServer.Outcome ok = server.awaitOutcome(Duration.ofSeconds(3));
			assertThat(ok.ok()).as(String.valueOf(ok.error())).isTrue();

			try (SSLSocket c = (SSLSocket) pki.clientContext(pki.untrustedClient())
				.getSocketFactory()
				.createSocket("127.0.0.1", server.port())) {
				c.setSoTimeout(3000);
				c.startHandshake();
				c.getInputStream().read(); // TLS 1.3: the rejection arrives after the
											// client's Finished
			}
			catch (IOException expected) {
				assertThat(expected).isInstanceOf(javax.net.ssl.SSLException.class);
			}
			JdkTlsServer.Outcome rejected = server.awaitOutcome(Duration.ofSeconds(3));
			assertThat(rejected.ok()).isFalse();
		}
		try (JdkTlsServer rsa = JdkTlsServer.start(pki.serverContextRsa(), s -> {
		});
				SSLSocket c = (SSLSocket) pki.clientContext(false)
					.getSocketFactory()
					.createSocket("127.0.0.1", rsa.port())) {
			c.startHandshake();
			assertThat(c.getSession().getPeerCertificates()[0]).isEqualTo(pki.serverRsaCertificate());
		}
	}

}
