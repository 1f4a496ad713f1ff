package dev.tlsaccept.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

import dev.tlsaccept.engine.TlsEngine;
import dev.tlsaccept.engine.TlsEngines;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;

/**
 * The benchmark suite: starts every server as its own process on 127.0.0.1 with the same EC P-256
 * key, drives them all with the same {@link LoadClient} in alternating rounds, reads each server's
 * CPU time from {@code /proc/PID/stat}, and prints a Markdown table (ratios against the raw JDK
 * baseline of the same run) and a JSON file.
 *
 * <pre>
 * java -jar benchmarks/target/tlsaccept-benchmarks.jar [--smoke] [--out FILE] [--rounds N]
 *      [--seconds S] [--warmup S] [--threads N] [--pending N] [--bulk-seconds S]
 *      [--rate HS_PER_S] [--latency-seconds S] [--only SERVER,...] [--phases handshake,latency,pending,bulk]
 * </pre>
 */
public final class Main {

	static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	static final String BASELINE = "raw-jdk";

	private Main() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Results results = run(options);
		System.out.println();
		System.out.println(results.markdown());
		System.out.println("JSON: " + options.out.toAbsolutePath());
	}

	/** Run options; {@link #smoke()} is the seconds-long variant run by {@code ./mvnw verify}. */
	static final class Options {

		boolean smoke;

		int rounds = 3;

		double seconds = 6;

		double warmupSeconds = 30;

		int threads = 4;

		int pending = 10_000;

		double bulkSeconds = 3;

		/** Offered rate of the latency phase, handshakes per second (open loop, below saturation). */
		double rate = 50;

		/** Seconds per server, protocol and round of the latency phase. */
		double latencySeconds = 4;

		Path out = Path.of("benchmarks/target/results.json");

		/** Handshake servers to run (all when empty). */
		List<String> only = List.of();

		List<String> phases = List.of("handshake", "latency", "pending", "bulk");

		static Options smoke() {
			Options options = new Options();
			options.smoke = true;
			options.rounds = 1;
			options.seconds = 0.5;
			options.warmupSeconds = 0;
			options.pending = 200;
			options.bulkSeconds = 0.5;
			options.latencySeconds = 0.2;
			return options;
		}

		static Options parse(String[] args) {
			Options options = List.of(args).contains("--smoke") ? smoke() : new Options();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--smoke" -> {
					}
					case "--out" -> options.out = Path.of(args[++i]);
					case "--rounds" -> options.rounds = Integer.parseInt(args[++i]);
					case "--seconds" -> options.seconds = Double.parseDouble(args[++i]);
					case "--warmup" -> options.warmupSeconds = Double.parseDouble(args[++i]);
					case "--threads" -> options.threads = Integer.parseInt(args[++i]);
					case "--pending" -> options.pending = Integer.parseInt(args[++i]);
					case "--bulk-seconds" -> options.bulkSeconds = Double.parseDouble(args[++i]);
					case "--rate" -> options.rate = Double.parseDouble(args[++i]);
					case "--latency-seconds" -> options.latencySeconds = Double.parseDouble(args[++i]);
					case "--only" -> options.only = List.of(args[++i].split(","));
					case "--phases" -> options.phases = List.of(args[++i].split(","));
					default -> throw new IllegalArgumentException("Unknown option " + args[i]
							+ ": use --smoke, --out, --rounds, --seconds, --warmup, --threads, --pending, --bulk-seconds,"
							+ " --rate, --latency-seconds, --only SERVER,SERVER, --phases handshake,latency,pending,bulk");
				}
			}
			return options;
		}

	}

	static Results run(Options options) throws Exception {
		Path work = Files.createTempDirectory("tlsaccept-bench");
		KeyMaterial key = SelfSignedCertificate.generate();
		Path p12 = work.resolve("key.p12");
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		keyStore.load(null, null);
		keyStore.setKeyEntry("bench", key.privateKey(), ServerMain.PASSWORD,
				key.certificateChain().toArray(new Certificate[0]));
		try (OutputStream out = Files.newOutputStream(p12)) {
			keyStore.store(out, ServerMain.PASSWORD);
		}
		Path certPem = work.resolve("cert.pem");
		Path keyPem = work.resolve("key.pem");
		Files.writeString(certPem, pem("CERTIFICATE", key.leaf().getEncoded()));
		Files.writeString(keyPem, pem("PRIVATE KEY", key.privateKey().getEncoded()));
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("bench", key.leaf());
		LoadClient client = new LoadClient(trust);

		Results results = new Results(options);
		results.meta.put("java", System.getProperty("java.version"));
		results.meta.put("cores", Runtime.getRuntime().availableProcessors());
		results.meta.put("openssl", opensslVersion());
		results.meta.put("engines", TlsEngines.names());
		results.meta.put("client", "JDK SSLSocket, " + options.threads + " threads, no resumption, "
				+ LoadClient.TLS13_SUITE + " / " + LoadClient.TLS12_SUITE);
		results.meta.put("started", Instant.now().toString());
		results.meta.put("loadAverageAtStart", loadAverage());

		List<Server> servers = new ArrayList<>();
		servers.add(Server.java(BASELINE, "raw JDK SSLServerSocket, thread per connection", p12, "raw-jdk"));
		servers.add(Server.java("jdk-blocking", "tlsaccept jdk, blocking, recording on", p12,
				"tlsaccept:jdk:blocking:rec"));
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, recording on", p12,
				"tlsaccept:jdk:non-blocking:rec"));
		servers.add(Server.java("jdk-pair", "tlsaccept jdk, pair, recording on", p12, "tlsaccept:jdk:pair:rec"));
		servers.add(Server.java("jdk-non-blocking-norec", "tlsaccept jdk, non-blocking, HandshakeObserver.NONE", p12,
				"tlsaccept:jdk:non-blocking:norec"));
		for (String engine : List.of("openssl", "bouncy-castle")) {
			String why = engineUnavailable(engine);
			if (why != null) {
				results.skipped.add(engine + " engine skipped: " + why);
				continue;
			}
			servers.add(Server.java(engine + "-non-blocking", "tlsaccept " + engine + ", non-blocking, recording on",
					p12, "tlsaccept:" + engine + ":non-blocking:rec"));
		}
		if (NettyServer.available()) {
			servers.add(Server.java("netty-openssl", "Netty SslHandler on OpenSSL (netty-tcnative), default event loops",
					p12, "netty-openssl"));
		}
		else {
			results.skipped.add("netty-openssl skipped: netty-tcnative not available");
		}
		if (opensslVersion().startsWith("unavailable")) {
			results.skipped.add("openssl s_server skipped: no openssl command");
		}
		else {
			servers.add(Server.openssl("openssl-s_server", "openssl s_server (native reference)", certPem, keyPem));
		}

		if (!options.only.isEmpty()) {
			servers.removeIf((server) -> !options.only.contains(server.name));
		}
		boolean handshakePhase = options.phases.contains("handshake");
		boolean latencyPhase = options.phases.contains("latency");
		if (!handshakePhase && !latencyPhase) {
			servers.clear();
		}
		try {
			Server.startAll(servers, work);
			// a first handshake on each, so a broken server fails fast
			SSLSocketFactory factory = client.factory();
			for (Server server : servers) {
				for (String protocol : PROTOCOLS) {
					LoadClient.handshakeOnce(factory, server.port, protocol);
				}
			}
			if (options.warmupSeconds > 0) {
				for (Server server : servers) {
					if (server.jvm) {
						for (String protocol : PROTOCOLS) {
							log("warm-up " + server.name + " " + protocol);
							client.run(server.port, protocol, options.threads, options.warmupSeconds / PROTOCOLS.size());
						}
					}
				}
			}
			for (int round = 0; handshakePhase && round < options.rounds; round++) {
				for (int i = 0; i < servers.size(); i++) {
					Server server = servers.get((i + round) % servers.size());
					for (String protocol : PROTOCOLS) {
						double cpuBefore = server.cpuSeconds();
						LoadClient.Run run = client.run(server.port, protocol, options.threads, options.seconds);
						double cpu = server.cpuSeconds() - cpuBefore;
						Results.Round result = new Results.Round(run.handshakes(), run.errors(), run.nanos() / 1e9, cpu,
								LoadClient.percentile(run.latenciesNanos(), 50) / 1e6,
								LoadClient.percentile(run.latenciesNanos(), 99) / 1e6, run.firstError());
						results.series(server.name, server.description, protocol).rounds.add(result);
						log(String.format(Locale.ROOT, "round %d %-24s %s %8.1f hs/s %8.1f hs/cpu-s errors %d %s",
								round + 1, server.name, protocol, result.perSecond(), result.perCpuSecond(),
								run.errors(), run.firstError()));
					}
				}
			}
			if (latencyPhase) {
				latency(options, servers, client, results);
			}
		}
		finally {
			for (Server server : servers) {
				server.stop();
			}
		}
		try {
			if (options.phases.contains("pending")) {
				pending(options, p12, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("pending handshakes failed: " + ex);
			log("pending handshakes failed: " + ex);
		}
		try {
			if (options.phases.contains("bulk")) {
				bulk(options, p12, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("bulk echo failed: " + ex);
			log("bulk echo failed: " + ex);
		}
		results.meta.put("finished", Instant.now().toString());
		results.meta.put("loadAverageAtEnd", loadAverage());
		Files.createDirectories(options.out.toAbsolutePath().getParent());
		Files.writeString(options.out, results.json());
		return results;
	}

	/**
	 * Handshake latency at a fixed offered rate ({@link Options#rate}, open loop), every server and
	 * protocol, alternating rounds with the server order rotated; servers are already started and warm.
	 */
	static void latency(Options options, List<Server> servers, LoadClient client, Results results) throws Exception {
		for (int round = 0; round < options.rounds; round++) {
			for (int i = 0; i < servers.size(); i++) {
				Server server = servers.get((i + round) % servers.size());
				for (String protocol : PROTOCOLS) {
					double cpuBefore = server.cpuSeconds();
					LoadClient.OpenLoopRun run = client.openLoop(server.port, protocol, options.rate,
							options.latencySeconds);
					double cpu = server.cpuSeconds() - cpuBefore;
					results.latency(server.name, server.description, protocol).rounds.add(run);
					results.latency(server.name, server.description, protocol).cpuSeconds.add(cpu);
					long[] l = run.latenciesNanos();
					log(String.format(Locale.ROOT,
							"latency round %d %-24s %s offered %.0f/s achieved %6.1f/s p50 %6.1f p99 %6.1f max %6.1f ms"
									+ " server cpu %.2f s errors %d %s",
							round + 1, server.name, protocol, options.rate, run.achievedPerSecond(),
							LoadClient.percentile(l, 50) / 1e6, LoadClient.percentile(l, 99) / 1e6,
							(l.length > 0 ? l[l.length - 1] : -1) / 1e6, cpu, run.errors(), run.firstError()));
				}
			}
		}
	}

	/** Holds {@code count} half-ClientHellos open against a server and measures it meanwhile. */
	static void pending(Options options, Path p12, Path work, LoadClient client, Results results) throws Exception {
		List<Server> servers = new ArrayList<>();
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, recording on", p12,
				"tlsaccept:jdk:non-blocking:rec", "pending"));
		if (!options.smoke) {
			servers.add(Server.java(BASELINE, "raw JDK SSLServerSocket, thread per connection", p12, "raw-jdk", "pending"));
		}
		for (Server server : servers) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", server.name);
			entry.put("target", options.pending);
			server.start(work);
			List<SocketChannel> channels = new ArrayList<>();
			try {
				SSLSocketFactory factory = client.factory();
				for (int i = 0; i < (options.smoke ? 5 : 300); i++) {
					LoadClient.handshakeOnce(factory, server.port, "TLSv1.3");
				}
				entry.put("idleLatencyMs", latencies(factory, server.port, options.smoke ? 10 : 50));
				String error = "";
				ByteBuffer half = halfClientHello();
				long openStart = System.nanoTime();
				for (int i = 0; i < options.pending; i++) {
					try {
						SocketChannel channel = SocketChannel
							.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port));
						channels.add(channel);
						channel.write(half.duplicate());
					}
					catch (IOException ex) {
						error = ex.toString();
						break;
					}
				}
				entry.put("opened", channels.size());
				entry.put("openSeconds", (System.nanoTime() - openStart) / 1e9);
				if (!error.isEmpty()) {
					entry.put("openError", error);
				}
				Thread.sleep(options.smoke ? 300 : 2_000);
				long[] stats = server.stats();
				entry.put("serverThreads", stats[0]);
				entry.put("jvmThreads", stats[1]);
				entry.put("heapUsedMB", stats[2] / 1e6);
				entry.put("pendingReportedByServer", stats[3]);
				entry.put("processThreads", server.procStatus("Threads:"));
				entry.put("rssMB", server.procStatus("VmRSS:") / 1e3);
				entry.put("latencyMs", latencies(factory, server.port, options.smoke ? 10 : 50));
				log("pending " + entry);
			}
			finally {
				for (SocketChannel channel : channels) {
					try {
						channel.close();
					}
					catch (IOException ex) {
						// already gone
					}
				}
				server.stop();
			}
			results.pending.add(entry);
		}
	}

	static Map<String, Object> latencies(SSLSocketFactory factory, int port, int count) throws IOException {
		long[] took = new long[count];
		for (int i = 0; i < count; i++) {
			took[i] = LoadClient.handshakeOnce(factory, port, "TLSv1.3");
		}
		java.util.Arrays.sort(took);
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("p50", LoadClient.percentile(took, 50) / 1e6);
		latency.put("max", took[count - 1] / 1e6);
		return latency;
	}

	/** A TLS record header announcing a 512-byte ClientHello, and only its first 64 bytes. */
	static ByteBuffer halfClientHello() {
		ByteBuffer buffer = ByteBuffer.allocate(5 + 64);
		buffer.put(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
		buffer.put(new byte[] { 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03 });
		while (buffer.hasRemaining()) {
			buffer.put((byte) 0x42);
		}
		return buffer.flip();
	}

	/** Bulk echo over one TLS 1.3 connection, 16 KB writes, alternating servers. */
	static void bulk(Options options, Path p12, Path work, LoadClient client, Results results) throws Exception {
		List<Server> servers = new ArrayList<>();
		servers.add(Server.java(BASELINE, "raw JDK SSLSocket echo", p12, "raw-jdk", "echo"));
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, echo handler", p12,
				"tlsaccept:jdk:non-blocking:rec", "echo"));
		if (!options.smoke) {
			servers.add(Server.java("jdk-blocking", "tlsaccept jdk, blocking, echo handler", p12,
					"tlsaccept:jdk:blocking:rec", "echo"));
		}
		if (!options.smoke && NettyServer.available()) {
			servers.add(Server.java("netty-openssl", "Netty SslHandler on OpenSSL, echo handler", p12, "netty-openssl",
					"echo"));
		}
		if (!options.smoke && engineUnavailable("openssl") == null) {
			servers.add(Server.java("openssl-non-blocking", "tlsaccept openssl, non-blocking, echo handler", p12,
					"tlsaccept:openssl:non-blocking:rec", "echo"));
		}
		try {
			Server.startAll(servers, work);
			int rounds = Math.max(1, options.rounds);
			for (int round = 0; round < rounds; round++) {
				for (Server server : servers) {
					if (round == 0 && !options.smoke) {
						client.echo(server.port, options.bulkSeconds);
					}
					double cpuBefore = server.cpuSeconds();
					double mbPerSecond = client.echo(server.port, options.bulkSeconds);
					double cpu = server.cpuSeconds() - cpuBefore;
					results.bulk(server.name, server.description).add(new double[] { mbPerSecond, cpu });
					log(String.format(Locale.ROOT, "bulk round %d %-22s %8.1f MB/s server cpu %.2f s", round + 1,
							server.name, mbPerSecond, cpu));
				}
			}
		}
		finally {
			for (Server server : servers) {
				server.stop();
			}
		}
	}

	static String engineUnavailable(String name) {
		if (!TlsEngines.names().contains(name)) {
			return "not in TlsEngines.names() " + TlsEngines.names();
		}
		try {
			TlsEngine engine = TlsEngines.get(name);
			return engine.unavailabilityReason();
		}
		catch (RuntimeException | LinkageError ex) {
			return ex.toString();
		}
	}

	static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	static String opensslVersion() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
			String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor();
			return version;
		}
		catch (IOException | InterruptedException ex) {
			return "unavailable: " + ex;
		}
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	static void log(String message) {
		System.err.println("[bench " + Instant.now() + "] " + message);
	}

	/** A server process. */
	static final class Server {

		final String name;

		final String description;

		final boolean jvm;

		final List<String> command;

		Process process;

		int port;

		private BufferedReader stdout;

		private Writer stdin;

		private Server(String name, String description, boolean jvm, List<String> command) {
			this.name = name;
			this.description = description;
			this.jvm = jvm;
			this.command = command;
		}

		static Server java(String name, String description, Path p12, String kind, String... flags) {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			boolean pending = List.of(flags).contains("pending");
			command.add(pending ? "-Xmx2g" : "-Xmx512m");
			if (pending) {
				command.add("-Xss256k");
			}
			String extra = System.getenv("BENCH_SERVER_JVM_ARGS");
			if (extra != null && !extra.isBlank()) {
				command.addAll(List.of(extra.trim().split("\\s+")));
			}
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(ServerMain.class.getName());
			command.add(p12.toString());
			command.add(kind);
			command.addAll(List.of(flags));
			return new Server(name, description, true, command);
		}

		static Server openssl(String name, String description, Path cert, Path key) {
			List<String> command = List.of("openssl", "s_server", "-accept", "127.0.0.1:PORT", "-cert",
					cert.toString(), "-key", key.toString(), "-no-CAfile", "-no-CApath", "-no-CAstore", "-quiet");
			return new Server(name, description, false, command);
		}

		void start(Path work) throws Exception {
			launch(work);
			awaitReady(work);
		}

		static void startAll(List<Server> servers, Path work) throws Exception {
			for (Server server : servers) {
				server.launch(work);
			}
			for (Server server : servers) {
				server.awaitReady(work);
				log("started " + server.name + " on port " + server.port + " (pid " + server.process.pid() + ")");
			}
		}

		void launch(Path work) throws Exception {
			List<String> args = new ArrayList<>(this.command);
			if (!this.jvm) {
				this.port = freePort();
				args.replaceAll((arg) -> arg.replace("PORT", Integer.toString(this.port)));
			}
			ProcessBuilder builder = new ProcessBuilder(args)
				.redirectError(work.resolve(this.name + "-" + System.nanoTime() + ".log").toFile());
			this.process = builder.start();
			this.stdin = new java.io.OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
			this.stdout = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		}

		@SuppressWarnings("try") // the probe connection only has to open
		void awaitReady(Path work) throws Exception {
			if (this.jvm) {
				String line;
				while ((line = this.stdout.readLine()) != null && !line.startsWith("PORT ")) {
					// skip
				}
				if (line == null) {
					throw new IllegalStateException(this.name + " exited before listening: see " + work);
				}
				this.port = Integer.parseInt(line.substring(5).trim());
			}
			else {
				Thread drain = new Thread(() -> {
					try {
						this.process.getInputStream().transferTo(OutputStream.nullOutputStream());
					}
					catch (IOException ex) {
						// gone
					}
				}, "drain-" + this.name);
				drain.setDaemon(true);
				drain.start();
				long deadline = System.nanoTime() + 10_000_000_000L;
				while (true) {
					try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
						break;
					}
					catch (IOException ex) {
						if (System.nanoTime() > deadline || !this.process.isAlive()) {
							throw new IllegalStateException(this.name + " did not start: see " + work, ex);
						}
						Thread.sleep(50);
					}
				}
			}
		}

		/** User + system CPU seconds of the process, from /proc/PID/stat (clock ticks of 1/100 s). */
		double cpuSeconds() throws IOException {
			String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
		}

		long procStatus(String key) throws IOException {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.process.pid()), "status"))) {
				if (line.startsWith(key)) {
					return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
				}
			}
			return -1;
		}

		/** tlsaccept threads, JVM threads, heap used after GC, pending handshakes. */
		long[] stats() throws IOException {
			this.stdin.write("stats\n");
			this.stdin.flush();
			String line;
			while ((line = this.stdout.readLine()) != null && !line.startsWith("STATS ")) {
				// skip
			}
			if (line == null) {
				throw new IOException(this.name + " exited");
			}
			String[] parts = line.split(" ");
			return new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
					Long.parseLong(parts[4]) };
		}

		void stop() {
			if (this.process == null) {
				return;
			}
			try {
				if (this.jvm) {
					this.stdin.write("quit\n");
					this.stdin.flush();
				}
			}
			catch (IOException ex) {
				// gone
			}
			try {
				if (!this.jvm || !this.process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
					this.process.destroy();
					if (!this.process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
						this.process.destroyForcibly();
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.process.destroyForcibly();
			}
			this.process = null;
		}

		static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
		}

	}

}
