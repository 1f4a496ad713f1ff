package dev.tlsaccept.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The idle phase: {@code --idle-connections} established TLS 1.3 connections per server,
 * each echoing one line and then idle for {@code --idle-seconds}; measured meanwhile:
 * threads, heap after GC, direct buffers and RSS of the server process per connection, a
 * fresh client's echo latency, and whether every idle connection still answers. Servers:
 * the raw JDK thread-per-connection server (baseline), tlsaccept with the event-driven
 * handler (jdk, jdk pair, openssl, bouncy-castle), tlsaccept with a blocking-stream
 * handler on platform threads, and, when a JDK 21+ is there ({@code BENCH_JDK21_HOME}, or
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64}), on virtual threads. Every server JVM runs
 * with {@code -Xmx1g}.
 */
final class IdlePhase {

	private static final List<String> JVM_ARGS = List.of("-Xmx1g");

	/**
	 * G1 told to keep little free heap committed after a GC (its defaults keep up to
	 * 70%): what a node that holds idle connections wants, since their cost is then what
	 * they hold.
	 */
	private static final List<String> COMPACT_HEAP_JVM_ARGS = List.of("-Xmx1g", "-XX:MaxHeapFreeRatio=20",
			"-XX:MinHeapFreeRatio=10");

	private static final Path DEFAULT_JDK21 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	private static final int CONNECT_THREADS = 4;

	private IdlePhase() {
	}

