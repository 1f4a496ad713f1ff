package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenSslClientTests {

	@TempDir
	static Path dir;
	static TestPki pki;

	@BeforeAll
	static void setUp() {
		assumeTrue(OpenSslClient.isAvailable(), "openssl not installed");
		pki = TestPki.create(dir);
	}

	private static OpenSslServer server(String... args) {
		return OpenSslServer.start(pki.serverCert(), pki.serverKey(), args);
	}

	private static String[] verifyClients(String... more) {
		String[] base = { "-Verify", "1", "-CAfile", pki.caCert().toString(), "-verify_return_error" };
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	@Test
	void tls13HandshakeCompletes() {
		try (OpenSslServer s = server()) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls13().run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.protocol()).contains("TLSv1.3");
			assertThat(r.cipher()).hasValueSatisfying(c -> assertThat(c).startsWith("TLS_"));
			assertThat(r.exitCode()).isZero();
			assertThat(r.timedOut()).isFalse();
			assertThat(r.receivedAlert()).isEmpty();
			assertThat(r.alpn()).isEmpty();
			assertThat(r.errors()).isEmpty();
			// s_server sends session tickets at once: the post-handshake wait ends early
			assertThat(r.stderr()).contains(OpenSslResult.SESSION_TICKET_READ);
			assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void tls12HandshakeCompletesWithAlpnAndVerifiedServer() {
		try (OpenSslServer s = server("-alpn", "h2")) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls12()
				.alpn("h2,http/1.1")
				.caFile(pki.caCert())
				.noSessionResumption()
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.protocol()).contains("TLSv1.2");
			assertThat(r.cipher()).contains("ECDHE-ECDSA-AES256-GCM-SHA384");
			assertThat(r.alpn()).contains("h2");
			assertThat(r.verifyReturnCode()).hasValue(0);
			assertThat(r.command()).doesNotContain("-no-CAfile", "-reconnect").contains("-CAfile");
		}
	}

	@Test
	void unverifiedServerIsReportedButDoesNotAbort() {
		try (OpenSslServer s = server()) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls13().run();
			assertThat(r.handshakeCompleted()).isTrue();
			assertThat(r.verifyReturnCode()).isPresent().isNotEqualTo(java.util.OptionalInt.of(0));
			assertThat(r.command()).contains("-no-CAfile", "-no-CApath", "-no-CAstore");
		}
	}

	@Test
	void openSslClientReportsProtocolVersionAlertFromTls13OnlyServer() {
		try (OpenSslServer s = server("-tls1_3")) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls12().run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isFalse();
			assertThat(r.receivedAlert()).contains(Alert.fatal(70));
			assertThat(r.receivedAlert().orElseThrow().name()).isEqualTo("protocol_version");
			assertThat(r.errors()).contains("tlsv1 alert protocol version");
			assertThat(r.protocol()).isEmpty();
			assertThat(r.exitCode()).isEqualTo(1);
		}
	}

	@Test
	void tls11OnlyClientGetsProtocolVersion() {
		try (OpenSslServer s = server("-min_protocol", "TLSv1.2")) {
			OpenSslClient c = new OpenSslClient().connect("127.0.0.1", s.port()).tls11Only();
			assertThat(c.command()).containsSequence("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
			OpenSslResult r = c.run();
			assertThat(r.handshakeCompleted()).isFalse();
			assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(70));
			assertThat(s.awaitOutput("unsupported protocol", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void aes128ShaOnlyClientGetsHandshakeFailureFromEcdsaServer() {
		try (OpenSslServer s = server()) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls12().ciphers("AES128-SHA").run();
			assertThat(r.handshakeCompleted()).isFalse();
			assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(40));
			assertThat(r.errors()).contains("sslv3 alert handshake failure");
			assertThat(s.awaitOutput("no shared cipher", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void tls13ClientWithoutCertificateGetsCertificateRequiredEveryTime() {
		// The alert arrives after the client finished; closing stdin at once loses it ~1
		// run in 2.
		try (OpenSslServer s = server(verifyClients())) {
			for (int i = 0; i < 4; i++) {
				OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls13().run();
				assertThat(r.clientFinished()).as(r.toString()).isTrue();
				assertThat(r.handshakeCompleted()).as(r.toString()).isFalse();
				assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(116));
				assertThat(r.receivedAlert().orElseThrow().name()).isEqualTo("certificate_required");
				assertThat(r.errors()).contains("tlsv13 alert certificate required");
			}
		}
	}

	@Test
	void tls12ClientWithoutCertificateGetsHandshakeFailure() {
		try (OpenSslServer s = server(verifyClients())) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port()).tls12().run();
			assertThat(r.clientFinished()).isFalse();
			assertThat(r.handshakeCompleted()).isFalse();
			assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(40));
			// s_client prints "New, TLSv1.2, Cipher is ..." even here: protocol() alone
			// is no success
			assertThat(r.protocol()).contains("TLSv1.2");
		}
	}

	@Test
	void untrustedClientCertificateGetsUnknownCa() {
		try (OpenSslServer s = server(verifyClients())) {
			for (OpenSslClient c : new OpenSslClient[] { new OpenSslClient().tls13(), new OpenSslClient().tls12() }) {
				OpenSslResult r = c.connect("127.0.0.1", s.port())
					.cert(pki.untrustedClientCert(), pki.untrustedClientKey())
					.run();
				assertThat(r.handshakeCompleted()).as(r.toString()).isFalse();
				assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(48));
				assertThat(r.receivedAlert().orElseThrow().name()).isEqualTo("unknown_ca");
				assertThat(r.errors()).contains("tlsv1 alert unknown ca");
			}
		}
	}

	@Test
	void expiredClientCertificateIsRejected() {
		try (OpenSslServer s = server(verifyClients())) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls13()
				.cert(pki.expiredClientCert(), pki.expiredClientKey())
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isFalse();
			assertThat(r.receivedAlert()).as(r.toString()).contains(Alert.fatal(45));
		}
	}

	@Test
	void trustedClientCertificateCompletesOnBothVersions() {
		try (OpenSslServer s = server(verifyClients())) {
			for (OpenSslClient c : new OpenSslClient[] { new OpenSslClient().tls13(), new OpenSslClient().tls12() }) {
				OpenSslResult r = c.connect("127.0.0.1", s.port()).cert(pki.clientCert(), pki.clientKey()).run();
				assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
				assertThat(r.receivedAlert()).isEmpty();
			}
		}
	}

	@Test
	void sendsDataAndReadsTheReplyFromOpenSsl() {
		try (OpenSslServer s = server("-rev")) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls13()
				.send("hello world\n")
				.awaitReplyContaining("dlrow olleh", Duration.ofSeconds(3))
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.receivedText()).isEqualTo("dlrow olleh\n");
		}
	}

	@Test
	void receivedBytesAreExactAgainstJdkEchoServerDespiteSessionTickets() throws Exception {
		try (JdkTlsServer s = JdkTlsServer.start(pki.serverContext(), ss -> {
		})) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls13()
				.servername("sni.example")
				.caFile(pki.caCert())
				.send("ping Q R\n")
				.awaitReply(Duration.ofSeconds(3))
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.receivedText()).as(r.toString()).isEqualTo("ping Q R\n");
			JdkTlsServer.Outcome o = s.awaitOutcome(Duration.ofSeconds(2));
			assertThat(o.ok()).isTrue();
			assertThat(o.protocol()).isEqualTo("TLSv1.3");
			assertThat(o.sni()).containsExactly("sni.example");
			assertThat(r.cipher()).contains(o.cipher());
		}
	}

	@Test
	void tls12WithJdkServerAndSpecificSuite() throws Exception {
		try (JdkTlsServer s = JdkTlsServer.start(pki.serverContext(), ss -> {
		})) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls12()
				.ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
				.run();
			assertThat(r.handshakeCompleted()).as(r.toString()).isTrue();
			assertThat(r.cipher()).contains("ECDHE-ECDSA-AES128-GCM-SHA256");
			assertThat(s.awaitOutcome(Duration.ofSeconds(2)).cipher())
				.isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
		}
	}

	@Test
	void tls13SuiteSelection() {
		try (OpenSslServer s = server()) {
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", s.port())
				.tls13()
				.ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
				.run();
			assertThat(r.cipher()).as(r.toString()).contains("TLS_CHACHA20_POLY1305_SHA256");
		}
	}

	@Test
	void silentServerIsKilledAtTheTimeout() throws IOException {
		try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
			Thread holder = new Thread(() -> {
				try (Socket held = silent.accept()) {
					while (held.getInputStream().read() >= 0) {
						// swallow the ClientHello, answer nothing, hold until the client
						// goes away
					}
				}
				catch (IOException e) {
					// closed
				}
			});
			holder.setDaemon(true);
			holder.start();
			OpenSslResult r = new OpenSslClient().connect("127.0.0.1", silent.getLocalPort())
				.timeout(Duration.ofMillis(1500))
				.run();
			assertThat(r.timedOut()).isTrue();
			assertThat(r.handshakeCompleted()).isFalse();
			assertThat(r.elapsed()).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(5));
		}
	}

	@Test
	void noSessionResumptionRejectsReconnect() {
		OpenSslClient c = new OpenSslClient().connect("127.0.0.1", 1).noSessionResumption().args("-reconnect");
		org.assertj.core.api.Assertions.assertThatThrownBy(c::command).isInstanceOf(IllegalStateException.class);
	}

}
