package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.autoconfigure.actuate.TlsAcceptEndpointAutoConfiguration;
import dev.tlsaccept.autoconfigure.actuate.TlsAcceptMetricsAutoConfiguration;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint.HandshakesDescriptor;
import dev.tlsaccept.engine.SessionTicketKey;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tlsaccept.listeners.*.session-tickets}: two listeners with the same key files
 * accept each other's sessions, a rotation of the files applies without a restart (an old
 * key still decrypts while it is listed, no longer once removed), and a key file an
 * engine cannot use fails startup naming its property. The client is a real
 * {@code openssl s_client} that saves its TLS 1.2 session from one listener
 * ({@code -sess_out}) and offers it to the other ({@code -sess_in}).
 */
class TlsListenerSessionTicketsTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final SecureRandom RANDOM = new SecureRandom();

	@TempDir
	static Path directory;

	private static ApplicationContextRunner contextRunner;

	@BeforeAll
	static void keyMaterial() throws Exception {
		KeyMaterial rsa = TestTls.rsaKeyMaterial(Instant.now().minusSeconds(60), Duration.ofDays(30));
		Path certificate = TestTls.writeCertificatePem(rsa, directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(rsa, directory.resolve("server.key"));
		contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withPropertyValues("tlsaccept.listeners.a.port=0", "tlsaccept.listeners.a.shutdown-timeout=1s",
					"tlsaccept.listeners.a.key-store.certificate=" + certificate,
					"tlsaccept.listeners.a.key-store.private-key=" + key);
	}

	@Test
	void sessionFromOneListenerResumesOnAnotherAndFollowsTheRotationOfTheKeyFiles() throws Exception {
		byte[] shared = key();
		Path a = write("a.key", shared);
		Path b0 = write("b0.key", shared);
		Path b1 = write("b1.key", key());
		Path session = directory.resolve("session.pem");
		contextRunner
			.withConfiguration(AutoConfigurations.of(TlsAcceptEndpointAutoConfiguration.class,
					TlsAcceptMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=tlshandshakes",
					"tlsaccept.listeners.a.engine=openssl", "tlsaccept.listeners.a.session-tickets.keys=" + a,
					"tlsaccept.listeners.b.port=0", "tlsaccept.listeners.b.shutdown-timeout=1s",
					"tlsaccept.listeners.b.engine=openssl",
					"tlsaccept.listeners.b.key-store.certificate=" + directory.resolve("server.crt"),
					"tlsaccept.listeners.b.key-store.private-key=" + directory.resolve("server.key"),
					"tlsaccept.listeners.b.session-tickets.keys=" + b0 + "," + b1,
					"tlsaccept.listeners.b.session-tickets.check-interval=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(sClient(port(context, "a"), "-sess_out", session)).contains("New, TLSv1.2");
				assertThat(lastRecord(context, "a", 1).resumed()).isFalse();
				assertThat(sClient(port(context, "b"), "-sess_in", session)).contains("Reused, TLSv1.2");
				assertThat(lastRecord(context, "b", 1).resumed()).isTrue();
				// rotation: a new key encrypts, the shared one only decrypts
				byte[] rotated = key();
				Files.write(b1, shared);
				Files.write(b0, rotated);
				awaitEncryptingKey(context, rotated);
				assertThat(sClient(port(context, "b"), "-sess_in", session)).contains("Reused, TLSv1.2");
				assertThat(lastRecord(context, "b", 2).resumed()).isTrue();
				// the shared key removed: its tickets no longer decrypt
				Files.write(b1, key());
				await().atMost(WAIT)
					.until(() -> context.getBean(TlsListener.beanName("b"), TlsListener.class)
						.getContext()
						.config()
						.sessionTicketKeys()
						.stream()
						.noneMatch(SessionTicketKey.of(shared)::equals));
				assertThat(sClient(port(context, "b"), "-sess_in", session)).contains("New, TLSv1.2");
				assertThat(lastRecord(context, "b", 3).resumed()).isFalse();
				HandshakesDescriptor handshakes = context.getBean(TlsHandshakesEndpoint.class)
					.handshakes(SecurityContext.NONE, "b", null, null, null);
				assertThat(handshakes.summary().resumed()).isEqualTo(2);
				assertThat(handshakes.handshakes()).extracting("resumed").containsExactly(false, true, true);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(
						registry.get("tlsaccept.handshakes").tags("listener", "b", "resumed", "true").timer().count())
					.isEqualTo(2);
				assertThat(
						registry.get("tlsaccept.handshakes").tags("listener", "b", "resumed", "false").timer().count())
					.isEqualTo(1);
			});
	}

	@Test
	void engineThatCannotTakeKeysFailsStartupNamingTheProperty() throws Exception {
		Path key = write("jdk.key", key());
		contextRunner.withPropertyValues("tlsaccept.listeners.a.session-tickets.keys=" + key).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.a.session-tickets.keys")
				.contains("cannot be given to SunJSSE");
			assertThat(analysis.getAction()).contains("engine 'openssl'");
		});
	}

	@Test
	void keyFileOfTheWrongLengthOrMissingFailsStartupNamingItsProperty() throws Exception {
		Path good = write("good.key", key());
		Path shortKey = write("short.key", new byte[32]);
		contextRunner
			.withPropertyValues("tlsaccept.listeners.a.engine=openssl",
					"tlsaccept.listeners.a.session-tickets.keys=" + good + "," + shortKey)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("Property: tlsaccept.listeners.a.session-tickets.keys[1]")
					.contains("48 or 80 bytes, not 32");
			});
		contextRunner
			.withPropertyValues("tlsaccept.listeners.a.engine=openssl",
					"tlsaccept.listeners.a.session-tickets.keys=" + directory.resolve("missing.key"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("Property: tlsaccept.listeners.a.session-tickets.keys[0]")
					.contains("cannot read session-ticket key");
			});
	}

	private static void awaitEncryptingKey(AssertableApplicationContext context, byte[] key) {
		SessionTicketKey expected = SessionTicketKey.of(key);
		await().atMost(WAIT)
			.until(() -> expected.equals(context.getBean(TlsListener.beanName("b"), TlsListener.class)
				.getContext()
				.config()
				.sessionTicketKeys()
				.get(0)));
	}

	private static int port(AssertableApplicationContext context, String listener) {
		return context.getBean(TlsListener.beanName(listener), TlsListener.class).getPort();
	}

	private static HandshakeRecord lastRecord(AssertableApplicationContext context, String listener, int count) {
		HandshakeRepository repository = context.getBean(HandshakeRepository.class);
		await().atMost(WAIT)
			.until(() -> repository.findAll().stream().filter((r) -> r.listener().equals(listener)).count() >= count);
		return repository.findAll().stream().filter((r) -> r.listener().equals(listener)).findFirst().orElseThrow();
	}

	/**
	 * One TLS 1.2 handshake; the session ticket arrives within the handshake, so
	 * {@code s_client} may read EOF on stdin at once.
	 */
	private static String sClient(int port, String sessionOption, Path session) throws Exception {
		Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
				"-no-CAfile", "-no-CApath", "-no-CAstore", sessionOption, session.toString())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.redirectErrorStream(true)
			.start();
		if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("openssl s_client did not finish within " + WAIT);
		}
		return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

	private static byte[] key() {
		byte[] key = new byte[48];
		RANDOM.nextBytes(key);
		return key;
	}

	private static Path write(String name, byte[] bytes) throws IOException {
		return Files.write(directory.resolve(name), bytes);
	}

}
