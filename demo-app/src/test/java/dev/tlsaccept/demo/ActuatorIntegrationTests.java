package dev.tlsaccept.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo over HTTP: real handshakes on the TLS listener (a success by
 * {@code openssl s_client}, a failure by plaintext HTTP sent to the TLS port), then
 * Actuator's {@code tlshandshakes}, {@code tlslisteners}, {@code health}, {@code info}
 * and {@code metrics} endpoints as a client sees them, in each BIO mode (pair with a
 * separate management port). The responses of the non-blocking run are written to
 * {@code target/actuator-samples/} for the README.
 */
class ActuatorIntegrationTests {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.bio-mode=non-blocking" })
	class NonBlocking extends ActuatorContract {

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "tlsaccept.listeners.demo.port=0",
			"tlsaccept.listeners.demo.bio-mode=blocking", "management.endpoint.tlshandshakes.access=unrestricted" })
	class Blocking extends ActuatorContract {

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.bio-mode=pair",
					"management.server.port=0", "management.endpoint.tlshandshakes.access=unrestricted" })
	class PairOnTheManagementPort extends ActuatorContract {

	}

	abstract static class ActuatorContract {

		@Autowired
		Environment environment;

		@Value("${local.tlsaccept.demo.port}")
		int tlsPort;

		@Value("${tlsaccept.listeners.demo.bio-mode}")
		String bioMode;

		private final HttpClient http = HttpClient.newHttpClient();

		@Test
		void handshakesListenersHealthInfoAndMetricsOverHttp() throws Exception {
			// DELETE is opt-in (the demo's own configuration leaves it off, as
			// NonBlocking runs it)
			boolean deletable = "unrestricted"
				.equals(this.environment.getProperty("management.endpoint.tlshandshakes.access"));
			assertThat(delete("/actuator/tlshandshakes")).isEqualTo(deletable ? 204 : 405);
			opensslHandshake();
			plaintextHttpToTheTlsPort();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(JsonPath.<Integer>read(get("/actuator/tlshandshakes"), "$.summary.total"))
							.isEqualTo(2));

			String handshakes = get("/actuator/tlshandshakes");
			sample("tlshandshakes.json", handshakes);
			assertThat(JsonPath.<Map<String, Object>>read(handshakes, "$.summary.byOutcome"))
				.containsEntry("success", 1)
				.containsEntry("failure", 1);
			assertThat(JsonPath.<Map<String, Object>>read(handshakes, "$.summary.durationMillis")).containsKeys("p50",
					"p95", "p99");

			String failures = get("/actuator/tlshandshakes?listener=demo&outcome=failure&error=SSL&limit=5");
			sample("tlshandshakes-failure.json", failures);
			Map<String, Object> failure = JsonPath.read(failures, "$.handshakes[0]");
			assertThat(failure).containsEntry("code", -1)
				.containsEntry("error", "SSL")
				.containsEntry("reason", "http request")
				.containsEntry("outcome", "failure")
				.containsEntry("listener", "demo")
				.containsEntry("bioMode", this.bioMode)
				.containsEntry("peer", "******");
			assertThat(JsonPath.<String>read(failures, "$.handshakes[0].time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

			String success = JsonPath.read(get("/actuator/tlshandshakes?outcome=success"), "$.handshakes[0].id");
			String full = get("/actuator/tlshandshakes/" + success);
			sample("tlshandshake-by-id.json", full);
			assertThat(full).as("Actuator's endpoint JSON mapper leaves nulls out").doesNotContain(":null");
			assertThat(JsonPath.<String>read(full, "$.protocol")).isEqualTo("TLSv1.3");
			assertThat(JsonPath.<String>read(full, "$.serverName")).isEqualTo("******");
			assertThat(JsonPath.<String>read(full, "$.clientHello.ja4")).startsWith("t13d");
			assertThat(JsonPath.<List<String>>read(full, "$.clientHello.cipherSuites"))
				.contains("TLS_AES_128_GCM_SHA256");
			assertThat(JsonPath.<List<String>>read(full, "$.clientHello.supportedGroups")).isNotEmpty();
			assertThat(JsonPath.<List<String>>read(full, "$.clientHello.signatureAlgorithms")).isNotEmpty();
			assertThat(status("/actuator/tlshandshakes/does-not-exist")).isEqualTo(404);
			assertThat(status("/actuator/tlshandshakes?outcome=maybe")).isEqualTo(400);

			String listeners = get("/actuator/tlslisteners");
			sample("tlslisteners.json", listeners);
			assertThat(JsonPath.<Map<String, Object>>read(listeners, "$.listeners.demo"))
				.containsEntry("state", "RUNNING")
				.containsEntry("port", this.tlsPort)
				.containsEntry("engine", "jdk")
				.containsEntry("bioMode", this.bioMode)
				.containsEntry("keySource", "self-signed (generated at startup)");
			assertThat(JsonPath.<String>read(listeners, "$.listeners.demo.certificates[0].subject"))
				.isEqualTo("******");
			assertThat(JsonPath.<Integer>read(listeners, "$.listeners.demo.connections.handshakesFailed")).isEqualTo(1);
			boolean blocking = this.bioMode.equals("blocking");
			assertThat(JsonPath.<Map<String, Object>>read(listeners, "$.listeners.demo.handler"))
				.containsEntry("bean", blocking ? "lineEchoStreamHandler" : "lineEchoHandler")
				.containsEntry("type",
						blocking ? LineEchoStreamHandler.class.getName() : LineEchoHandler.class.getName())
				.containsEntry("style", blocking ? "BLOCKING" : "EVENT_DRIVEN")
				.containsKey("errors");
			assertThat(JsonPath.<String>read(listeners, "$.listeners.demo.trust.source")).isEqualTo("none");

			String health = get("/actuator/health");
			sample("health.json", health);
			assertThat(JsonPath.<String>read(health, "$.components.tlsaccept.status")).isEqualTo("UP");
			assertThat(JsonPath.<String>read(health, "$.components.tlsaccept.details.listeners.demo.state"))
				.isEqualTo("RUNNING");
			assertThat(JsonPath.<List<String>>read(health, "$.components.tlsaccept.details.failedReloads")).isEmpty();

			String info = get("/actuator/info");
			sample("info.json", info);
			assertThat(JsonPath.<String>read(info, "$.tlsaccept.listeners.demo.state")).isEqualTo("RUNNING");

			String metric = get("/actuator/metrics/tlsaccept.handshakes?tag=outcome:FAILURE&tag=listener:demo");
			sample("metrics-tlsaccept.handshakes.json", metric);
			assertThat(JsonPath.<Double>read(metric, "$.measurements[0].value")).isEqualTo(1.0);
			assertThat(get("/actuator/metrics/tlsaccept.connections.active")).contains("\"listener\"");
			assertThat(get("/actuator/metrics/tlsaccept.handshakes.pending")).contains("\"listener\"");
			HttpResponse<String> prometheus = this.http.send(
					request("/actuator/prometheus").setHeader("Accept", "text/plain").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(prometheus.statusCode()).isEqualTo(200);
			String scrape = prometheus.body();
			assertThat(scrape).contains("tlsaccept_handshakes_seconds_count{")
				.containsPattern("tlsaccept_handshakes_seconds_count\\{[^}]*outcome=\"FAILURE\"")
				.contains("tlsaccept_connections_active{")
				.containsPattern("tlsaccept_chain_expiry_seconds\\{[^}]*server_name=\"none\"")
				.contains("tlsaccept_handler_errors_total{");
			// low-cardinality tags only: never the peer or the SNI host name
			assertThat(scrape.lines().filter((line) -> line.startsWith("tlsaccept_")))
				.allSatisfy((line) -> assertThat(line).doesNotContain("127.0.0.1").doesNotContain("localhost"));

			if (deletable) {
				assertThat(delete("/actuator/tlshandshakes")).isEqualTo(204);
				assertThat(JsonPath.<Integer>read(get("/actuator/tlshandshakes"), "$.summary.total")).isZero();
			}
			else {
				assertThat(delete("/actuator/tlshandshakes")).isEqualTo(405);
				assertThat(JsonPath.<Integer>read(get("/actuator/tlshandshakes"), "$.summary.total")).isPositive();
			}
		}

		private void opensslHandshake() throws Exception {
			Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + this.tlsPort,
					"-tls1_3", "-brief", "-ign_eof", "-no-CAfile", "-no-CApath", "-no-CAstore", "-servername",
					"localhost", "-alpn", "h2,http/1.1")
				.redirectErrorStream(true)
				.start();
			try (OutputStream stdin = process.getOutputStream()) {
				stdin.write("hello\nquit\n".getBytes(StandardCharsets.UTF_8));
			}
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client exits").isTrue();
			assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
				.contains("Protocol version: TLSv1.3");
		}

		private void plaintextHttpToTheTlsPort() throws Exception {
			try (Socket socket = new Socket("127.0.0.1", this.tlsPort)) {
				socket.setSoTimeout(10_000);
				socket.getOutputStream()
					.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				InputStream in = socket.getInputStream();
				while (in.read() != -1) {
					// until the listener closes
				}
			}
			catch (SocketException ex) {
				// reset by the listener: fine
			}
		}

		private String get(String path) throws Exception {
			HttpResponse<String> response = this.http.send(request(path).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
			return response.body();
		}

		private int status(String path) throws Exception {
			return this.http.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
		}

		private int delete(String path) throws Exception {
			return this.http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
		}

		private HttpRequest.Builder request(String path) {
			String port = this.environment.getProperty("local.management.port",
					this.environment.getProperty("local.server.port"));
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.header("Accept", "application/json")
				.timeout(Duration.ofSeconds(10));
		}

		private void sample(String name, String json) throws Exception {
			if (!this.bioMode.equals("non-blocking")) {
				return;
			}
			Path directory = Path.of("target", "actuator-samples");
			Files.createDirectories(directory);
			Files.writeString(directory.resolve(name), json);
		}

	}

}
