package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GnutlsClientTests {

	@TempDir
	static Path dir;
	static TestPki pki;

	@BeforeAll
	static void setUp() {
		assumeTrue(GnutlsClient.isAvailable(), "gnutls-cli not installed");
		assumeTrue(OpenSslClient.isAvailable(), "openssl (for s_server) not installed");
		pki = TestPki.create(dir);
	}

	private static OpenSslServer server(String... args) {
		return OpenSslServer.start(pki.serverCert(), pki.serverKey(), args);
	}

	private static OpenSslServer verifyingServer() {
		return server("-Verify", "1", "-CAfile", pki.caCert().toString(), "-verify_return_error");
	}

	@Test
	void tls13CompletesWithAlpnAndSni() {
		try (OpenSslServer s = server("-alpn", "h2")) {
			GnutlsResult r = new GnutlsClient().connect("127.0.0.1", s.port())
				.tls13()
				.alpn("h2,http/1.1")
				.servername("sni.example")
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.protocol()).contains("TLSv1.3");
			assertThat(r.cipher())
				.hasValueSatisfying(c -> assertThat(c).matches("AES-(128|256)-GCM|CHACHA20-POLY1305"));
			assertThat(r.alpn()).contains("h2");
			assertThat(r.receivedAlert()).isEmpty();
			assertThat(r.exitCode()).isZero();
			assertThat(r.command()).containsSequence("--alpn", "h2", "--alpn", "http/1.1");
			// s_server sends tickets: the TLS 1.3 post-handshake wait ended on that
			// signal
			assertThat(r.stderr()).contains(GnutlsResult.SESSION_TICKET_RECEIVED);
			assertThat(s.awaitOutput("ALPN protocols advertised by the client: h2, http/1.1", Duration.ofSeconds(2)))
				.isTrue();
		}
	}

	@Test
	void tls12CompletesAndVerifiesServerAgainstCaFile() {
		try (OpenSslServer s = OpenSslServer.start(pki.serverChain(), pki.serverKey())) {
			GnutlsResult r = new GnutlsClient().connect("127.0.0.1", s.port()).tls12().caFile(pki.caCert()).run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.protocol()).contains("TLSv1.2");
			assertThat(r.stdout()).contains("- Status: The certificate is trusted.");
			assertThat(r.command()).doesNotContain("--insecure");
		}
	}

	@Test
	void tls12OnlyClientGetsProtocolVersionFromTls13OnlyServer() {
		try (OpenSslServer s = server("-tls1_3")) {
			GnutlsResult r = new GnutlsClient().connect("127.0.0.1", s.port()).tls12().run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isFalse();
			assertThat(r.receivedAlert()).contains(Alert.fatal(70));
			assertThat(r.fatalError()).contains("A TLS fatal alert has been received.");
			assertThat(r.protocol()).isEmpty();
			assertThat(r.exitCode()).isNotZero();
		}
	}

	@Test
	void clientWithoutCertificateGetsCertificateRequiredOrHandshakeFailure() {
		try (OpenSslServer s = verifyingServer()) {
			GnutlsResult r13 = new GnutlsClient().connect("127.0.0.1", s.port()).tls13().run();
			assertThat(r13.clientFinished()).as(r13.toString()).isTrue();
			assertThat(r13.handshakeCompleted()).isFalse();
			assertThat(r13.receivedAlert()).as(r13.toString()).contains(Alert.fatal(116));

			GnutlsResult r12 = new GnutlsClient().connect("127.0.0.1", s.port()).tls12().run();
			assertThat(r12.clientFinished()).isFalse();
			assertThat(r12.receivedAlert()).as(r12.toString()).contains(Alert.fatal(40));
		}
	}

	@Test
	void untrustedCertificateGetsUnknownCaAndTrustedOneCompletes() {
		try (OpenSslServer s = verifyingServer()) {
			GnutlsResult bad = new GnutlsClient().connect("127.0.0.1", s.port())
				.tls13()
				.cert(pki.untrustedClientCert(), pki.untrustedClientKey())
				.run();
			assertThat(bad.handshakeCompleted()).as(bad.toString()).isFalse();
			assertThat(bad.receivedAlert()).as(bad.toString()).contains(Alert.fatal(48));

			GnutlsResult good = new GnutlsClient().connect("127.0.0.1", s.port())
				.tls12()
				.cert(pki.clientCert(), pki.clientKey())
				.run();
			assertThat(good.handshakeCompleted()).as(good.toString()).isTrue();
		}
	}

	@Test
	void receivedBytesAreExactAgainstJdkEchoServer() throws Exception {
		try (JdkTlsServer s = JdkTlsServer.start(pki.serverContext(), ss -> {
		})) {
			GnutlsResult r = new GnutlsClient().connect("127.0.0.1", s.port())
				.tls13()
				.send("ping\n- not a gnutls line\n")
				.awaitReplyContaining("gnutls line\n", Duration.ofSeconds(3))
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.receivedText()).as(r.toString()).isEqualTo("ping\n- not a gnutls line\n");
			assertThat(s.awaitOutcome(Duration.ofSeconds(2)).protocol()).isEqualTo("TLSv1.3");
		}
	}

}
