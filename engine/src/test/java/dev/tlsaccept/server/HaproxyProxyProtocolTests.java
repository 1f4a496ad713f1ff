package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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

	/** Echoes one line, then closes. */
	private static final TlsConnectionHandler LINE_ECHO = (connection) -> {
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
	};

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

	private final List<TlsServer> servers = new ArrayList<>();

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
		this.servers.forEach(TlsServer::close);
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
		this.server = new TlsServer(settings, ServerFixtures.context(), this.events, LINE_ECHO);
		this.server.start();
		int frontend = startHaproxy(List.of(this.events), this.server.port());

		try (Socket raw = fromClient(frontend)) {
			try (SSLSocket tls = tls13Over(raw, frontend)) {
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

	@Test
	void anUntrustedHaproxysHeadersAreRefusedAndRecordedNotTakenForTheClient() throws Exception {
		assumeTrue(haproxy != null, "haproxy is not installed: the test with a real HAProxy is skipped");
		// the listener trusts another balancer: this HAProxy (127.0.0.1) may connect, but
		// not name clients
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("haproxy-untrusted"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(BioMode.NON_BLOCKING)
			.proxyProtocol(ProxyProtocol.OPTIONAL)
			.trustedProxy("127.0.0.2")
			.build();
		this.server = new TlsServer(settings, ServerFixtures.context(), this.events, LINE_ECHO);
		this.server.start();
		String untrusted = "refused: PROXY protocol header from a source that is not a trusted proxy";
		int frontend = startHaproxy(List.of(this.events), (e) -> untrusted.equals(e.result().reason()),
				this.server.port());
		try (Socket raw = fromClient(frontend)) {
			try (SSLSocket tls = tls13Over(raw, frontend)) {
				assertThatExceptionOfType(IOException.class).isThrownBy(tls::startHandshake);
			}
		}
		// HAProxy's checks (LOCAL) and the client's connection (PROXY) alike: refusals
		// whose peer is HAProxy, never the client it claims, and never a health check
		ServerFixtures.await(Duration.ofSeconds(20), () -> "refusals in " + this.events.events(),
				() -> this.server.stats().refusedUntrustedProxy() >= 2);
		assertThat(this.events.events()).isNotEmpty().allSatisfy((event) -> {
			assertThat(event.result().reason()).isEqualTo(untrusted);
			assertThat(event.peer().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
			assertThat(event.proxy()).isNull();
			assertThat(event.proxyHeader()).isNull();
			assertThat(event.healthCheck()).isFalse();
		});
		assertThat(this.server.stats().handshakesFailed()).as("refusals, not failed handshakes").isZero();
		assertThat(this.server.stats().handshakesSucceeded()).isZero();
	}

	@Test
	void aStoppedListenerIsRoutedAroundAndARollingRestartWithADrainFailsNoClient() throws Exception {
		assumeTrue(haproxy != null, "haproxy is not installed (Debian package 'haproxy'; .ci/run installs it): "
				+ "the rolling restart behind a real HAProxy is skipped");
		EventRecorder firstEvents = new EventRecorder();
		EventRecorder secondEvents = new EventRecorder();
		TlsServer first = listener("first", 0, firstEvents);
		TlsServer second = listener("second", 0, secondEvents);
		int firstPort = first.port();
		int frontend = startHaproxy(List.of(firstEvents, secondEvents), firstPort, second.port());
		awaitStatus("s1", "UP");
		awaitStatus("s2", "UP");

		// stopped without a drain: health checks take it out, retries hide the refused
		// connections meanwhile
		first.stop();
		long down = awaitStatus("s1", "DOWN");
		int before = clientHandshakes(secondEvents);
		for (int i = 0; i < 4; i++) {
			assertThat(echoThroughHaproxy(frontend)).isEqualTo("ping\n");
		}
		ServerFixtures.await(Duration.ofSeconds(20), "the other listener's records",
				() -> clientHandshakes(secondEvents) >= before + 4);
		assertThat(clientHandshakes(secondEvents)).isEqualTo(before + 4);

		// back, then a rolling restart under load: drain at the balancer, wait until the
		// listener has nothing in flight, stop, start, ready
		TlsServer restarted = listener("first", firstPort, firstEvents);
		long up = awaitStatus("s1", "UP");
		List<Load> clients = List.of(new Load(frontend), new Load(frontend), new Load(frontend));
		clients.forEach(Thread::start);
		Load load = clients.get(0);
		ServerFixtures.await(Duration.ofSeconds(20), "client handshakes on both listeners",
				() -> clientHandshakes(firstEvents) > 0 && load.succeeded() > 4);
		int beforeDrain = clientHandshakes(firstEvents);
		assertThat(haproxyCommand("set server tlsaccept/s1 state drain")).isBlank();
		long drainStart = System.nanoTime();
		// nothing in flight: neither a session HAProxy still has on it, nor a connection
		ServerFixtures.await(Duration.ofSeconds(20), "the drained listener to have nothing in flight", () -> {
			try {
				return serverStat("s1", "scur").equals("0") && restarted.stats().openConnections() == 0;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		int inDrain = clientHandshakes(firstEvents) - beforeDrain;
		long drained = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
		restarted.stop();
		int onFirst = clientHandshakes(firstEvents);
		int served = succeeded(clients);
		// clients keep being served while it is away
		ServerFixtures.await(Duration.ofSeconds(20), "clients served by the other listener",
				() -> succeeded(clients) >= served + 12);
		TlsServer again = listener("first", firstPort, firstEvents);
		awaitStatus("s1", "DRAIN");
		assertThat(haproxyCommand("set server tlsaccept/s1 state ready")).isBlank();
		ServerFixtures.await(Duration.ofSeconds(20), "client handshakes on the restarted listener",
				() -> clientHandshakes(firstEvents) > onFirst);
		for (Load each : clients) {
			each.stopAndJoin();
		}
		List<String> failures = clients.stream().flatMap((each) -> each.failures().stream()).toList();
		System.out.printf("haproxy rolling restart: stopped listener DOWN after %d ms, restarted UP after %d ms, "
				+ "drained in %d ms (%d handshakes finished there meanwhile); %d client handshakes through haproxy "
				+ "by 3 clients, %d failed%n", down, up, drained, inDrain, succeeded(clients), failures.size());
		assertThat(failures).as("client failures during the rolling restart").isEmpty();
		assertThat(again.state()).isEqualTo(TlsServer.State.RUNNING);
		for (EventRecorder recorder : List.of(firstEvents, secondEvents)) {
			assertThat(recorder.events()).filteredOn((e) -> !e.healthCheck() && e.proxyHeader() != null)
				.as("client handshakes recorded")
				.allMatch((e) -> e.result().isSuccess());
		}
	}

	private TlsServer listener(String name, int port, EventRecorder events) {
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("haproxy-" + name))
			.address(ServerFixtures.LOOPBACK)
			.port(port)
			.proxyProtocol(ProxyProtocol.REQUIRED)
			.trustedProxy("127.0.0.1")
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
		TlsServer server = new TlsServer(settings, ServerFixtures.context(), events, LINE_ECHO);
		server.start();
		this.servers.add(server);
		return server;
	}

	private static int succeeded(List<Load> clients) {
		return clients.stream().mapToInt(Load::succeeded).sum();
	}

	private static int clientHandshakes(EventRecorder events) {
		return (int) events.events()
			.stream()
			.filter((e) -> !e.healthCheck() && e.result().isSuccess() && e.proxyHeader() != null)
			.count();
	}

	/** A TCP connection from the client's address to HAProxy's frontend. */
	private static Socket fromClient(int frontend) throws IOException {
		Socket raw = new Socket();
		try {
			raw.bind(new InetSocketAddress(InetAddress.getByName(CLIENT), 0));
			raw.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, frontend), 5_000);
			raw.setSoTimeout(10_000);
			return raw;
		}
		catch (IOException ex) {
			raw.close();
			throw ex;
		}
	}

	/** A TLS 1.3 client over the connection, which stays open when it closes. */
	private static SSLSocket tls13Over(Socket raw, int frontend) throws Exception {
		SSLSocket tls = (SSLSocket) ServerFixtures.clientContext(ServerFixtures.keys())
			.getSocketFactory()
			.createSocket(raw, "localhost", frontend, false);
		tls.setEnabledProtocols(new String[] { "TLSv1.3" });
		return tls;
	}

	private static String echoThroughHaproxy(int frontend) throws Exception {
		try (Socket raw = fromClient(frontend)) {
			try (SSLSocket tls = tls13Over(raw, frontend)) {
				tls.startHandshake();
				tls.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
				tls.getOutputStream().flush();
				return new String(tls.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
			}
		}
	}

	/** One client, handshake and echo after handshake, until stopped. */
	private static final class Load extends Thread {

		private final int frontend;

		private final AtomicInteger succeeded = new AtomicInteger();

		private final List<String> failures = new CopyOnWriteArrayList<>();

		private volatile boolean running = true;

		Load(int frontend) {
			super("haproxy-load");
			this.frontend = frontend;
			setDaemon(true);
		}

		@Override
		public void run() {
			while (this.running) {
				try {
					String echo = echoThroughHaproxy(this.frontend);
					if (echo.equals("ping\n")) {
						this.succeeded.incrementAndGet();
					}
					else {
						this.failures.add("echo '" + echo + "'");
					}
				}
				catch (Exception ex) {
					this.failures.add(ex.toString());
				}
			}
		}

		int succeeded() {
			return this.succeeded.get();
		}

		List<String> failures() {
			return this.failures;
		}

		void stopAndJoin() throws InterruptedException {
			this.running = false;
			join(TimeUnit.SECONDS.toMillis(30));
		}

	}

	/**
	 * Start HAProxy in the foreground with its own configuration: a TCP frontend on a
	 * free loopback port, the listeners as its servers {@code s1}, {@code s2}... (round
	 * robin, checked every 200 ms, down after 2 failed checks, up after 2 good ones; a
	 * connection refused by a server is retried on another), and an admin socket for its
	 * runtime API; wait until every server was checked.
	 * @param checked the recorders of the listeners, in the order of the backends
	 * @param backends the listeners' ports
	 * @return the frontend's port
	 */
	private int startHaproxy(List<EventRecorder> checked, int... backends) throws Exception {
		return startHaproxy(checked, HandshakeEvent::healthCheck, backends);
	}

	/**
	 * Start HAProxy in front of listeners, as above, up once each listener saw an event
	 * that matches.
	 */
	private int startHaproxy(List<EventRecorder> checked, Predicate<HandshakeEvent> checkSeen, int... backends)
			throws Exception {
		for (int attempt = 1;; attempt++) {
			int frontend;
			try (ServerSocket free = new ServerSocket(0, 1, ServerFixtures.LOOPBACK)) {
				frontend = free.getLocalPort();
			}
			Path config = this.directory.resolve("haproxy-" + attempt + ".cfg");
			List<String> lines = new ArrayList<>(List.of("global", "    maxconn 200",
					"    stats socket " + adminSocket() + " mode 600 level admin", "defaults", "    mode tcp",
					"    timeout connect 2s", "    timeout client 10s", "    timeout server 10s", "    retries 3",
					"    option redispatch 1", "frontend tls", "    bind 127.0.0.1:" + frontend,
					"    default_backend tlsaccept", "backend tlsaccept", "    balance roundrobin"));
			for (int i = 0; i < backends.length; i++) {
				lines.add("    server s" + (i + 1) + " 127.0.0.1:" + backends[i]
						+ " send-proxy-v2 check inter 200ms fall 2 rise 2");
			}
			lines.add("");
			Files.writeString(config, String.join("\n", lines));
			Path log = this.directory.resolve("haproxy-" + attempt + ".log");
			this.process = new ProcessBuilder(haproxy, "-db", "-f", config.toString()).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (awaitFirstCheck(checked, checkSeen)) {
				return frontend;
			}
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			if (attempt == 3) {
				throw new AssertionError("haproxy did not start: " + Files.readString(log));
			}
		}
	}

	private Path adminSocket() {
		return this.directory.resolve("admin.sock");
	}

	/**
	 * A command of HAProxy's runtime API, on its admin socket.
	 * @param command e.g. {@code show stat}
	 * @return the answer
	 */
	private String haproxyCommand(String command) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(adminSocket()));
			channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) >= 0) {
				answer.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			return answer.toString(StandardCharsets.US_ASCII);
		}
	}

	/**
	 * A server's status as HAProxy's statistics give it: {@code UP}, {@code DOWN},
	 * {@code DRAIN}, {@code UP 1/2} while rising...
	 */
	private String serverStatus(String server) throws IOException {
		return serverStat(server, "status");
	}

	/**
	 * A field of a server's line in HAProxy's statistics: {@code status}, {@code scur}
	 * (its current sessions)...
	 */
	private String serverStat(String server, String field) throws IOException {
		String[] lines = haproxyCommand("show stat").split("\n");
		List<String> header = List.of(lines[0].substring(2).split(","));
		int status = header.indexOf(field);
		for (String line : lines) {
			String[] fields = line.split(",", -1);
			if (fields.length > status && fields[0].equals("tlsaccept") && fields[1].equals(server)) {
				return fields[status];
			}
		}
		throw new AssertionError("no server " + server + " in " + String.join("\n", lines));
	}

	private long awaitStatus(String server, String status) throws Exception {
		long start = System.nanoTime();
		ServerFixtures.await(Duration.ofSeconds(20), "haproxy to see " + server + " " + status, () -> {
			try {
				return serverStatus(server).equals(status);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	/**
	 * HAProxy is up once its first health check reached the listener (it binds its
	 * frontend before it checks); probing the frontend instead would make a client
	 * connection of its own.
	 */
	private boolean awaitFirstCheck(List<EventRecorder> checked, Predicate<HandshakeEvent> checkSeen)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (checked.stream().allMatch((recorder) -> recorder.events().stream().anyMatch(checkSeen))) {
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
