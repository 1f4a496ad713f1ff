package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RawClient against real OpenSSL ({@code s_server}): the rows e–m of
 * openssl-reference.md.
 */
class RawClientTests {

	@TempDir
	static Path dir;
	static TestPki pki;

	final RawClient raw = new RawClient(Duration.ofSeconds(3));

	@BeforeAll
	static void setUp() {
		pki = TestPki.create(dir);
	}

	private static OpenSslServer openssl() {
		assumeTrue(OpenSslClient.isAvailable(), "openssl not installed");
		return OpenSslServer.start(pki.serverCert(), pki.serverKey());
	}

	@Test
	void plaintextHttpGetsNoAlert() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.plaintextHttp("127.0.0.1", s.port());
			assertThat(r.bytesReceived()).as(r.toString()).isEmpty();
			assertThat(r.eof() || r.reset()).as(r.toString()).isTrue();
			assertThat(s.awaitOutput("http request", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void connectAndCloseGetsDecodeError() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.connectAndClose("127.0.0.1", s.port());
			assertThat(r.plaintextAlert()).as(r.toString()).contains(Alert.fatal(50));
			assertThat(r.bytesReceived()).containsExactly(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32);
			assertThat(r.eof()).isTrue();
			assertThat(s.awaitOutput("unexpected eof while reading", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void halfClientHelloThenCloseGetsDecodeError() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.halfClientHelloThenClose("127.0.0.1", s.port());
			assertThat(r.plaintextAlert()).as(r.toString()).contains(Alert.fatal(50));
			assertThat(s.awaitOutput("unexpected eof while reading", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void fullClientHelloReadFlightThenCloseTls12SeesDecodeErrorInClear() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.fullClientHelloReadFlightThenClose("127.0.0.1", s.port(), "TLSv1.2");
			List<RawClient.Record> records = RawClient.records(r.bytesReceived());
			assertThat(records).as(r.toString()).hasSizeGreaterThan(1);
			assertThat(records.get(0).contentType()).isEqualTo(RawClient.Record.HANDSHAKE);
			assertThat(records.get(0).fragment()[0]).as("ServerHello").isEqualTo((byte) 2);
			assertThat(records.get(records.size() - 1).contentType()).isEqualTo(RawClient.Record.ALERT);
			assertThat(r.plaintextAlert()).contains(Alert.fatal(50));
			assertThat(r.eof()).isTrue();
			assertThat(s.awaitOutput("unexpected eof while reading", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void fullClientHelloReadFlightThenCloseTls13AlertIsEncrypted() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.fullClientHelloReadFlightThenClose("127.0.0.1", s.port());
			List<RawClient.Record> records = RawClient.records(r.bytesReceived());
			assertThat(records.get(0).fragment()[0]).as("ServerHello").isEqualTo((byte) 2);
			// after ServerHello everything is application_data; the decode_error alert is
			// the last
			// record: 2 bytes + content type + 16-byte AEAD tag
			RawClient.Record last = records.get(records.size() - 1);
			assertThat(last.contentType()).isEqualTo(RawClient.Record.APPLICATION_DATA);
			assertThat(last.fragment()).hasSize(19);
			assertThat(r.plaintextAlert()).isEmpty();
			assertThat(s.awaitOutput("unexpected eof while reading", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void closeNotifyAfterClientHelloIsAControlledShutdown() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.fullClientHelloThenAlert("127.0.0.1", s.port(), (byte) 1, (byte) 0);
			assertThat(RawClient.records(r.bytesReceived())).as(r.toString()).isNotEmpty();
			assertThat(r.plaintextAlert()).isEmpty();
			assertThat(r.eof()).isTrue();
			assertThat(s.awaitOutput("ERROR", Duration.ofSeconds(2))).isTrue();
			assertThat(s.output()).doesNotContain("SSL alert number", "unexpected eof");
		}
	}

	@Test
	void fatalAlertAfterClientHelloReachesTheServer() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.fullClientHelloThenAlert("127.0.0.1", s.port(), (byte) 2, (byte) 40);
			assertThat(r.eof()).as(r.toString()).isTrue();
			assertThat(r.plaintextAlert()).isEmpty();
			assertThat(s.awaitOutput("sslv3 alert handshake failure", Duration.ofSeconds(2))).isTrue();
			assertThat(s.output()).contains("SSL alert number 40");
		}
	}

	@Test
	void oversizedRecordGetsRecordOverflow() {
		try (OpenSslServer s = openssl()) {
			RawResult r = raw.oversizedRecord("127.0.0.1", s.port());
			assertThat(r.plaintextAlert()).as(r.toString()).contains(Alert.fatal(22));
			assertThat(r.plaintextAlert().orElseThrow().name()).isEqualTo("record_overflow");
			assertThat(s.awaitOutput("packet length too long", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void stallHoldsTheConnectionForTheWholeDuration() {
		try (OpenSslServer s = openssl()) {
			long start = System.nanoTime();
			RawResult r = raw.stall("127.0.0.1", s.port(), Duration.ofMillis(600));
			long ms = (System.nanoTime() - start) / 1_000_000;
			assertThat(r.timedOut()).as(r.toString()).isTrue();
			assertThat(r.eof()).isFalse();
			assertThat(r.bytesReceived()).isEmpty();
			assertThat(ms).isBetween(550L, 3000L);
		}
	}

	@Test
	void stallReportsEofWhenTheServerGivesUpFirst() throws Exception {
		try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
			CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
				try (Socket s = ss.accept()) {
					s.setSoTimeout(200);
					return s.getInputStream().readNBytes(3);
				}
				catch (IOException e) {
					return new byte[0];
				}
			});
			RawResult r = raw.stall("127.0.0.1", ss.getLocalPort(), Duration.ofSeconds(3));
			assertThat(got.get(3, TimeUnit.SECONDS)).containsExactly(0x16, 0x03, 0x01);
			assertThat(r.eof()).as(r.toString()).isTrue();
			assertThat(r.timedOut()).isFalse();
		}
	}

	@Test
	void halfClientHelloThenResetSendsATcpReset() throws Exception {
		try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
			CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
				try (Socket s = ss.accept()) {
					s.setSoTimeout(3000);
					InputStream in = s.getInputStream();
					int n = 0;
					byte[] buf = new byte[4096];
					try {
						int k;
						while ((k = in.read(buf)) >= 0) {
							n += k;
						}
						return "eof after " + n;
					}
					catch (java.net.SocketException e) {
						return "reset after " + n + ": " + e.getMessage();
					}
				}
				catch (IOException e) {
					return "error " + e;
				}
			});
			RawResult r = raw.halfClientHelloThenReset("127.0.0.1", ss.getLocalPort());
			assertThat(r.bytesReceived()).isEmpty();
			assertThat(seen.get(5, TimeUnit.SECONDS)).startsWith("reset").contains("Connection reset");
		}
		try (OpenSslServer s = openssl()) {
			raw.halfClientHelloThenReset("127.0.0.1", s.port());
			assertThat(s.awaitOutput("ERROR", Duration.ofSeconds(2))).isTrue();
		}
	}

	@Test
	void resetFromTheServerIsReported() throws Exception {
		try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
				try (Socket s = ss.accept()) {
					s.getInputStream().readNBytes(3); // leave the rest unread
					s.setSoLinger(true, 0);
				}
				catch (IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			});
			RawResult r = raw.plaintextHttp("127.0.0.1", ss.getLocalPort());
			server.get(3, TimeUnit.SECONDS);
			assertThat(r.reset()).as(r.toString()).isTrue();
			assertThat(r.eof()).isFalse();
		}
	}

	@Test
	void sendAndReadReturnsEverythingUntilEof() throws Exception {
		try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
			CompletableFuture.runAsync(() -> {
				try (Socket s = ss.accept()) {
					byte[] in = s.getInputStream().readNBytes(4);
					s.getOutputStream().write(in);
					s.getOutputStream().write(new byte[] { 1, 2, 3 });
				}
				catch (IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			});
			RawResult r = raw.sendAndRead("127.0.0.1", ss.getLocalPort(), new byte[] { 9, 8, 7, 6 },
					Duration.ofSeconds(3));
			assertThat(r.bytesReceived()).containsExactly(9, 8, 7, 6, 1, 2, 3);
			assertThat(r.eof()).isTrue();
			assertThat(r.reset()).isFalse();
			assertThat(r.timedOut()).isFalse();
		}
	}

	// ---------------------------------------------------------------- bytes

	@Test
	void clientHelloOffersWhatIsAsked() {
		byte[] both = RawClient.clientHello();
		byte[] v12 = RawClient.clientHello("TLSv1.2");
		for (byte[] hello : List.of(both, v12)) {
			assertThat(hello[0]).isEqualTo((byte) 0x16);
			assertThat(RawClient.records(hello)).hasSize(1);
			assertThat(hello[5]).as("ClientHello").isEqualTo((byte) 1);
		}
		assertThat(supportedVersions(both)).contains(0x0304, 0x0303);
		assertThat(supportedVersions(v12)).doesNotContain(0x0304);
		assertThat(RawClient.halfClientHello()).hasSize(both.length / 2);
	}

	/** Versions of the supported_versions extension (43), empty if absent. */
	private static List<Integer> supportedVersions(byte[] record) {
		byte[] b = RawClient.records(record).get(0).fragment();
		int o = 4 + 2 + 32; // handshake header, legacy_version, random
		o += 1 + (b[o] & 0xff); // session id
		o += 2 + (((b[o] & 0xff) << 8) | (b[o + 1] & 0xff)); // cipher suites
		o += 1 + (b[o] & 0xff); // compression methods
		int end = o + 2 + (((b[o] & 0xff) << 8) | (b[o + 1] & 0xff));
		o += 2;
		List<Integer> versions = new ArrayList<>();
		while (o + 4 <= end) {
			int type = ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
			int len = ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
			if (type == 43) {
				for (int i = o + 5; i + 1 < o + 4 + len; i += 2) {
					versions.add(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
				}
			}
			o += 4 + len;
		}
		return versions;
	}

	@Test
	void plaintextAlertInWalksRecords() {
		byte[] handshakeThenAlert = { 0x16, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02,
				0x46 };
		assertThat(RawClient.plaintextAlertIn(handshakeThenAlert)).contains(Alert.fatal(70));
		byte[] warning = RawClient.alertRecord((byte) 1, (byte) 0);
		assertThat(RawClient.plaintextAlertIn(warning)).contains(Alert.warning(0));
		// the bytes 15 03 03 00 02 inside another record's payload are not an alert
		byte[] hidden = { 0x17, 0x03, 0x03, 0x00, 0x07, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
		assertThat(RawClient.plaintextAlertIn(hidden)).isEmpty();
		assertThat(RawClient.plaintextAlertIn(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02 })).isEmpty();
		assertThat(RawClient.plaintextAlertIn("HTTP/1.1 400".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
			.isEmpty();
	}

}
