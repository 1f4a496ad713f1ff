package dev.tlsaccept.demo;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.peers.TrustAllClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A listener configured with a PKCS12 key store and its password: neither the password
 * nor the private key (its PEM base64 lines) may appear in any log line, in Actuator's
 * {@code configprops}, {@code env}, {@code tlslisteners} and {@code tlshandshakes} (with
 * {@code show-values: always}, the most revealing setting), or in the exception and log
 * of a startup that fails on a wrong password (which must not leak either).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsExposureTests {

	static final String PASSWORD = "s3cr3t-PKCS12-pw";

	static final String WRONG_PASSWORD = "wr0ng-PKCS12-pw-9f3a";

	static final List<String> ENDPOINTS = List.of("/actuator/configprops", "/actuator/env", "/actuator/tlslisteners",
			"/actuator/tlshandshakes");

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void resetDebugLogging() {
		// logging levels outlive the application contexts: leave none for the next test
		// class
		LoggingSystem.get(getClass().getClassLoader()).setLogLevel("dev.tlsaccept", null);
	}

	@Test
	void passwordAndPrivateKeyNeverAppearInLogsEndpointsOrStartupFailures(CapturedOutput output, @TempDir Path dir)
			throws Exception {
		Path store = dir.resolve("listener.p12");
		keytool("-genkeypair", "-alias", "demo", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12", "-keystore",
				store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		List<String> secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD));
		secrets.addAll(privateKeyPemLines(store));

		Map<String, String> bodies = new LinkedHashMap<>();
		try (ConfigurableApplicationContext app = start(store, PASSWORD)) {
			int tlsPort = app.getEnvironment().getRequiredProperty("local.tlsaccept.demo.port", Integer.class);
			String httpPort = app.getEnvironment().getRequiredProperty("local.server.port");
			assertThat(handshake(tlsPort)).as("a handshake with the key store's certificate").isEqualTo("CN=localhost");
			for (String path : ENDPOINTS) {
				HttpResponse<String> response = this.http
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
						.header("Accept", "application/json")
						.timeout(Duration.ofSeconds(10))
						.build(), HttpResponse.BodyHandlers.ofString());
				if (path.contains("/tls") && response.statusCode() == 404) {
					continue; // the tlsaccept endpoints may not be there yet
				}
				assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
				bodies.put(path, response.body());
			}
		}
		System.out.println("scanned endpoints: " + bodies.keySet());
		assertThat(bodies).containsKeys("/actuator/configprops", "/actuator/env");
		// the password properties are there, and masked
		assertThat(bodies.get("/actuator/env")).contains("tlsaccept.listeners.demo.key-store.password")
			.contains(store.getFileName().toString());
		assertThat(bodies.get("/actuator/configprops")).contains("******");

		Throwable failure = catchThrowable(() -> start(store, WRONG_PASSWORD).close());
		assertThat(failure).as("startup with a wrong key store password fails").isNotNull();
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		assertThat(trace.toString()).as("the failure names the problem").containsIgnoringCase("password");

		String logs = output.getAll();
		assertThat(logs).as("the captured output has the application's log").contains("tlsaccept");
		for (String secret : secrets) {
			assertThat(logs).as("log output").doesNotContain(secret);
			assertThat(trace.toString()).as("startup failure").doesNotContain(secret);
			bodies.forEach((path, body) -> assertThat(body).as(path).doesNotContain(secret));
		}
	}

	@Test
	void passwordFromAnEnvironmentVariableIsMaskedInTheEnvEndpoint(@TempDir Path dir) throws Exception {
		Path store = dir.resolve("listener.p12");
		keytool("-genkeypair", "-alias", "demo", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD,
				"-keypass", PASSWORD);
		// how a password is usually given in production:
		// TLSACCEPT_LISTENERS_DEMO_KEYSTORE_PASSWORD
		Map<String, Object> variables = Map.of("TLSACCEPT_LISTENERS_DEMO_KEYSTORE_PASSWORD", PASSWORD);
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApplication.class)
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", variables)))
			.run("--server.port=0", "--tlsaccept.listeners.demo.port=0", "--tlsaccept.listeners.demo.address=127.0.0.1",
					"--tlsaccept.listeners.demo.key-store.location=file:" + store,
					"--management.endpoints.web.exposure.include=env",
					"--management.endpoint.env.show-values=always")) {
			assertThat(app.getEnvironment().getProperty("tlsaccept.listeners.demo.key-store.password"))
				.as("the variable configures the listener")
				.isEqualTo(PASSWORD);
			String httpPort = app.getEnvironment().getRequiredProperty("local.server.port");
			String body = this.http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/env"))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
			assertThat(body).contains("TLSACCEPT_LISTENERS_DEMO_KEYSTORE_PASSWORD").doesNotContain(PASSWORD);
		}
	}

	private static ConfigurableApplicationContext start(Path store, String password) {
		return new SpringApplicationBuilder(DemoApplication.class).run("--server.port=0",
				"--tlsaccept.listeners.demo.port=0", "--tlsaccept.listeners.demo.address=127.0.0.1",
				"--tlsaccept.listeners.demo.key-store.location=file:" + store,
				"--tlsaccept.listeners.demo.key-store.type=PKCS12",
				"--tlsaccept.listeners.demo.key-store.password=" + password,
				"--management.endpoints.web.exposure.include=*", "--management.endpoint.configprops.show-values=always",
				"--management.endpoint.env.show-values=always",
				"--management.endpoint.tlshandshakes.show-values=always",
				"--management.endpoint.tlslisteners.show-values=always", "--logging.level.dev.tlsaccept=DEBUG");
	}

	private static List<String> privateKeyPemLines(Path store) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keyStore.load(in, PASSWORD.toCharArray());
		}
		PrivateKey key = (PrivateKey) keyStore.getKey("demo", PASSWORD.toCharArray());
		String pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(key.getEncoded());
		// whole 64-character lines (and a long enough last one): short fragments could
		// match by chance
		return pem.lines().filter((line) -> line.length() >= 24).toList();
	}

	/**
	 * A TLS 1.3 handshake that trusts any certificate: the server certificate's subject.
	 */
	private static String handshake(int port) throws Exception {
		SSLContext context = TrustAllClient.sslContext();
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.setEnabledProtocols(new String[] { "TLSv1.3" });
			socket.startHandshake();
			return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
		}
	}

	private static void keytool(String... args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("keytool: " + out).isZero();
	}

}
