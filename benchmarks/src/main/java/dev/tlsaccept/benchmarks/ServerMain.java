package dev.tlsaccept.benchmarks;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SessionTicketKey;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsChannel;
import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerSettings;

/**
 * One benchmark server, run as its own JVM so that its CPU time can be read from
 * {@code /proc/PID/stat} apart from the load client's.
 *
 * <p>
 * Arguments: {@code <keystore.p12> <kind> [pending] [echo]} where kind is {@code raw-jdk}
 * or {@code tlsaccept:<engine>:<bio-mode>:<rec|norec>}. Prints {@code PORT <n>} once
 * listening, then answers {@code stats} on stdin with
 * {@code STATS <tlsaccept threads> <live threads> <heap used
 * after GC> <pending handshakes>}; exits on {@code quit} or end of input.
 */
public final class ServerMain {

	static final char[] PASSWORD = "bench".toCharArray();

	private ServerMain() {
	}

	public static void main(String[] args) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = new FileInputStream(args[0])) {
			keyStore.load(in, PASSWORD);
		}
		String kind = args[1];
		boolean pending = List.of(args).contains("pending");
		boolean echo = List.of(args).contains("echo");
		// idle phase: many long-lived connections, a line echo in the handler style under
		// test
		boolean lines = List.of(args).contains("lines");
		boolean event = List.of(args).contains("event");
		boolean virtualThreads = List.of(args).contains("vthreads");
		AutoCloseable server;
		int port;
		TlsServer tlsServer = null;
		if (kind.equals("raw-jdk")) {
			RawJdkServer raw = new RawJdkServer(keyStore, echo, lines);
			port = raw.port();
			server = raw;
		}
		else if (kind.equals("netty-openssl")) {
			NettyServer netty = new NettyServer((PrivateKey) keyStore.getKey("bench", PASSWORD),
					(X509Certificate) keyStore.getCertificate("bench"), echo);
			port = netty.port();
			server = netty;
		}
		else {
			String[] parts = kind.split(":");
			String engine = parts[1];
			BioMode mode = BioMode.fromConfigName(parts[2]);
			boolean record = parts[3].equals("rec");
			KeyMaterial keyMaterial = KeyMaterial.of((PrivateKey) keyStore.getKey("bench", PASSWORD),
					List.of((X509Certificate) keyStore.getCertificate("bench")), "benchmark key");
			TlsConfig.Builder config = TlsConfig.builder(keyMaterial).engine(engine);
			TlsServerSettings.Builder settings = TlsServerSettings.builder("bench")
				.address(InetAddress.getLoopbackAddress())
				.port(0)
				.bioMode(mode)
				.shutdownTimeout(Duration.ofSeconds(1));
			if (pending) {
				config.handshakeTimeout(Duration.ofMinutes(10));
				settings.maxConnections(30_000).maxPendingHandshakes(30_000);
			}
			else if (lines) {
				settings.maxConnections(30_000);
			}
			else {
				settings.maxConnections(5_000).maxPendingHandshakes(5_000);
			}
			HandshakeObserver observer = record ? new Recorder() : HandshakeObserver.NONE;
			TlsConnectionHandler handler = echo
					? (connection) -> echo(connection.inputStream(), connection.outputStream()) : null;
			if (lines) {
				handler = List.of(args).contains("lean")
						? (connection) -> leanLineEcho(connection.inputStream(), connection.outputStream())
						: (connection) -> lineEcho(connection.inputStream(), connection.outputStream());
			}
			if (virtualThreads) {
				settings.workerExecutor(virtualThreadExecutor());
			}
			if (List.of(args).contains("tickets")) {
				// operator-supplied session-ticket keys, as a fleet runs
				byte[] ticketKey = new byte[SessionTicketKey.AES_128_LENGTH];
				new java.security.SecureRandom().nextBytes(ticketKey);
				config.sessionTicketKeys(List.of(SessionTicketKey.of(ticketKey)));
			}
			TlsServerContext context = TlsServerContext.create(config.build());
			tlsServer = event ? TlsServer.eventDriven(settings.build(), context, observer, new LineEcho())
					: new TlsServer(settings.build(), context, observer, handler);
			tlsServer.start();
			port = tlsServer.port();
			server = tlsServer;
		}
		System.out.println("PORT " + port);
		System.out.flush();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = commands.readLine()) != null) {
			if (line.equals("resumed")) {
				System.out.println("RESUMED " + Recorder.resumed.get() + " " + Recorder.full.get());
				System.out.flush();
			}
			else if (line.equals("stats")) {
				System.gc();
				MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
				long ownThreads = Thread.getAllStackTraces()
					.keySet()
					.stream()
					.filter((thread) -> thread.getName().startsWith("tlsaccept-")
							|| thread.getName().startsWith("raw-jdk")
							|| thread.getName().startsWith("multiThreadIoEventLoopGroup"))
					.count();
				int pendingNow = (tlsServer != null) ? tlsServer.stats().pendingHandshakes() : -1;
				long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
					.stream()
					.filter((pool) -> pool.getName().equals("direct"))
					.mapToLong(BufferPoolMXBean::getMemoryUsed)
					.sum();
				System.out.println("STATS " + ownThreads + " " + ManagementFactory.getThreadMXBean().getThreadCount()
						+ " " + memory.getHeapMemoryUsage().getUsed() + " " + pendingNow + " " + direct + " "
						+ memory.getHeapMemoryUsage().getCommitted());
				System.out.flush();
			}
			else if (line.equals("quit")) {
				break;
			}
		}
		try {
			server.close();
		}
		finally {
			System.exit(0);
		}
	}

	static void echo(InputStream in, OutputStream out) throws IOException {
		byte[] buffer = new byte[32 * 1024];
		int n;
		while ((n = in.read(buffer)) >= 0) {
			out.write(buffer, 0, n);
			out.flush();
		}
	}

	/**
	 * The demo's protocol with blocking streams: each line answered with
	 * {@code echo: <line>}.
	 */
	static void lineEcho(InputStream in, OutputStream out) throws IOException {
		BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
		Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
		String line;
		while ((line = reader.readLine()) != null) {
			writer.write("echo: " + line + "\n");
			writer.flush();
		}
	}

	/**
	 * The same protocol with blocking streams but no java.io readers (a BufferedReader,
	 * an InputStreamReader and an OutputStreamWriter hold 32 KB of buffers per
	 * connection): what tlsaccept itself costs a blocking handler.
	 */
	static void leanLineEcho(InputStream in, OutputStream out) throws IOException {
		byte[] buffer = new byte[256];
		ByteArrayOutputStream line = new ByteArrayOutputStream(64);
		int count;
		while ((count = in.read(buffer)) >= 0) {
			for (int i = 0; i < count; i++) {
				if (buffer[i] != '\n') {
					line.write(buffer[i]);
					continue;
				}
				out.write(("echo: " + line.toString(StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
				line.reset();
			}
		}
	}

	/** The demo's protocol, event-driven: a line buffer per connection, nothing else. */
	static final class LineEcho implements TlsChannelHandler {

		@Override
		public void opened(TlsChannel channel) {
			channel.attach(new ByteArrayOutputStream(64));
		}

		@Override
		public void received(TlsChannel channel, ByteBuffer data) {
			ByteArrayOutputStream line = (ByteArrayOutputStream) channel.attachment();
			while (data.hasRemaining()) {
				byte next = data.get();
				if (next != '\n') {
					line.write(next);
					continue;
				}
				channel.write(ByteBuffer
					.wrap(("echo: " + line.toString(StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8)));
				line.reset();
			}
		}

	}

	/**
	 * {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21+, found by reflection
	 * (we compile for 17).
	 */
	static Executor virtualThreadExecutor() throws Exception {
		return (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	/** Records every handshake as the Spring Boot auto-configuration does. */
	static final class Recorder implements HandshakeObserver {

		private final InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository();

		private final AtomicLong ids = new AtomicLong();

		/** Successful handshakes that resumed, as the server's results say. */
		static final AtomicLong resumed = new AtomicLong();

		/** Successful full handshakes. */
		static final AtomicLong full = new AtomicLong();

		@Override
		public void handshakeFinished(dev.tlsaccept.server.HandshakeEvent event) {
			if (event.result().isSuccess()) {
				(event.result().resumed() ? resumed : full).incrementAndGet();
			}
			this.repository.add(HandshakeRecord.of(event, Long.toString(this.ids.incrementAndGet()), Instant.now()));
		}

	}

	/**
	 * What users write today: SSLServerSocket, accept, a thread per connection,
	 * startHandshake, close.
	 */
	static final class RawJdkServer implements AutoCloseable {

		private final SSLServerSocket serverSocket;

		private final Thread acceptor;

		RawJdkServer(KeyStore keyStore, boolean echo, boolean lines) throws Exception {
			KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			kmf.init(keyStore, PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(kmf.getKeyManagers(), null, null);
			this.serverSocket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
			this.serverSocket.setEnabledProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
			this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
			this.acceptor = new Thread(() -> {
				while (!this.serverSocket.isClosed()) {
					try {
						Socket socket = this.serverSocket.accept();
						socket.setTcpNoDelay(true);
						Thread worker = new Thread(() -> {
							try (SSLSocket ssl = (SSLSocket) socket) {
								ssl.startHandshake();
								if (echo) {
									echo(ssl.getInputStream(), ssl.getOutputStream());
								}
								else if (lines) {
									lineEcho(ssl.getInputStream(), ssl.getOutputStream());
								}
							}
							catch (IOException ex) {
								// a client that went away: next
							}
						}, "raw-jdk-connection");
						worker.start();
					}
					catch (IOException ex) {
						// closed, or a failed accept
					}
				}
			}, "raw-jdk-acceptor");
			this.acceptor.start();
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		@Override
		public void close() throws IOException {
			this.serverSocket.close();
		}

	}

}