	static void run(Options options, Path p12, Path work, LoadClient client, Results results) throws Exception {
		List<Server> servers = new ArrayList<>();
		Path jdk = Path.of(System.getProperty("java.home"));
		servers.add(Server.java(jdk, JVM_ARGS, Main.BASELINE,
				"raw JDK SSLServerSocket, thread per connection, line echo", p12, "raw-jdk", "lines"));
		servers.add(Server.java(jdk, JVM_ARGS, "jdk-event",
				"tlsaccept jdk, non-blocking, event-driven line echo (the demo)", p12, "tlsaccept:jdk:non-blocking:rec",
				"lines", "event"));
		if (!options.smoke) {
			servers.add(Server.java(jdk, COMPACT_HEAP_JVM_ARGS, "jdk-event-compact-heap",
					"tlsaccept jdk, non-blocking, "
							+ "event-driven line echo, -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10",
					p12, "tlsaccept:jdk:non-blocking:rec", "lines", "event"));
			servers.add(Server.java(jdk, JVM_ARGS, "jdk-pair-event", "tlsaccept jdk, pair, event-driven line echo", p12,
					"tlsaccept:jdk:pair:rec", "lines", "event"));
			servers.add(Server.java(jdk, JVM_ARGS, "jdk-streams",
					"tlsaccept jdk, non-blocking, blocking-stream line echo " + "on platform threads", p12,
					"tlsaccept:jdk:non-blocking:rec", "lines"));
			Path jdk21 = jdk21();
			if (jdk21 != null) {
				servers.add(Server.java(jdk21, JVM_ARGS, "jdk-streams-virtual",
						"tlsaccept jdk, non-blocking, "
								+ "blocking-stream line echo (java.io readers) on virtual threads (JDK "
								+ javaVersion(jdk21) + ")",
						p12, "tlsaccept:jdk:non-blocking:rec", "lines", "vthreads"));
				servers.add(Server.java(jdk21, JVM_ARGS, "jdk-streams-virtual-lean",
						"tlsaccept jdk, non-blocking, "
								+ "blocking-stream line echo with a 256-byte buffer on virtual threads (JDK "
								+ javaVersion(jdk21) + ")",
						p12, "tlsaccept:jdk:non-blocking:rec", "lines", "vthreads", "lean"));
			}
			else {
				results.skipped.add("jdk-streams-virtual skipped: no JDK 21+ (set BENCH_JDK21_HOME)");
			}
			for (String engine : List.of("openssl", "bouncy-castle")) {
				String why = Main.engineUnavailable(engine);
				if (why != null) {
					results.skipped.add(engine + "-event skipped: " + why);
					continue;
				}
				servers.add(Server.java(jdk, JVM_ARGS, engine + "-event",
						"tlsaccept " + engine + ", non-blocking, event-driven line echo", p12,
						"tlsaccept:" + engine + ":non-blocking:rec", "lines", "event"));
				if (engine.equals("openssl")) {
					servers.add(Server.java(jdk, COMPACT_HEAP_JVM_ARGS, engine + "-event-compact-heap",
							"tlsaccept " + engine + ", non-blocking, event-driven line echo, -XX:MaxHeapFreeRatio=20 "
									+ "-XX:MinHeapFreeRatio=10",
							p12, "tlsaccept:" + engine + ":non-blocking:rec", "lines", "event"));
				}
			}
		}
		if (!options.only.isEmpty()) {
			servers.removeIf((server) -> !options.only.contains(server.name));
		}
		for (Server server : servers) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", server.name);
			entry.put("description", server.description);
			entry.put("connections", options.idleConnections);
			try {
				measure(options, server, work, client.factory(), entry);
			}
			catch (Exception ex) {
				entry.put("error", ex.toString());
				Main.log("idle " + server.name + " failed: " + ex);
			}
			Main.log("idle " + entry);
			results.idle.add(entry);
		}
	}

	private static void measure(Options options, Server server, Path work, SSLSocketFactory factory,
			Map<String, Object> entry) throws Exception {
		server.start(work);
		List<Connection> connections = Collections.synchronizedList(new ArrayList<>());
		try {
			// warm up (classes, JIT, pools), then the baseline
			for (int i = 0; i < (options.smoke ? 5 : 300); i++) {
				try (Connection warm = Connection.open(factory, server.port, i)) {
					warm.echo("warm-up " + i);
				}
			}
			Thread.sleep(500);
			long[] before = server.stats();
			long rssBefore = server.settledRss();
			long threadsBefore = server.procStatus("Threads:");
			long start = System.nanoTime();
			ExecutorService connectors = Executors.newFixedThreadPool(CONNECT_THREADS);
			AtomicInteger next = new AtomicInteger();
			AtomicInteger failed = new AtomicInteger();
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < CONNECT_THREADS; t++) {
				done.add(connectors.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < options.idleConnections) {
						try {
							Connection connection = Connection.open(factory, server.port, i);
							connections.add(connection);
							connection.echo("hello " + i);
						}
						catch (IOException ex) {
							if (failed.getAndIncrement() == 0) {
								entry.put("firstConnectError", ex.toString());
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(30, TimeUnit.MINUTES);
			}
			connectors.shutdown();
			entry.put("opened", connections.size());
			entry.put("connectFailures", failed.get());
			entry.put("openSeconds", (System.nanoTime() - start) / 1e9);
			Thread.sleep((long) (options.idleSeconds * 1000));
			long[] after = server.stats();
			long rssAfter = server.settledRss();
			long threadsAfter = server.procStatus("Threads:");
			int n = Math.max(1, connections.size());
			entry.put("idleSeconds", options.idleSeconds);
			entry.put("tlsacceptThreadsBefore", before[0]);
			entry.put("tlsacceptThreadsAfter", after[0]);
			entry.put("jvmThreadsBefore", before[1]);
			entry.put("jvmThreadsAfter", after[1]);
			entry.put("processThreadsBefore", threadsBefore);
			entry.put("processThreadsAfter", threadsAfter);
			entry.put("heapAfterGcMB", after[2] / 1e6);
			entry.put("heapPerConnectionKB", (after[2] - before[2]) / 1024.0 / n);
			entry.put("heapCommittedPerConnectionKB", (after[5] - before[5]) / 1024.0 / n);
			entry.put("directPerConnectionKB", (after[4] - before[4]) / 1024.0 / n);
			entry.put("rssMB", rssAfter / 1024.0);
			entry.put("rssPerConnectionKB", (rssAfter - rssBefore) / (double) n);
			entry.put("nativePerConnectionKB",
					(rssAfter - rssBefore) / (double) n - (after[2] - before[2]) / 1024.0 / n);
			entry.put("freshEchoMs", freshEcho(factory, server.port, options.smoke ? 20 : 200));
			int answered = 0;
			for (Connection connection : connections) {
				try {
					connection.echo("still there " + connection.number);
					answered++;
				}
				catch (IOException ex) {
					// counted below
				}
			}
			entry.put("stillAnsweringAfterIdle", answered);
		}
		finally {
			for (Connection connection : connections) {
				connection.close();
			}
			server.stop();
		}
	}

	/**
	 * A fresh client's echo round trips while the idle connections are held: p50, p99,
	 * max in ms.
	 */
	private static Map<String, Object> freshEcho(SSLSocketFactory factory, int port, int count) throws IOException {
		long[] took = new long[count];
		try (Connection connection = Connection.open(factory, port, -1)) {
			for (int i = 0; i < count; i++) {
				long start = System.nanoTime();
				connection.echo("fresh " + i);
				took[i] = System.nanoTime() - start;
			}
		}
		Arrays.sort(took);
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("p50", LoadClient.percentile(took, 50) / 1e6);
		latency.put("p99", LoadClient.percentile(took, 99) / 1e6);
		latency.put("max", took[count - 1] / 1e6);
		return latency;
	}

	private static Path jdk21() {
		String configured = System.getenv("BENCH_JDK21_HOME");
		Path home = (configured != null && !configured.isBlank()) ? Path.of(configured) : DEFAULT_JDK21;
		return Files.isExecutable(home.resolve("bin").resolve("java")) ? home : null;
	}

	private static String javaVersion(Path home) {
		try {
			for (String line : Files.readAllLines(home.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=")) {
					return line.substring("JAVA_VERSION=".length()).replace("\"", "");
				}
			}
		}
		catch (IOException ex) {
			// unknown
		}
		return "21+";
	}

	/** One client connection that speaks the line echo. */
	private static final class Connection implements AutoCloseable {

		final int number;

		private final SSLSocket socket;

		private final OutputStream out;

		private final InputStream in;

		private Connection(int number, SSLSocket socket) throws IOException {
			this.number = number;
			this.socket = socket;
			this.out = socket.getOutputStream();
			this.in = socket.getInputStream();
		}

		static Connection open(SSLSocketFactory factory, int port, int number) throws IOException {
			SSLSocket socket = LoadClient.connect(factory, port, "TLSv1.3");
			try {
				socket.startHandshake();
				return new Connection(number, socket);
			}
			catch (IOException ex) {
				socket.close();
				throw ex;
			}
		}

		void echo(String line) throws IOException {
			this.out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.out.flush();
			byte[] expected = ("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8);
			byte[] got = this.in.readNBytes(expected.length);
			if (!Arrays.equals(expected, got)) {
				throw new IOException("connection " + this.number + " answered '"
						+ new String(got, StandardCharsets.UTF_8) + "' to '" + line + "'");
			}
		}

		@Override
		public void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// gone
			}
		}

	}

}
