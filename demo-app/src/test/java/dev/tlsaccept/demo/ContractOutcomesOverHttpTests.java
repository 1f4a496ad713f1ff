package dev.tlsaccept.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.RawClient;
import dev.tlsaccept.peers.TestPki;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every outcome of DESIGN.md's {@code SSL_accept()} contract, driven by real clients
 * ({@code openssl
 * s_client} and raw sockets) against the demo application, and read back as a user would:
 * the exact record through {@code GET /actuator/tlshandshakes/{id}} on the management
 * port. One application per BIO mode, with three listeners: {@code demo} (the contract
 * rows a–k and m), {@code stall} (handshake timeout 1 s, row l) and {@code mtls}
 * (client-auth need, trusting the test CA: rows n, o and p). Values are shown
 * ({@code show-values=always}) so that the peer, SNI and certificate subject can be
 * asserted; {@link ActuatorIntegrationTests} checks the default masking. Expected alerts
 * are the {@code jdk} engine's (see the engine's {@code AbstractJdkContractTests}).
 */
class ContractOutcomesOverHttpTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int JDK = Runtime.version().feature();

	private static final TestPki pki = createPki();

	private static final RawClient raw = new RawClient();

	private static TestPki createPki() {
		try {
			return TestPki.create(Files.createTempDirectory("tlsaccept-contract-pki"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void listeners(DynamicPropertyRegistry registry) {
		for (String listener : List.of("demo", "stall", "mtls")) {
			String prefix = "tlsaccept.listeners." + listener + ".";
			registry.add(prefix + "port", () -> 0);
			registry.add(prefix + "engine", () -> "jdk");
			registry.add(prefix + "key-store.certificate", () -> "file:" + pki.serverCert());
			registry.add(prefix + "key-store.private-key", () -> "file:" + pki.serverKey());
		}
		registry.add("tlsaccept.listeners.stall.handshake-timeout", () -> "1s");
		registry.add("tlsaccept.listeners.mtls.client-auth", () -> "need");
		registry.add("tlsaccept.listeners.mtls.trust-store.certificate", () -> "file:" + pki.caCert());
		registry.add("management.server.port", () -> 0);
		registry.add("management.endpoint.tlshandshakes.show-values", () -> "always");
	}

	@Nested
	@DirtiesContext
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "tlsaccept.listeners.demo.bio-mode=non-blocking",
					"tlsaccept.listeners.stall.bio-mode=non-blocking", "tlsaccept.listeners.mtls.bio-mode=non-blocking",
					"management.endpoint.tlshandshakes.access=unrestricted" })
	class NonBlocking extends ContractOverHttp {

	}

	@Nested
	@DirtiesContext
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "tlsaccept.listeners.demo.bio-mode=blocking", "tlsaccept.listeners.stall.bio-mode=blocking",
					"tlsaccept.listeners.mtls.bio-mode=blocking",
					"management.endpoint.tlshandshakes.access=unrestricted" })
	class Blocking extends ContractOverHttp {

	}

	@Nested
	@DirtiesContext
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "tlsaccept.listeners.demo.bio-mode=pair", "tlsaccept.listeners.stall.bio-mode=pair",
					"tlsaccept.listeners.mtls.bio-mode=pair", "management.endpoint.tlshandshakes.access=unrestricted" })
	class Pair extends ContractOverHttp {

	}

	abstract static class ContractOverHttp {

		@Autowired
		Environment environment;

		@Value("${local.tlsaccept.demo.port}")
		int demoPort;

		@Value("${local.tlsaccept.stall.port}")
		int stallPort;

		@Value("${local.tlsaccept.mtls.port}")
		int mtlsPort;

		@Value("${local.management.port}")
		int managementPort;

		@Value("${tlsaccept.listeners.demo.bio-mode}")
		String bioMode;

		private final HttpClient http = HttpClient.newHttpClient();

		// a
		@Test
		void opensslOnTls13Succeeds() {
			Map<String, Object> record = record("demo", () -> openssl(this.demoPort).tls13().send("ping\n").run());
			assertSuccess(record, "TLSv1.3");
			assertThat(record).containsEntry("serverName", "localhost");
			assertThat((String) record.get("cipherSuite")).startsWith("TLS_AES_");
			assertHello(record, "t13d");
			assertThat(JsonPath.<String>read(record, "$.clientHello.serverName")).isEqualTo("localhost");
			assertThat(JsonPath.<String>read(record, "$.clientHello.protocolOffered")).isEqualTo("TLSv1.3");
		}

		// b
		@Test
		void opensslOnTls12Succeeds() {
			Map<String, Object> record = record("demo", () -> openssl(this.demoPort).tls12().send("ping\n").run());
			assertSuccess(record, "TLSv1.2");
			assertThat((String) record.get("cipherSuite")).startsWith("TLS_ECDHE_ECDSA_WITH_");
			assertHello(record, "t12d");
		}

		// c
		@Test
		void tls11IsRefusedWithProtocolVersion() {
			Map<String, Object> record = record("demo", () -> openssl(this.demoPort).tls11Only().run());
			assertFailure(record, -1, "SSL", "unsupported protocol");
			assertAlert(record, "protocol_version", 70, "SENT", "FATAL");
			assertHello(record, "t11d");
		}

		// d
		@Test
		void noSharedCipherIsRefusedWithHandshakeFailure() {
			Map<String, Object> record = record("demo",
					() -> openssl(this.demoPort).tls12().ciphers("AES128-SHA").run());
			assertFailure(record, -1, "SSL", "no shared cipher");
			assertAlert(record, "handshake_failure", 40, "SENT", "FATAL");
			assertHello(record, "t12d");
		}

		// e
		@Test
		void plaintextHttpIsRefusedWithoutAlert() {
			Map<String, Object> record = record("demo", () -> raw.plaintextHttp("127.0.0.1", this.demoPort));
			assertFailure(record, -1, "SSL", "http request");
			assertNoAlert(record);
			assertNoFullHello(record);
		}

		// f
		@Test
		void connectAndCloseIsZeroSyscall() {
			Map<String, Object> record = record("demo", () -> raw.connectAndClose("127.0.0.1", this.demoPort));
			assertFailure(record, 0, "SYSCALL", "unexpected eof while reading");
			assertNoAlert(record);
			assertNoFullHello(record);
		}

		// g
		@Test
		void halfClientHelloThenFinIsZeroSyscall() {
			Map<String, Object> record = record("demo", () -> raw.halfClientHelloThenClose("127.0.0.1", this.demoPort));
			assertFailure(record, 0, "SYSCALL", "unexpected eof while reading");
			assertNoAlert(record);
			assertNoFullHello(record);
		}

		// h
		@Test
		void fullClientHelloThenFinAfterTheServerFlightIsZeroSyscall() {
			Map<String, Object> record = record("demo",
					() -> raw.fullClientHelloReadFlightThenClose("127.0.0.1", this.demoPort));
			assertFailure(record, 0, "SYSCALL", "unexpected eof while reading", "TLSv1.3");
			assertNoAlert(record);
			// RawClient's hello is a JDK SSLEngine's: no SNI for the dotless "localhost"
			// (JA4 "i")
			assertHello(record, "t13i");
		}

		// i
		@Test
		void closeNotifyDuringTheHandshakeIsZeroReturn() {
			Map<String, Object> record = record("demo",
					() -> raw.fullClientHelloThenAlert("127.0.0.1", this.demoPort, (byte) 1, (byte) 0));
			assertFailure(record, 0, "ZERO_RETURN", "peer sent close_notify during the handshake", "TLSv1.3");
			assertAlert(record, "close_notify", 0, "RECEIVED", "WARNING");
			assertHello(record, "t13i");
		}

		// j
		@Test
		void fatalAlertFromTheClientIsSsl() {
			Map<String, Object> record = record("demo",
					() -> raw.fullClientHelloThenAlert("127.0.0.1", this.demoPort, (byte) 2, (byte) 40));
			assertFailure(record, -1, "SSL", "sslv3 alert handshake failure", "TLSv1.3");
			assertAlert(record, "handshake_failure", 40, "RECEIVED", "FATAL");
			assertHello(record, "t13i");
		}

		// k
		@Test
		void oversizedRecordIsRefusedWithRecordOverflow() {
			Map<String, Object> record = record("demo", () -> raw.oversizedRecord("127.0.0.1", this.demoPort));
			assertFailure(record, -1, "SSL", "packet length too long");
			assertAlert(record, "record_overflow", 22, "SENT", "FATAL");
			assertNoFullHello(record);
		}

		// l
		@Test
		void stalledClientTimesOut() {
			Map<String, Object> record = record("stall",
					() -> raw.stall("127.0.0.1", this.stallPort, Duration.ofSeconds(3)));
			assertFailure(record, -1, "SYSCALL", "handshake timed out");
			assertNoAlert(record);
			assertNoFullHello(record);
			assertThat(((Number) record.get("durationMillis")).doubleValue()).isGreaterThanOrEqualTo(950);
		}

		// m
		@Test
		void resetAfterHalfAClientHelloIsSyscall() {
			Map<String, Object> record = record("demo", () -> raw.halfClientHelloThenReset("127.0.0.1", this.demoPort));
			assertFailure(record, -1, "SYSCALL", "connection reset by peer");
			assertNoAlert(record);
			assertNoFullHello(record);
		}

		// n13: SunJSSE 17 sends bad_certificate where OpenSSL sends certificate_required
		@Test
		void missingClientCertificateOnTls13IsRefused() {
			Map<String, Object> record = record("mtls", () -> openssl(this.mtlsPort).tls13().send("ping\n").run());
			assertFailure(record, -1, "SSL", "peer did not return a certificate", "TLSv1.3");
			if (JDK >= 21) {
				assertAlert(record, "certificate_required", 116, "SENT", "FATAL");
			}
			else {
				assertAlert(record, "bad_certificate", 42, "SENT", "FATAL");
			}
			assertHello(record, "t13d");
		}

		// n12: SunJSSE 17 sends bad_certificate where OpenSSL sends handshake_failure
		@Test
		void missingClientCertificateOnTls12IsRefused() {
			Map<String, Object> record = record("mtls", () -> openssl(this.mtlsPort).tls12().run());
			assertFailure(record, -1, "SSL", "peer did not return a certificate", "TLSv1.2");
			if (JDK >= 21) {
				assertAlert(record, "handshake_failure", 40, "SENT", "FATAL");
			}
			else {
				assertAlert(record, "bad_certificate", 42, "SENT", "FATAL");
			}
			assertHello(record, "t12d");
		}

		// o13: SunJSSE sends certificate_unknown where OpenSSL sends unknown_ca
		@Test
		void untrustedClientCertificateIsRefused() {
			Map<String, Object> record = record("mtls",
					() -> openssl(this.mtlsPort).tls13()
						.cert(pki.untrustedClientCert(), pki.untrustedClientKey())
						.send("ping\n")
						.run());
			assertFailure(record, -1, "SSL", "certificate verify failed", "TLSv1.3");
			assertAlert(record, "certificate_unknown", 46, "SENT", "FATAL");
			assertHello(record, "t13d");
		}

		// o12
		@Test
		void untrustedClientCertificateOnTls12IsRefused() {
			Map<String, Object> record = record("mtls",
					() -> openssl(this.mtlsPort).tls12()
						.cert(pki.untrustedClientCert(), pki.untrustedClientKey())
						.run());
			assertFailure(record, -1, "SSL", "certificate verify failed", "TLSv1.2");
			assertAlert(record, "certificate_unknown", 46, "SENT", "FATAL");
			assertHello(record, "t12d");
		}

		// p
		@Test
		void trustedClientCertificateSucceeds() {
			for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
				Map<String, Object> record = record("mtls", () -> {
					OpenSslClient client = openssl(this.mtlsPort).cert(pki.clientCert(), pki.clientKey())
						.send("ping\n");
					return (protocol.equals("TLSv1.3") ? client.tls13() : client.tls12()).run();
				});
				assertSuccess(record, protocol);
				assertHello(record, protocol.equals("TLSv1.3") ? "t13d" : "t12d");
				assertThat(JsonPath.<String>read(record, "$.clientCertificates[0].subject")).contains("CN=test client");
				assertThat(JsonPath.<String>read(record, "$.clientCertificates[0].issuer"))
					.contains("CN=tlsaccept test CA");
				assertThat(JsonPath.<String>read(record, "$.clientCertificates[0].serialNumber"))
					.isEqualToIgnoringCase(pki.clientCertificate().getSerialNumber().toString(16));
			}
		}

		private OpenSslClient openssl(int port) {
			return new OpenSslClient().connect("127.0.0.1", port)
				.caFile(pki.caCert())
				.servername("localhost")
				.timeout(WAIT);
		}

		/**
		 * Clears the recorded handshakes (DELETE is opted into above), runs the client
		 * and returns the one handshake it caused, in full, as {@code GET
		 * /actuator/tlshandshakes/{id}} shows it.
		 */
		private Map<String, Object> record(String listener, ThrowingSupplier client) {
			assertThat(delete("/actuator/tlshandshakes")).isEqualTo(204);
			Object peer;
			try {
				peer = client.get();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			await().atMost(WAIT)
				.untilAsserted(
						() -> assertThat(JsonPath.<Integer>read(get("/actuator/tlshandshakes"), "$.summary.total"))
							.isPositive());
			String handshakes = get("/actuator/tlshandshakes?listener=" + listener);
			assertThat(JsonPath.<Integer>read(get("/actuator/tlshandshakes"), "$.summary.total"))
				.as("one handshake for %s: %s", peer, handshakes)
				.isEqualTo(1);
			String id = JsonPath.read(handshakes, "$.handshakes[0].id");
			String full = get("/actuator/tlshandshakes/" + id);
			if (peer instanceof OpenSslResult result) {
				// the client's view, for a failure message
				full = "{\"_client\":" + quote(result.describe()) + "," + full.substring(1);
			}
			Map<String, Object> record = JsonPath.read(full, "$");
			assertThat(record).as("%s", describe(record))
				.containsEntry("listener", listener)
				.containsEntry("engine", "jdk")
				.containsEntry("bioMode", this.bioMode)
				.containsEntry("id", id);
			assertThat((String) record.get("peer")).as("%s", describe(record)).matches("127\\.0\\.0\\.1:\\d+");
			if (this.bioMode.equals("blocking")) {
				assertThat(record).as("%s", describe(record))
					.containsEntry("wantReadTurns", 0)
					.containsEntry("wantWriteTurns", 0);
			}
			return record;
		}

		/** The record for a failure message, without the ClientHello's long lists. */
		private static String describe(Map<String, Object> record) {
			Map<String, Object> shown = new LinkedHashMap<>(record);
			if (record.get("clientHello") instanceof Map<?, ?> hello) {
				shown.put("clientHello", "{ja4=" + hello.get("ja4") + ", parseError=" + hello.get("parseError") + "}");
			}
			return shown.toString();
		}

		private static String quote(String text) {
			StringBuilder quoted = new StringBuilder("\"");
			for (char c : text.toCharArray()) {
				if (c == '"' || c == '\\') {
					quoted.append('\\').append(c);
				}
				else if (c < 0x20) {
					quoted.append(String.format("\\u%04x", (int) c));
				}
				else {
					quoted.append(c);
				}
			}
			return quoted.append('"').toString();
		}

		private static void assertSuccess(Map<String, Object> record, String protocol) {
			assertThat(record).as("%s", describe(record))
				.containsEntry("outcome", "success")
				.containsEntry("code", 1)
				.containsEntry("error", "NONE")
				.containsEntry("protocol", protocol)
				.doesNotContainKey("alert");
			assertThat((String) record.get("cipherSuite")).as("%s", describe(record)).startsWith("TLS_");
		}

		private static void assertFailure(Map<String, Object> record, int code, String error, String reason) {
			assertFailure(record, code, error, reason, null);
		}

		/**
		 * A failure; {@code protocol} is the version the server had chosen (in its
		 * ServerHello) when the client gave up, as the record shows it, or {@code null}
		 * for none.
		 */
		private static void assertFailure(Map<String, Object> record, int code, String error, String reason,
				String protocol) {
			assertThat(record).as("%s", describe(record))
				.containsEntry("outcome", "failure")
				.containsEntry("code", code)
				.containsEntry("error", error)
				.containsEntry("reason", reason)
				.doesNotContainKey("cipherSuite");
			if (protocol != null) {
				assertThat(record).as("%s", describe(record)).containsEntry("protocol", protocol);
			}
			else {
				assertThat(record).as("%s", describe(record)).doesNotContainKey("protocol");
			}
		}

		private static void assertAlert(Map<String, Object> record, String name, int number, String direction,
				String level) {
			assertThat(record).as("%s", describe(record)).containsKey("alert");
			assertThat(JsonPath.<Map<String, Object>>read(record, "$.alert")).as("%s", describe(record))
				.containsEntry("name", name)
				.containsEntry("number", number)
				.containsEntry("direction", direction)
				.containsEntry("level", level);
		}

		private static void assertNoAlert(Map<String, Object> record) {
			assertThat(record).as("%s", describe(record)).doesNotContainKey("alert");
		}

		/**
		 * A full ClientHello was sent: its JA4 fingerprint is recorded, with the offer.
		 */
		private static void assertHello(Map<String, Object> record, String ja4Prefix) {
			assertThat(record).as("%s", describe(record)).containsKey("clientHello");
			assertThat(JsonPath.<String>read(record, "$.clientHello.ja4")).as("%s", describe(record))
				.isNotEmpty()
				.startsWith(ja4Prefix)
				.matches("t1[0-3][di]\\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}");
			assertThat(JsonPath.<List<String>>read(record, "$.clientHello.cipherSuites")).as("%s", describe(record))
				.isNotEmpty();
			assertThat(record.get("clientHello").toString()).as("%s", describe(record)).doesNotContain("parseError");
		}

		/** No full ClientHello was sent: no JA4 fingerprint. */
		private static void assertNoFullHello(Map<String, Object> record) {
			if (record.containsKey("clientHello")) {
				assertThat(JsonPath.<String>read(record, "$.clientHello.ja4")).as("%s", describe(record)).isEmpty();
			}
		}

		private String get(String path) {
			HttpResponse<String> response = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
			return response.body();
		}

		private int delete(String path) {
			return send(request(path).DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
		}

		private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
			try {
				return this.http.send(request, handler);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private HttpRequest.Builder request(String path) {
			assertThat(this.managementPort).as("a separate management port")
				.isNotEqualTo(this.environment.getProperty("local.server.port", Integer.class));
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
				.header("Accept", "application/json")
				.timeout(Duration.ofSeconds(10));
		}

	}

	@FunctionalInterface
	interface ThrowingSupplier {

		Object get() throws Exception;

	}

}
