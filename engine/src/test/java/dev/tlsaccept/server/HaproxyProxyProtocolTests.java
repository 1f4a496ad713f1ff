package dev.tlsaccept.server;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real HAProxy (the Debian package {@code haproxy}, which {@code .ci/run} installs) in
 * front of a listener with {@code send-proxy-v2} and health checks, on loopback: the
 * records name the real client (a JDK TLS client from 127.0.0.5), the proxy beside it,
 * and HAProxy's checks (a v2 {@code LOCAL} header, then close) are recorded as health
 * checks. Skipped, saying so, when the binary is missing.
 */
class HaproxyProxyProtocolTests {

	private static final String CLIENT = "127.0.0.5";

	private static String haproxy;

	private final EventRecorder events = new EventRecorder();

	private TlsServer server;

	private Process process;

	@TempDir
	Path directory;

	@BeforeAll
	static void findHaproxy() {
		for (String candidate : new String[] { "/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy" }) {
			if (new File(candidate).canExecute()) {
				haproxy = candidate;
			}
		}
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void recordsBehindHaproxyNameTheRealClientAndItsChecksAreHealthChecks(BioMode mode) throws Exception {
		assumeTrue(haproxy != null, "haproxy is not installed (Debian package 'haproxy'; .ci/run installs it): "
				+ "the test with a real HAProxy in front of a listener is skipped");
		TlsServerSettings settings = TlsServerSettings
			.builder(ServerFixtures.uniqueName("haproxy-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.proxyProtocol(ProxyProtocol.REQUIRED)
			.trustedProxy("127.0.0.1")
			.build();
		this.server = new TlsServer(settings, ServerFixtures.context(), this.events, (connection) -> {
			InputStream in = connection.inputStream();
			OutputStream out = connection.outputStream();
			int b;
			while ((b = in.read()) >= 0) {
				out.write(b);
				if (b == '\n') {
					out.flush();
					return;
				}
			}
		});
		this.server.start();
		int frontend = startHaproxy(this.server.port());

		try (Socket raw = new Socket()) {
			raw.bind(new InetSocketAddress(InetAddress.getByName(CLIENT), 0));
			raw.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, frontend), 5_000);
			raw.setSoTimeout(10_000);
			try (SSLSocket tls = (SSLSocket) ServerFixtures.clientContext(ServerFixtures.keys())
				.getSocketFactory()
				.createSocket(raw, "localhost", frontend, false)) {
				tls.setEnabledProtocols(new String[] { "TLSv1.3" });
				tls.startHandshake();
				tls.getOutputStream().write("through haproxy\n".getBytes(StandardCharsets.US_ASCII));
				tls.getOutputStream().flush();
				assertThat(new String(tls.getInputStream().readNBytes(16), StandardCharsets.US_ASCII))
					.isEqualTo("through haproxy\n");
			}
			HandshakeEvent client = this.events.await("the client's handshake", (e) -> e.result().isSuccess());
			assertThat(client.peer()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(client.proxy().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
			assertThat(client.proxyHeader().version()).isEqualTo(2);
			assertThat(client.proxyHeader().destination())
				.isEqualTo(new InetSocketAddress(ServerFixtures.LOOPBACK, frontend));
			assertThat(client.healthCheck()).isFalse();
		}
		HandshakeEvent check = this.events.await("a health check", HandshakeEvent::healthCheck);
		assertThat(check.proxyHeader().local()).isTrue();
		assertThat(check.peer()).isEqualTo(check.proxy());
		assertThat(this.events.events()).filteredOn((e) -> !e.result().isSuccess() && !e.healthCheck())
			.as("no failure but health checks")
			.isEmpty();
	}

	/**
	 * Start HAProxy in the foreground with its own configuration, a TCP frontend on a
	 * free loopback port and the listener as its one server, checked every 200 ms; wait
	 * until it accepts.
	 * @return the frontend's port
	 */
	private int startHaproxy(int backend) throws Exception {
		for (int attempt = 1;; attempt++) {
			int frontend;
			try (ServerSocket free = new ServerSocket(0, 1, ServerFixtures.LOOPBACK)) {
				frontend = free.getLocalPort();
			}
			Path config = this.directory.resolve("haproxy-" + attempt + ".cfg");
			Files.writeString(config,
					String.join("\n", "global", "    maxconn 100", "defaults", "    mode tcp", "    timeout connect 2s",
							"    timeout client 10s", "    timeout server 10s", "frontend tls",
							"    bind 127.0.0.1:" + frontend, "    default_backend tlsaccept", "backend tlsaccept",
							"    server listener 127.0.0.1:" + backend + " send-proxy-v2 check inter 200ms", ""));
			Path log = this.directory.resolve("haproxy-" + attempt + ".log");
			this.process = new ProcessBuilder(haproxy, "-db", "-f", config.toString()).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (awaitFirstCheck()) {
				return frontend;
			}
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			if (attempt == 3) {
				throw new AssertionError("haproxy did not start: " + Files.readString(log));
			}
		}
	}

	/**
	 * HAProxy is up once its first health check reached the listener (it binds its
	 * frontend before it checks); probing the frontend instead would make a client
	 * connection of its own.
	 */
	private boolean awaitFirstCheck() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (this.events.events().stream().anyMatch(HandshakeEvent::healthCheck)) {
				return true;
			}
			if (!this.process.isAlive()) {
				// e.g. the port was taken meanwhile
				return false;
			}
			TimeUnit.MILLISECONDS.sleep(20);
		}
		return false;
	}

}
