package dev.tlsaccept.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.autoconfigure.actuate.TlsAcceptEndpointAutoConfiguration;
import dev.tlsaccept.autoconfigure.actuate.TlsListenersEndpoint;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.server.TlsConnectionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 8 item 3, Spring level: a PEM SSL bundle with {@code reload-on-update} rewritten
 * {@value #DEFAULT_ROTATIONS} times (override with
 * {@code -Dtlsaccept.stress.bundle-rotations=N}) while one connection stays open and a
 * client keeps doing new handshakes. After each rotation {@code /actuator/tlslisteners}
 * reports the new certificate's serial and a new handshake sees it; the open connection
 * keeps its first certificate and keeps echoing; no handshake fails; every replaced
 * context is closed once nothing uses it. On the {@code jdk} engine and on
 * {@code openssl} (whose engines need their context alive) in every BIO mode.
 */
class TlsListenerBundleRotationUnderLoadTests {

	static final int DEFAULT_ROTATIONS = 5;

	static final int ROTATIONS = Integer.getInteger("tlsaccept.stress.bundle-rotations", DEFAULT_ROTATIONS);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners", "tlsaccept.listeners.edge.port=0",
				"tlsaccept.listeners.edge.ssl-bundle=server", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@TempDir
	Path directory;

	@ParameterizedTest
	@CsvSource({ "jdk, non-blocking", "openssl, blocking", "openssl, non-blocking", "openssl, pair" })
	void bundleRotatedRepeatedlyUnderLoadIsShownByTheEndpointAndDropsNothing(String engine, String bioMode)
			throws Exception {
		// one "self-signed certificate generated" warning per certificate would flood the
		// output
		java.util.logging.Logger generatorLogger = java.util.logging.Logger
			.getLogger(SelfSignedCertificate.class.getName());
		java.util.logging.Level generatorLevel = generatorLogger.getLevel();
		generatorLogger.setLevel(java.util.logging.Level.SEVERE);
		List<KeyMaterial> keys = new ArrayList<>();
		for (int i = 0; i <= ROTATIONS; i++) {
			keys.add(SelfSignedCertificate.generate());
		}
		generatorLogger.setLevel(generatorLevel);
		Path certificate = TestTls.writeCertificatePem(keys.get(0), this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(keys.get(0), this.directory.resolve("server.key"));
		this.contextRunner.withPropertyValues("spring.ssl.bundle.pem.server.keystore.certificate=" + certificate,
				"spring.ssl.bundle.pem.server.keystore.private-key=" + key,
				"spring.ssl.bundle.pem.server.reload-on-update=true", "spring.ssl.bundle.watch.file.quiet-period=50ms",
				"tlsaccept.listeners.edge.engine=" + engine, "tlsaccept.listeners.edge.bio-mode=" + bioMode)
			.withBean(TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				TlsListenersEndpoint endpoint = context.getBean(TlsListenersEndpoint.class);
				int port = listener.getPort();
				assertThat(endpointSerial(endpoint)).isEqualTo(serial(keys.get(0)));
				assertThat(listener.getContext().engineName()).isEqualTo(engine);
				// every context the listener used, first one first
				List<TlsServerContext> used = new ArrayList<>(List.of(listener.getContext()));
				AtomicBoolean running = new AtomicBoolean(true);
				AtomicLong handshakes = new AtomicLong();
				Queue<String> failures = new ConcurrentLinkedQueue<>();
				Thread load = new Thread(() -> {
					while (running.get()) {
						try (SSLSocket socket = TestTls.connect(port, "TLSv1.3")) {
							if (!"echo: ping".equals(TestTls.exchange(socket, "ping"))) {
								failures.add("no echo on a new connection");
							}
							handshakes.incrementAndGet();
						}
						catch (Exception ex) {
							failures.add(ex.toString());
						}
					}
				}, "bundle-rotation-load");
				load.setDaemon(true);
				long started = System.nanoTime();
				try (SSLSocket established = TestTls.connect(port, "TLSv1.3")) {
					assertThat(TestTls.exchange(established, "before")).isEqualTo("echo: before");
					load.start();
					for (int r = 1; r <= ROTATIONS; r++) {
						KeyMaterial next = keys.get(r);
						replace(key, next, false);
						replace(certificate, next, true);
						await("rotation " + r + " shown by /actuator/tlslisteners").atMost(Duration.ofSeconds(30))
							.pollInterval(Duration.ofMillis(20))
							.until(() -> serial(next).equals(endpointSerial(endpoint)));
						used.add(listener.getContext());
						assertThat(TestTls.serverCertificate(port))
							.as("certificate of a new handshake after rotation " + r)
							.isEqualTo(next.leaf());
						assertThat(TestTls.exchange(established, "after " + r)).isEqualTo("echo: after " + r);
						assertThat((X509Certificate) established.getSession().getPeerCertificates()[0])
							.as("the established connection keeps its certificate")
							.isEqualTo(keys.get(0).leaf());
					}
					running.set(false);
					load.join(15_000);
					assertThat(load.isAlive()).isFalse();
					assertThat(TestTls.exchange(established, "last")).isEqualTo("echo: last");
					assertThat(used.get(0).isClosed()).as("first context, used by the established connection")
						.isFalse();
				}
				finally {
					running.set(false);
				}
				// replaced contexts are released once nothing uses them; the current one
				// stays open
				await("every replaced context closed").atMost(Duration.ofSeconds(10))
					.until(() -> used.subList(0, used.size() - 1).stream().allMatch(TlsServerContext::isClosed));
				assertThat(listener.getContext()).isSameAs(used.get(used.size() - 1));
				assertThat(listener.getContext().isClosed()).isFalse();
				System.out.printf(
						"bundle rotation under load [%s %s]: %d rotations in %d ms, %d new handshakes, %d failures,"
								+ " listener stats %s%n",
						engine, bioMode, ROTATIONS, (System.nanoTime() - started) / 1_000_000, handshakes.get(),
						failures.size(), listener.getStats());
				assertThat(failures).as("failed new handshakes or echoes").isEmpty();
				assertThat(handshakes.get()).isPositive();
				assertThat(listener.getStats().handshakesFailed()).as("handshakes failed on the server").isZero();
			});
	}

	private static String serial(KeyMaterial material) {
		return material.leaf().getSerialNumber().toString(16);
	}

	private static String endpointSerial(TlsListenersEndpoint endpoint) {
		TlsListenersEndpoint.ListenerDescriptor described = endpoint.listener(SecurityContext.NONE, "edge");
		assertThat(described).isNotNull();
		return described.certificates().get(0).serialNumber();
	}

	private void replace(Path file, KeyMaterial material, boolean certificate) throws Exception {
		Path next = this.directory.resolve(file.getFileName() + ".next");
		if (certificate) {
			TestTls.writeCertificatePem(material, next);
		}
		else {
			TestTls.writeKeyPem(material, next);
		}
		Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
