package dev.tlsaccept.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A benchmark server process: a {@link ServerMain} JVM or {@code openssl s_server}. */
final class Server {

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
		boolean pending = List.of(flags).contains("pending");
		List<String> jvmArgs = pending ? List.of("-Xmx2g", "-Xss256k") : List.of("-Xmx512m");
		return java(Path.of(System.getProperty("java.home")), jvmArgs, name, description, p12, kind, flags);
	}

	/**
	 * A {@link ServerMain} on a given JDK with given JVM options.
	 * @param javaHome the JDK, e.g. a JDK 25 for virtual threads
	 * @param jvmArgs e.g. {@code -Xmx1g}
	 */
	static Server java(Path javaHome, List<String> jvmArgs, String name, String description, Path p12, String kind,
			String... flags) {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.addAll(jvmArgs);
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
		List<String> command = List.of("openssl", "s_server", "-accept", "127.0.0.1:PORT", "-cert", cert.toString(),
				"-key", key.toString(), "-no-CAfile", "-no-CApath", "-no-CAstore", "-quiet");
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
			Main.log("started " + server.name + " on port " + server.port + " (pid " + server.process.pid() + ")");
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

	/**
	 * User + system CPU seconds of the process, from /proc/PID/stat (clock ticks of 1/100
	 * s).
	 */
	double cpuSeconds() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
	}

	/**
	 * The resident set once the JVM has given back what the last GC uncommitted (G1
	 * uncommits concurrently since JDK 17, moments after the GC): read until two reads
	 * 500 ms apart agree within 1 MB, 5 s at most.
	 * @return VmRSS in kB
	 */
	long settledRss() throws IOException, InterruptedException {
		long previous = procStatus("VmRSS:");
		for (int i = 0; i < 10; i++) {
			Thread.sleep(500);
			long now = procStatus("VmRSS:");
			if (Math.abs(now - previous) < 1024) {
				return now;
			}
			previous = now;
		}
		return previous;
	}

	long procStatus(String key) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.process.pid()), "status"))) {
			if (line.startsWith(key)) {
				return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
			}
		}
		return -1;
	}

	/**
	 * tlsaccept threads, JVM threads, heap used after GC, pending handshakes, direct
	 * buffer bytes, heap committed after GC.
	 */
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
				Long.parseLong(parts[4]), Long.parseLong(parts[5]), Long.parseLong(parts[6]) };
	}

	/**
	 * Successful handshakes the server recorded as resumed and as full (tlsaccept servers
	 * with recording on).
	 */
	long[] resumedCounts() throws IOException {
		this.stdin.write("resumed\n");
		this.stdin.flush();
		String line;
		while ((line = this.stdout.readLine()) != null && !line.startsWith("RESUMED ")) {
			// skip
		}
		if (line == null) {
			throw new IOException(this.name + " exited");
		}
		String[] parts = line.split(" ");
		return new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) };
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
