package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsaccept.engine.ContractServer.Outcome;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.keys.TrustMaterial;
import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.GnutlsClient;
import dev.tlsaccept.peers.GnutlsResult;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.RawClient;
import dev.tlsaccept.peers.RawResult;
import dev.tlsaccept.peers.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code SSL_accept()} contract, cell by cell, against real clients: {@code openssl
 * s_client} and raw sockets reproducing every client behaviour of
 * {@code openssl-reference.md} (rows a–p). One subclass per engine × BIO mode (Netty's
 * {@code SSLEngineTest} pattern): adding an engine or a mode means adding one small
 * class.
 */
abstract class AbstractAcceptContractTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Generous: CI machines are shared and slow; only the stall test waits for it. */
	private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);

	@TempDir
	static Path pkiDirectory;

	static TestPki pki;

	private static final RawClient RAW = new RawClient();

	private ContractServer server;

	/** The engine under test, e.g. {@code jdk}. */
	abstract String engine();

	/** The BIO mode under test. */
	abstract BioMode mode();

	/**
	 * What this engine sends where it differs from OpenSSL 3.0 (see README "Engine
	 * differences").
	 * @param openSslAlert the alert OpenSSL 3.0 sends in that cell
	 * @param cell the cell, e.g. {@code n13}
	 * @return the alert number this engine sends
	 */
	int expectedSentAlert(int openSslAlert, String cell) {
		return openSslAlert;
	}

	/**
	 * Whether this engine sends TLS 1.3 session tickets, so that clients resume (see
	 * README "Engine differences": BCJSSE 1.84 sends none).
	 */
	boolean resumesTls13Sessions() {
		return true;
	}

	/**
	 * What the JDK client reports when this engine refuses its renegotiation (README,
	 * "Engine differences"): BCJSSE's warning no_renegotiation, as OpenSSL 3 sends it;
	 * {@code null} when the connection closes without an alert.
	 */
	@Nullable String renegotiationRefusalSeenByClient() {
		return "received handshake warning: no_renegotiation";
	}

	/** Whether the connection carries on after this engine refused a renegotiation. */
	boolean keepsConnectionAfterRenegotiation() {
		return true;
	}

	@BeforeAll
	static void createPki() {
		pki = TestPki.create(pkiDirectory);
	}

	@AfterEach
	void stopServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

	private ContractServer start(TlsConfig.Builder builder) throws Exception {
		TlsConfig config = builder.engine(engine()).build();
		if (config.handshakeTimeout().equals(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT)) {
			config = config.toBuilder().handshakeTimeout(HANDSHAKE_TIMEOUT).build();
		}
		TlsServerContext context = TlsServerContext.create(config);
		this.server = new ContractServer(context, mode());
		return this.server;
	}

	private ContractServer start() throws Exception {
		return start(TlsConfig.builder(serverKey()));
	}

	private ContractServer startNeedingClientCertificates() throws Exception {
		TrustMaterial trust = KeyMaterials.trustFromPem(pki.caCert());
		return start(TlsConfig.builder(serverKey()).clientAuth(ClientAuth.NEED).trustMaterial(trust));
	}

	private static KeyMaterial serverKey() {
		return KeyMaterials.fromPem(pki.serverCert(), pki.serverKey(), null);
	}

	private OpenSslClient openssl(ContractServer server) {
		return new OpenSslClient().connect("127.0.0.1", server.port()).caFile(pki.caCert()).timeout(WAIT);
	}

	private AcceptResult finished(Outcome outcome) {
		AcceptResult result = outcome.result();
		assertThat(result.isFinished()).as("finished: %s", result).isTrue();
		assertThat(outcome.repeated()).as("accept() again returns the same result").isEqualTo(result);
		if (mode() == BioMode.BLOCKING) {
			assertThat(outcome.calls()).as("a blocking BIO never returns WANT_*").hasSize(1);
			assertThat(result.wantReadTurns() + result.wantWriteTurns()).isZero();
		}
		else {
			assertThat(outcome.calls().subList(0, outcome.calls().size() - 1))
				.allSatisfy((call) -> assertThat(call.error().isRetryable()).isTrue())
				.allSatisfy((call) -> assertThat(call.code()).isEqualTo(-1));
			assertThat(result.wantReadTurns()).as("turns in %s", outcome.calls())
				.isEqualTo((int) outcome.calls().stream().filter((call) -> call.error() == SslError.WANT_READ).count());
		}
		return result;
	}

	private static void assertCell(AcceptResult result, int code, SslError error) {
		assertThat(result.code()).as("code of %s: %s", result, result.engineMessage()).isEqualTo(code);
		assertThat(result.error()).as("error of %s: %s", result, result.engineMessage()).isEqualTo(error);
	}

	// a
	@Test
	void acceptReturnsOneForOpenSslClientOnTls13() throws Exception {
		ContractServer server = start();
		OpenSslResult client = openssl(server).tls13().send("ping\n").run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 1, SslError.NONE);
		assertThat(result.protocol()).isEqualTo("TLSv1.3");
		assertThat(result.cipherSuite()).startsWith("TLS_");
		assertThat(result.alert()).isNull();
		assertThat(result.duration()).isPositive();
		assertCompleted(client);
		assertThat(client.protocol()).hasValue("TLSv1.3");
		// WANT_READ turns over a socket depend on timing (OpenSSL saw 2 for this row);
		// finished()
		// checks that they match the calls, PairHandshakeTests proves WANT_READ
		// deterministically
	}

	// b
	@Test
	void acceptReturnsOneForOpenSslClientOnTls12AndEchoesData() throws Exception {
		ContractServer server = start();
		OpenSslResult client = openssl(server).tls12().send("ping\n").run();
		Outcome outcome = server.next(WAIT);
		AcceptResult result = finished(outcome);
		assertCell(result, 1, SslError.NONE);
		assertThat(result.protocol()).isEqualTo("TLSv1.2");
		assertThat(result.cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_");
		assertThat(new String(outcome.afterHandshake(), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
		assertCompleted(client);
	}

	@Test
	void acceptRecordsServerNameAndApplicationProtocol() throws Exception {
		ContractServer server = start(
				TlsConfig.builder(serverKey()).applicationProtocols(java.util.List.of("h2", "x-tlsaccept")));
		OpenSslResult client = openssl(server).tls13().servername("localhost").alpn("x-tlsaccept").run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 1, SslError.NONE);
		assertThat(result.serverName()).isEqualTo("localhost");
		assertThat(result.applicationProtocol()).isEqualTo("x-tlsaccept");
		assertThat(client.alpn()).hasValue("x-tlsaccept");
	}

	@Test
	void acceptReturnsOneForGnutlsClientOnTls13AndTls12() throws Exception {
		assumeTrue(GnutlsClient.isAvailable() || System.getenv("CI") != null, "gnutls-cli is not installed");
		ContractServer server = start();
		for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
			GnutlsClient client = new GnutlsClient().connect("127.0.0.1", server.port())
				.caFile(pki.caCert())
				.servername("localhost")
				.send("ping\n")
				.timeout(WAIT);
			GnutlsResult output = ("TLSv1.3".equals(protocol) ? client.tls13() : client.tls12()).run();
			Outcome outcome = server.next(WAIT);
			AcceptResult result = finished(outcome);
			assertCell(result, 1, SslError.NONE);
			assertThat(result.protocol()).isEqualTo(protocol);
			assertThat(output.handshakeCompleted()).as(output.describe()).isTrue();
			assertThat(output.protocol()).as(output.describe()).hasValue(protocol);
			assertThat(new String(outcome.afterHandshake(), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
		}
	}

	/**
	 * {@code gnutls-cli --waitresumption --resume} waits for the TLS 1.3 NewSessionTicket
	 * before it writes a byte, then connects again with it: the server must send its
	 * ticket without waiting for the application to write (BoringSSL holds it until the
	 * first write).
	 */
	@Test
	void tls13ClientThatWaitsForTheSessionTicketGetsItAndResumes() throws Exception {
		assumeTrue(GnutlsClient.isAvailable() || System.getenv("CI") != null, "gnutls-cli is not installed");
		assumeTrue(resumesTls13Sessions(), "the engine sends no TLS 1.3 session tickets");
		ContractServer server = start();
		GnutlsResult output = new GnutlsClient().connect("127.0.0.1", server.port())
			.caFile(pki.caCert())
			.servername("localhost")
			.tls13()
			.args("--waitresumption", "--resume")
			.timeout(WAIT)
			.run();
		assertThat(output.timedOut()).as(output.describe()).isFalse();
		assertThat(output.stdout()).as(output.describe()).contains("This is a resumed session");
		assertCell(finished(server.next(WAIT)), 1, SslError.NONE);
		assertCell(finished(server.next(WAIT)), 1, SslError.NONE);
	}

	/**
	 * {@code openssl s_client -sess_out}, then {@code -sess_in}: the TLS 1.3 session
	 * ticket of the first connection resumes the second, as s_client reports it
	 * ({@code Reused,}).
	 */
	@Test
	void tls13SessionTicketResumesWithOpenSslClient() throws Exception {
		assumeTrue(OpenSslClient.isAvailable() || System.getenv("CI") != null, "openssl is not installed");
		assumeTrue(resumesTls13Sessions(), "the engine sends no TLS 1.3 session tickets");
		ContractServer server = start();
		Path session = pkiDirectory.resolve("s_client-" + engine() + "-" + mode() + ".session");
		OpenSslResult first = openssl(server).servername("localhost")
			.tls13()
			.args("-sess_out", session.toString())
			.run();
		assertThat(first.handshakeCompleted()).as(first.describe()).isTrue();
		assertCell(finished(server.next(WAIT)), 1, SslError.NONE);
		OpenSslResult second = openssl(server).servername("localhost")
			.tls13()
			.args("-sess_in", session.toString())
			.run();
		assertThat(second.stdout()).as(second.describe()).contains("Reused, TLSv1.3");
		assertCell(finished(server.next(WAIT)), 1, SslError.NONE);
	}

	/**
	 * tlsfuzzer's {@code test-renegotiation-disabled.py}: a ClientHello on an established
	 * TLS 1.2 connection, then application data at once.
	 */
	@Test
	void tls12RenegotiationIsRefusedAsTheEngineCan() throws Exception {
		ContractServer server = start();
		try (EngineClient client = new EngineClient(server.port(), clientEngine("TLSv1.2"), WAIT)) {
			client.handshake();
			client.send(client.renegotiationHello(),
					client.wrap(ByteBuffer.wrap("after\n".getBytes(StandardCharsets.US_ASCII))));
			EngineClient.Answer answer = client.readAnswer();
			String refusal = renegotiationRefusalSeenByClient();
			if (refusal == null) {
				assertThat(answer.failure()).as("%s", answer).isNull();
				assertThat(answer.closed()).as("%s", answer).isTrue();
			}
			else {
				assertThat(answer.failure()).as("%s", answer).isNotNull();
				assertThat(answer.failure()).hasMessageContaining(refusal);
			}
			Outcome outcome = server.next(WAIT);
			assertCell(finished(outcome), 1, SslError.NONE);
			String read = new String(outcome.afterHandshake(), StandardCharsets.US_ASCII);
			if (keepsConnectionAfterRenegotiation()) {
				assertThat(read).as("the data after the refused hello").isEqualTo("after\n");
			}
			else {
				assertThat(read).doesNotContain("after");
			}
		}
		assertThat(this.server.renegotiationsRefused()).isOne();
	}

	/**
	 * tlsfuzzer's {@code test-fuzzed-ciphertext.py}: one bit flipped in an application
	 * data record.
	 */
	@Test
	void bitFlippedApplicationDataIsAnsweredWithBadRecordMac() throws Exception {
		ContractServer server = start();
		for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
			try (EngineClient client = new EngineClient(server.port(), clientEngine(protocol), WAIT)) {
				client.handshake();
				ByteBuffer record = client
					.wrap(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
				record.put(record.limit() - 1, (byte) (record.get(record.limit() - 1) ^ 0x01));
				client.send(record);
				EngineClient.Answer answer = client.readAnswer();
				assertThat(answer.failure()).as("%s %s", protocol, answer).isNotNull();
				assertThat(answer.failure()).hasMessageContaining("bad_record_mac");
				Outcome outcome = server.next(WAIT);
				assertCell(finished(outcome), 1, SslError.NONE);
				assertThat(new String(outcome.afterHandshake(), StandardCharsets.US_ASCII)).doesNotContain("GET");
			}
		}
	}

	private static SSLEngine clientEngine(String protocol) throws Exception {
		TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
		trust.init(KeyMaterials.trustFromPem(pki.caCert()).toKeyStore());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return EnginePairTests.client(context, protocol);
	}

	// c
	@Test
	void acceptRefusesTls11WithProtocolVersionAlert() throws Exception {
		ContractServer server = start();
		OpenSslResult client = openssl(server).tls11Only().run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("unsupported protocol");
		assertThat(result.protocol()).as("no protocol was negotiated").isNull();
		assertSent(result, 70);
		assertThat(receivedAlert(client)).isEqualTo(70);
		assertThat(result.engineMessage()).isNotBlank();
	}

	// d
	@Test
	void acceptRefusesNoSharedCipherWithHandshakeFailureAlert() throws Exception {
		ContractServer server = start();
		OpenSslResult client = openssl(server).tls12().ciphers("AES128-SHA").run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("no shared cipher");
		assertThat(result.protocol()).as("no protocol was negotiated").isNull();
		assertSent(result, 40);
		assertThat(receivedAlert(client)).isEqualTo(40);
	}

	// e
	@Test
	void acceptRefusesPlaintextHttpWithoutAlert() throws Exception {
		ContractServer server = start();
		RawResult client = RAW.plaintextHttp("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("http request");
		assertThat(result.protocol()).as("not TLS at all").isNull();
		assertThat(result.alert()).isNull();
		assertThat(client.bytesReceived()).isEmpty();
	}

	// f
	@Test
	void acceptReturnsZeroSyscallWhenPeerClosesBeforeAnyByte() throws Exception {
		ContractServer server = start();
		RAW.connectAndClose("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 0, SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("unexpected eof while reading");
		assertThat(result.alert()).isNull();
	}

	// g
	@Test
	void acceptReturnsZeroSyscallWhenPeerClosesAfterHalfAClientHello() throws Exception {
		ContractServer server = start();
		RawResult client = RAW.halfClientHelloThenClose("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 0, SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("unexpected eof while reading");
		assertThat(client.bytesReceived()).isEmpty();
	}

	// h
	@Test
	void acceptReturnsZeroSyscallWhenPeerClosesAfterTheServerFlight() throws Exception {
		ContractServer server = start();
		RawResult client = RAW.fullClientHelloReadFlightThenClose("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 0, SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("unexpected eof while reading");
		assertThat(client.bytesReceived()).isNotEmpty();
	}

	// i
	@Test
	void acceptReturnsZeroReturnWhenPeerSendsCloseNotifyDuringHandshake() throws Exception {
		ContractServer server = start();
		RawResult client = RAW.fullClientHelloThenAlert("127.0.0.1", server.port(), (byte) 1, (byte) 0);
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, 0, SslError.ZERO_RETURN);
		assertThat(result.alert()).isNotNull();
		assertThat(result.alert().name()).isEqualTo("close_notify");
		assertThat(result.alert().direction()).isEqualTo(TlsAlert.Direction.RECEIVED);
		assertThat(RawClient.plaintextAlertIn(client.bytesReceived())).as("no alert sent back").isEmpty();
	}

	// j
	@Test
	void acceptReturnsSslWhenPeerSendsFatalAlert() throws Exception {
		ContractServer server = start();
		RAW.fullClientHelloThenAlert("127.0.0.1", server.port(), (byte) 2, (byte) 40);
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.alert()).isEqualTo(TlsAlert.of(40, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(result.reason()).isEqualTo("sslv3 alert handshake failure");
	}

	// k
	@Test
	void acceptRefusesOversizedRecordWithRecordOverflowAlert() throws Exception {
		ContractServer server = start();
		RawResult client = RAW.oversizedRecord("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("packet length too long");
		assertThat(result.protocol()).isNull();
		assertSent(result, 22);
		assertThat(RawClient.plaintextAlertIn(client.bytesReceived()))
			.hasValueSatisfying((alert) -> assertThat(alert.description()).isEqualTo(22));
	}

	// l
	@Test
	void acceptReturnsSyscallWhenHandshakeTimesOut() throws Exception {
		ContractServer server = start(TlsConfig.builder(serverKey()).handshakeTimeout(STALL_TIMEOUT));
		RawResult client = RAW.stall("127.0.0.1", server.port(), STALL_TIMEOUT.multipliedBy(3));
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("handshake timed out");
		assertThat(result.duration()).isGreaterThanOrEqualTo(STALL_TIMEOUT.minusMillis(50));
		assertThat(client.bytesReceived()).as("nothing sent to a stalled client").isEmpty();
	}

	// m
	@Test
	void acceptReturnsSyscallWhenPeerResetsTheConnection() throws Exception {
		ContractServer server = start();
		RAW.halfClientHelloThenReset("127.0.0.1", server.port());
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("connection reset by peer");
	}

	// n13
	@Test
	void acceptRefusesTls13ClientWithoutCertificateWhenClientAuthIsNeeded() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		OpenSslResult client = openssl(server).tls13().send("ping\n").run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("peer did not return a certificate");
		assertSent(result, expectedSentAlert(116, "n13"));
		assertThat(receivedAlert(client)).isEqualTo(result.alert().number());
	}

	// n12
	@Test
	void acceptRefusesTls12ClientWithoutCertificateWhenClientAuthIsNeeded() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		OpenSslResult client = openssl(server).tls12().run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("peer did not return a certificate");
		assertSent(result, expectedSentAlert(40, "n12"));
		assertThat(receivedAlert(client)).isEqualTo(result.alert().number());
	}

	// o13
	@Test
	void acceptRefusesTls13ClientCertificateFromUntrustedCa() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		OpenSslResult client = openssl(server).tls13()
			.cert(pki.untrustedClientCert(), pki.untrustedClientKey())
			.send("ping\n")
			.run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("certificate verify failed");
		assertSent(result, expectedSentAlert(48, "o13"));
		assertThat(receivedAlert(client)).isEqualTo(result.alert().number());
		assertRefusedChainRecorded(result, pki.untrustedClientCert());
	}

	// o12
	@Test
	void acceptRefusesTls12ClientCertificateFromUntrustedCa() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		OpenSslResult client = openssl(server).tls12().cert(pki.untrustedClientCert(), pki.untrustedClientKey()).run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("certificate verify failed");
		assertSent(result, expectedSentAlert(48, "o12"));
		assertThat(receivedAlert(client)).isEqualTo(result.alert().number());
		assertRefusedChainRecorded(result, pki.untrustedClientCert());
	}

	/** The record shows the chain the client sent, though the engine refused it. */
	private static void assertRefusedChainRecorded(AcceptResult result, Path clientCert) {
		X509Certificate sent = KeyMaterials.trustFromPem(clientCert).certificates().get(0);
		assertThat(result.peerCertificates()).as("the refused chain").isNotEmpty();
		assertThat(result.peerCertificates().get(0).getSubjectX500Principal())
			.isEqualTo(sent.getSubjectX500Principal());
		assertThat(result.peerCertificates().get(0).getIssuerX500Principal()).isEqualTo(sent.getIssuerX500Principal());
	}

	@Test
	void acceptRefusesExpiredClientCertificate() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		OpenSslResult client = openssl(server).tls13()
			.cert(pki.expiredClientCert(), pki.expiredClientKey())
			.send("ping\n")
			.run();
		AcceptResult result = finished(server.next(WAIT));
		assertCell(result, -1, SslError.SSL);
		assertThat(result.reason()).isEqualTo("certificate verify failed");
		assertThat(result.alert()).isNotNull();
		assertThat(result.alert().direction()).isEqualTo(TlsAlert.Direction.SENT);
		assertThat(receivedAlert(client)).isEqualTo(result.alert().number());
		assertRefusedChainRecorded(result, pki.expiredClientCert());
	}

	// p
	@Test
	void acceptReturnsOneForTrustedClientCertificate() throws Exception {
		ContractServer server = startNeedingClientCertificates();
		for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
			OpenSslClient client = openssl(server).cert(pki.clientCert(), pki.clientKey()).send("ping\n");
			OpenSslResult output = ("TLSv1.3".equals(protocol) ? client.tls13() : client.tls12()).run();
			AcceptResult result = finished(server.next(WAIT));
			assertCell(result, 1, SslError.NONE);
			assertThat(result.protocol()).isEqualTo(protocol);
			assertThat(result.peerCertificates()).isNotEmpty();
			assertThat(result.peerCertificates().get(0).getSubjectX500Principal().getName()).contains("CN=");
			assertCompleted(output);
		}
	}

	/**
	 * The client agreed a protocol and a cipher and received no fatal alert (close_notify
	 * is fine).
	 */
	private static void assertCompleted(OpenSslResult client) {
		assertThat(client.protocol()).as(client.describe()).isPresent();
		assertThat(client.cipher()).as(client.describe()).isPresent();
		assertThat(client.receivedAlert().filter(Alert::isFatal)).as(client.describe()).isEmpty();
	}

	private static int receivedAlert(OpenSslResult client) {
		return client.receivedAlert()
			.orElseThrow(() -> new AssertionError("openssl s_client reported no alert: " + client.describe()))
			.description();
	}

	private static void assertSent(AcceptResult result, int number) {
		assertThat(result.alert()).as("alert of %s", result).isNotNull();
		assertThat(result.alert().number()).as("alert of %s", result).isEqualTo(number);
		assertThat(result.alert().direction()).isEqualTo(TlsAlert.Direction.SENT);
		assertThat(result.alert().level()).isEqualTo(TlsAlert.Level.FATAL);
	}

}
