package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.peers.RawClient;

/**
 * Hostile-client workloads against a {@link TlsServer} on 127.0.0.1: a
 * mutated-ClientHello storm, slowloris, and connection floods beyond the limits. The
 * {@code Hostile*Tests} run them in a reduced size in {@code verify}; {@link #main} runs
 * them full size:
 *
 * <pre>
 * ./mvnw -q -B -o -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/test.classpath) \
 *   dev.tlsaccept.server.StressMain [storm=100000] [slowloris=5000] [flood=2000] [timeout=10] [modes=pair,...]
 * </pre>
 */
public final class StressMain {

	private StressMain() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Integer> sizes = new TreeMap<>(
				Map.of("storm", 100_000, "slowloris", 5_000, "flood", 2_000, "timeout", 10));
		List<BioMode> modes = List.of(BioMode.values());
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			if (pair[0].equals("modes")) {
				modes = Arrays.stream(pair[1].split(",")).map(StressMain::mode).toList();
			}
			else {
				sizes.put(pair[0], Integer.parseInt(pair[1]));
			}
		}
		System.out.println("StressMain " + sizes + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, JDK "
				+ Runtime.version());
		boolean ok = true;
		try (Watch watch = Watch.start()) {
			for (BioMode mode : modes) {
				if (sizes.get("storm") > 0) {
					Duration timeout = Duration.ofSeconds(sizes.get("timeout"));
					StormReport storm = storm(mode, sizes.get("storm"), 8, 42, timeout);
					System.out.println(storm);
					ok &= storm.clean();
				}
				if (sizes.get("slowloris") > 0) {
					SlowlorisReport slow = slowloris(mode, sizes.get("slowloris"), 1_000, 30);
					System.out.println(slow);
					ok &= slow.clean();
				}
				if (sizes.get("flood") > 0) {
					// the selector modes do not refuse past max-pending-handshakes: they
					// cut the most silent
					// handshake instead (HostileFloodTests, OverloadScenario)
					if (mode == BioMode.BLOCKING) {
						FloodReport pending = flood(mode, Limit.MAX_PENDING_HANDSHAKES, sizes.get("flood"), 8);
						System.out.println(pending);
						ok &= pending.clean();
					}
					FloodReport connections = flood(mode, Limit.MAX_CONNECTIONS, sizes.get("flood"), 8);
					System.out.println(connections);
					ok &= connections.clean();
				}
			}
			System.out.println("uncaught exceptions: " + watch.uncaught().size() + ", logged throwables: "
					+ watch.logged().size() + ", 'Exception in thread' on stderr: " + watch.exceptionInThread());
			ok &= watch.clean();
		}
		System.out.println(ok ? "STRESS OK" : "STRESS FAILED");
		System.exit(ok ? 0 : 1);
	}

	private static BioMode mode(String name) {
		return Arrays.stream(BioMode.values())
			.filter((mode) -> mode.configName().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("modes: blocking, non-blocking, pair; was " + name));
	}

	// ------------------------------------------------------------------ resources

	/**
	 * What the JVM holds: live threads, open file descriptors, direct buffer memory.
	 */
	record Resources(int threads, long fds, long directBytes) {

		static Resources now() {
			return new Resources(ManagementFactory.getThreadMXBean().getThreadCount(), countFds(), directMemoryUsed());
		}

		private static long countFds() {
			try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
				return fds.count();
			}
			catch (IOException ex) {
				return -1;
			}
		}

		private static long directMemoryUsed() {
			return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
				.stream()
				.filter((pool) -> pool.getName().equals("direct"))
				.mapToLong(BufferPoolMXBean::getMemoryUsed)
				.sum();
		}

		boolean within(Resources baseline) {
			return this.threads <= baseline.threads && this.fds <= baseline.fds + FD_SLACK
					&& this.directBytes <= baseline.directBytes + DIRECT_SLACK;
		}

		/**
		 * Wait (bounded, 15 s) for the resources to come back to the baseline, collecting
		 * garbage so that closed sockets' direct buffers are released; the last snapshot
		 * either way.
		 */
		static Resources awaitBackTo(Resources baseline) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			Resources now = now();
			while (!now.within(baseline) && System.nanoTime() - deadline < 0) {
				System.gc();
				pause(50);
				now = now();
			}
			return now;
		}

	}

	/**
	 * Open file descriptors allowed above the baseline (JIT, class loading, GC may open a
	 * few).
	 */
	static final int FD_SLACK = 4;

	/** Direct memory allowed above the baseline. */
	static final long DIRECT_SLACK = 4L * 1024 * 1024;

	// ------------------------------------------------------------------ storm

	record StormReport(BioMode mode, int sent, long events, Map<String, Long> byCodeAndError,
			Map<String, Long> byReason, long legitOk, long legitFailed, long legitOkDuringStorm, Latency legitLatency,
			Latency legitCycle, long stormMillis, List<String> unexpected, Resources before, Resources after) {

		boolean clean() {
			return this.events == this.sent + this.legitOk + this.legitFailed && this.legitFailed == 0
					&& this.legitOkDuringStorm > 0 && this.unexpected.isEmpty() && this.after.within(this.before);
		}

		@Override
		public String toString() {
			return "storm[" + this.mode.configName() + "]: " + this.sent + " mutated hellos in " + this.stormMillis
					+ " ms (" + (this.sent * 1000L / Math.max(1, this.stormMillis)) + "/s), events " + this.events
					+ ", storm results " + this.byCodeAndError + ", by reason " + this.byReason + ", legit ok "
					+ this.legitOk + " (during storm " + this.legitOkDuringStorm + ") failed " + this.legitFailed
					+ ", legit handshake " + this.legitLatency + " with close " + this.legitCycle + ", unexpected "
					+ this.unexpected + ", resources before " + this.before + " after " + this.after;
		}

	}

	/**
	 * Send {@code count} mutated ClientHellos from {@code clientThreads} threads while a
	 * JDK client keeps handshaking; each storm connection writes its bytes, half-closes
	 * and reads until the server closes (a reset on close, so that no TIME_WAIT piles
	 * up).
	 */
	static StormReport storm(BioMode mode, int count, int clientThreads, long seed, Duration handshakeTimeout)
			throws Exception {
		Resources before = Resources.now();
		Map<String, LongAdder> byCodeAndError = new ConcurrentHashMap<>();
		Map<String, LongAdder> byReason = new ConcurrentHashMap<>();
		LongAdder events = new LongAdder();
		LongAdder successes = new LongAdder();
		ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
		HandshakeObserver observer = (event) -> {
			events.increment();
			if (event.result().isSuccess()) {
				successes.increment();
				return;
			}
			SslError error = event.result().error();
			int code = event.result().code();
			byCodeAndError.computeIfAbsent(code + " " + error, (key) -> new LongAdder()).increment();
			byReason.computeIfAbsent(code + " " + error + " " + event.result().reason(), (key) -> new LongAdder())
				.increment();
			boolean expected = (code == 0 || code == -1) && (error == SslError.SSL || error == SslError.SYSCALL
					|| error == SslError.ZERO_RETURN || error == SslError.NONE);
			if (!expected && unexpected.size() < 20) {
				unexpected.add(event.result().toString());
			}
		};
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("storm-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build();
		long stormMillis;
		long legitOkDuringStorm;
		LegitClient legit;
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(handshakeTimeout), observer, null)) {
			server.start();
			InetSocketAddress address = new InetSocketAddress(ServerFixtures.LOOPBACK, server.port());
			legit = new LegitClient(server, 20);
			LegitClient interleaved = legit;
			legit.start();
			byte[] hello = RawClient.clientHello();
			AtomicInteger next = new AtomicInteger();
			ExecutorService clients = Executors.newFixedThreadPool(clientThreads);
			long start = System.nanoTime();
			long legitBefore = legit.ok.sum();
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < clientThreads; t++) {
					done.add(clients.submit(() -> {
						int i;
						while ((i = next.getAndIncrement()) < count) {
							if (i >= count / 2) {
								// the second half waits for legit handshakes during the
								// storm
								awaitQuietly(Duration.ofSeconds(20),
										() -> interleaved.ok.sum() + interleaved.failed.sum() >= legitBefore + 2);
							}
							sendGarbage(address, mutate(hello, new Random(seed * 1_000_003L + i)));
						}
						return null;
					}));
				}
				for (Future<?> future : done) {
					future.get(30, TimeUnit.MINUTES);
				}
			}
			finally {
				clients.shutdownNow();
				clients.awaitTermination(10, TimeUnit.SECONDS);
			}
			stormMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			legitOkDuringStorm = legit.ok.sum();
			legit.stop();
			long expected = count + legit.ok.sum() + legit.failed.sum();
			awaitQuietly(Duration.ofSeconds(30),
					() -> events.sum() >= expected && server.stats().openConnections() == 0);
		}
		Resources after = Resources.awaitBackTo(before);
		Map<String, Long> counts = new TreeMap<>();
		byCodeAndError.forEach((key, value) -> counts.put(key, value.sum()));
		Map<String, Long> reasons = new TreeMap<>();
		byReason.forEach((key, value) -> reasons.put(key, value.sum()));
		List<String> problems = new ArrayList<>(unexpected);
		problems.addAll(legit.failures);
		Latency latency = legit.nanos.isEmpty() ? new Latency(0, 0, 0, 0) : Latency.of(legit.nanos);
		return new StormReport(mode, count, events.sum(), counts, reasons, legit.ok.sum(), legit.failed.sum(),
				legitOkDuringStorm, latency, legit.cycles.isEmpty() ? latency : Latency.of(legit.cycles), stormMillis,
				problems, before, after);
	}

	/**
	 * A mutation of a real ClientHello: flipped bytes, a bad length field, truncation,
	 * extension, insertion, a duplicated hello, or pure garbage.
	 */
	static byte[] mutate(byte[] hello, Random random) {
		byte[] bytes = hello.clone();
		switch (random.nextInt(8)) {
			case 0 -> {
				int flips = 1 + random.nextInt(8);
				for (int f = 0; f < flips; f++) {
					bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
				}
			}
			case 1 -> {
				// a length field: the record's (3..4), the handshake's (6..8), or any two
				// bytes
				int[] at = { 3, 6, 7, 1 + random.nextInt(bytes.length - 2) };
				int position = at[random.nextInt(at.length)];
				bytes[position] = (byte) random.nextInt(256);
				bytes[position + 1] = (byte) random.nextInt(256);
			}
			case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
			case 3 -> {
				byte[] extended = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(2048));
				for (int i = bytes.length; i < extended.length; i++) {
					extended[i] = (byte) random.nextInt(256);
				}
				bytes = extended;
			}
			case 4 -> {
				int position = random.nextInt(bytes.length);
				byte[] inserted = new byte[1 + random.nextInt(64)];
				random.nextBytes(inserted);
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				out.write(bytes, 0, position);
				out.writeBytes(inserted);
				out.write(bytes, position, bytes.length - position);
				bytes = out.toByteArray();
			}
			case 5 -> {
				byte[] twice = Arrays.copyOf(bytes, bytes.length * 2);
				System.arraycopy(bytes, 0, twice, bytes.length, bytes.length);
				twice[bytes.length + random.nextInt(bytes.length)] ^= (byte) 0x5A;
				bytes = twice;
			}
			case 6 -> {
				bytes = new byte[random.nextInt(4096)];
				random.nextBytes(bytes);
			}
			default -> {
				// a handshake record header with garbage inside
				byte[] garbage = new byte[5 + random.nextInt(600)];
				random.nextBytes(garbage);
				System.arraycopy(bytes, 0, garbage, 0, 5);
				bytes = garbage;
			}
		}
		return bytes;
	}

	private static void sendGarbage(InetSocketAddress address, byte[] bytes) {
		try (Socket socket = new Socket()) {
			socket.connect(address, 5_000);
			socket.setSoTimeout(5_000);
			try {
				socket.getOutputStream().write(bytes);
				socket.shutdownOutput();
				InputStream in = socket.getInputStream();
				byte[] buffer = new byte[4096];
				while (in.read(buffer) >= 0) {
					// until the server closes
				}
			}
			catch (IOException ex) {
				// reset or read timeout: the server's side is what the observer records
			}
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// connect failed: counted by the missing event
		}
	}

	/**
	 * A JDK client that handshakes in a loop (TLS 1.3 and 1.2 alternately) until stopped.
	 */
	static final class LegitClient {

		final LongAdder ok = new LongAdder();

		final LongAdder failed = new LongAdder();

		final List<String> failures = Collections.synchronizedList(new ArrayList<>());

		final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());

		final List<Long> cycles = Collections.synchronizedList(new ArrayList<>());

		private final TlsServer server;

		private final long pauseMillis;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		LegitClient(TlsServer server, long pauseMillis) throws Exception {
			this.server = server;
			this.pauseMillis = pauseMillis;
			SSLContext context = ServerFixtures.clientContext(ServerFixtures.keys());
			this.thread = new Thread(() -> {
				int i = 0;
				while (this.running.get()) {
					long cycleStart = System.nanoTime();
					try {
						long cycle = System.nanoTime();
						this.nanos.add(handshake(context, this.server, (i++ % 2 == 0) ? "TLSv1.3" : "TLSv1.2"));
						this.cycles.add(System.nanoTime() - cycle);
						this.ok.increment();
					}
					catch (Exception ex) {
						this.failed.increment();
						if (this.failures.size() < 10) {
							long millis = (System.nanoTime() - cycleStart) / 1_000_000;
							this.failures.add("legit client after " + millis + " ms: " + ex);
						}
					}
					pause(this.pauseMillis);
				}
			}, "hostile-legit-client");
		}

		void start() {
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

	}

	/**
	 * One full JDK client handshake; the time it took, in nanoseconds.
	 */
	static long handshake(SSLContext context, TlsServer server, String protocol) throws IOException {
		long start = System.nanoTime();
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, server.port()), 5_000);
			socket.setSoTimeout(10_000);
			socket.setEnabledProtocols(new String[] { protocol });
			socket.startHandshake();
			long took = System.nanoTime() - start;
			socket.setSoLinger(true, 0);
			return took;
		}
	}

	// ------------------------------------------------------------------ slowloris

	record SlowlorisReport(BioMode mode, int total, long timedOut, long otherEvents, List<String> unexpected,
			long cutMinMillis, long cutMaxMillis, long notCut, Latency idle, Latency duringTrickle, long legitFailed,
			Resources before, Resources after) {

		boolean clean() {
			return this.timedOut == this.total && this.unexpected.isEmpty() && this.notCut == 0 && this.legitFailed == 0
					&& withinThreeTimesIdle() && this.after.within(this.before);
		}

		/**
		 * The bound: a legit client's p99 during the trickle stays within 3x its
		 * idle p99.
		 */
		boolean withinThreeTimesIdle() {
			return this.duringTrickle.p99() <= 3 * this.idle.p99();
		}

		@Override
		public String toString() {
			return "slowloris[" + this.mode.configName() + "]: " + this.total + " trickling connections, "
					+ this.timedOut + " recorded as '-1 SYSCALL handshake timed out', other events " + this.otherEvents
					+ ", cut after " + this.cutMinMillis + ".." + this.cutMaxMillis + " ms, not cut " + this.notCut
					+ ", legit handshake idle " + this.idle + " during trickle " + this.duringTrickle
					+ " (within 3x idle: " + withinThreeTimesIdle() + "), legit failed " + this.legitFailed
					+ ", unexpected " + this.unexpected + ", resources before " + this.before + " after " + this.after;
		}

	}

	/**
	 * p50 / p99 / max of a few handshake latencies, in milliseconds.
	 */
	record Latency(int samples, double p50, double p99, double max) {

		static Latency of(List<Long> nanos) {
			List<Long> sorted = new ArrayList<>(nanos);
			Collections.sort(sorted);
			return new Latency(sorted.size(), millis(sorted, 0.50), millis(sorted, 0.99),
					sorted.get(sorted.size() - 1) / 1e6);
		}

		private static double millis(List<Long> sorted, double quantile) {
			int index = (int) Math.ceil(quantile * sorted.size()) - 1;
			return sorted.get(Math.max(0, index)) / 1e6;
		}

		@Override
		public String toString() {
			return String.format("p50 %.1f ms p99 %.1f ms max %.1f ms (n=%d)", this.p50, this.p99, this.max,
					this.samples);
		}

	}

	/**
	 * {@code total} connections that each trickle one byte of a ClientHello every 200 ms,
	 * at most {@code concurrent} at once, against a listener with a 1 s handshake
	 * timeout; a JDK client's handshake latency is sampled idle first, then while the
	 * trickle runs.
	 */
	static SlowlorisReport slowloris(BioMode mode, int total, int concurrent, int samples) throws Exception {
		Duration timeout = Duration.ofSeconds(1);
		long trickleMillis = 200;
		Resources before = Resources.now();
		LongAdder timedOut = new LongAdder();
		LongAdder other = new LongAdder();
		ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
		HandshakeObserver observer = (event) -> {
			if (event.result().isSuccess()) {
				return;
			}
			if (event.result().code() == -1 && event.result().error() == SslError.SYSCALL
					&& "handshake timed out".equals(event.result().reason())) {
				timedOut.increment();
			}
			else {
				other.increment();
				if (unexpected.size() < 20) {
					unexpected.add(event.result().toString());
				}
			}
		};
		TlsServerSettings settings = TlsServerSettings
			.builder(ServerFixtures.uniqueName("slowloris-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.maxPendingHandshakes(concurrent + 100)
			.maxConnections(concurrent + 200)
			.build();
		byte[] hello = RawClient.clientHello();
		Latency idle;
		Latency during;
		long legitFailed = 0;
		Trickle trickle;
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(timeout), observer, null)) {
			server.start();
			SSLContext context = ServerFixtures.clientContext(ServerFixtures.keys());
			for (int i = 0; i < 5; i++) {
				handshake(context, server, "TLSv1.3");
			}
			List<Long> idleNanos = new ArrayList<>();
			for (int i = 0; i < samples; i++) {
				idleNanos.add(handshake(context, server, "TLSv1.3"));
			}
			idle = Latency.of(idleNanos);
			trickle = new Trickle(new InetSocketAddress(ServerFixtures.LOOPBACK, server.port()), hello, total,
					concurrent, trickleMillis);
			trickle.start();
			ServerFixtures.await(Duration.ofSeconds(60), "the trickle to reach " + concurrent + " connections",
					() -> trickle.open.get() >= Math.min(concurrent, total) || trickle.failure != null);
			List<Long> duringNanos = new ArrayList<>();
			while (duringNanos.size() < samples && !trickle.finished.get()) {
				try {
					duringNanos.add(handshake(context, server, "TLSv1.3"));
				}
				catch (IOException ex) {
					legitFailed++;
				}
			}
			during = duringNanos.isEmpty() ? new Latency(0, 0, 0, 0) : Latency.of(duringNanos);
			trickle.join();
			awaitQuietly(Duration.ofSeconds(30), () -> timedOut.sum() + other.sum() >= total);
		}
		Resources after = Resources.awaitBackTo(before);
		List<String> problems = new ArrayList<>(unexpected);
		if (trickle.failure != null) {
			problems.add("trickle: " + trickle.failure);
		}
		return new SlowlorisReport(mode, total, timedOut.sum(), other.sum(), problems, trickle.cutMin.get(),
				trickle.cutMax.get(), trickle.notCut.get(), idle, during, legitFailed, before, after);
	}

	/**
	 * One thread that keeps {@code concurrent} non-blocking connections open, writing the
	 * next byte of the hello to each every {@code trickleMillis}, until {@code total}
	 * were opened and each was closed by the server (or trickled its whole hello: "not
	 * cut").
	 */
	static final class Trickle extends Thread {

		final AtomicInteger open = new AtomicInteger();

		final AtomicBoolean finished = new AtomicBoolean();

		final AtomicLong cutMin = new AtomicLong(Long.MAX_VALUE);

		final AtomicLong cutMax = new AtomicLong();

		final AtomicLong notCut = new AtomicLong();

		volatile Throwable failure;

		private final InetSocketAddress address;

		private final byte[] hello;

		private final int total;

		private final int concurrent;

		private final long trickleMillis;

		Trickle(InetSocketAddress address, byte[] hello, int total, int concurrent, long trickleMillis) {
			super("hostile-slowloris");
			this.address = address;
			this.hello = hello;
			this.total = total;
			this.concurrent = concurrent;
			this.trickleMillis = trickleMillis;
		}

		private record Slow(SocketChannel channel, long openedNanos, int[] sent) {
		}

		@Override
		public void run() {
			List<Slow> slow = new ArrayList<>();
			int opened = 0;
			ByteBuffer sink = ByteBuffer.allocate(1024);
			try {
				while (opened < this.total || !slow.isEmpty()) {
					long tick = System.nanoTime();
					while (opened < this.total && slow.size() < this.concurrent) {
						SocketChannel channel = SocketChannel.open(this.address);
						channel.configureBlocking(false);
						slow.add(new Slow(channel, System.nanoTime(), new int[1]));
						opened++;
					}
					this.open.set(slow.size());
					for (Iterator<Slow> it = slow.iterator(); it.hasNext();) {
						Slow s = it.next();
						boolean closed;
						try {
							sink.clear();
							closed = s.channel.read(sink) < 0;
							if (!closed && s.sent[0] < this.hello.length) {
								s.channel.write(ByteBuffer.wrap(this.hello, s.sent[0], 1));
								s.sent[0]++;
							}
							else if (!closed) {
								this.notCut.incrementAndGet();
								closed = true;
							}
						}
						catch (IOException ex) {
							closed = true;
						}
						if (closed) {
							long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.openedNanos);
							this.cutMin.accumulateAndGet(millis, Math::min);
							this.cutMax.accumulateAndGet(millis, Math::max);
							s.channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
							s.channel.close();
							it.remove();
						}
					}
					long left = this.trickleMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tick);
					if (left > 0) {
						pause(left);
					}
				}
			}
			catch (Throwable ex) {
				this.failure = ex;
				for (Slow s : slow) {
					try {
						s.channel.close();
					}
					catch (IOException ignored) {
						// best effort
					}
				}
			}
			finally {
				this.open.set(0);
				this.finished.set(true);
			}
		}

	}

	// ------------------------------------------------------------------ floods

	enum Limit {

		MAX_PENDING_HANDSHAKES, MAX_CONNECTIONS

	}

	record FloodReport(BioMode mode, Limit limit, int flooded, long refusedInStats, long refusedEvents, long notRefused,
			Latency refusalTime, boolean keptWorking, boolean legitAfterwards, Resources before, Resources after) {

		boolean clean() {
			return this.refusedInStats == this.flooded && this.refusedEvents == this.flooded && this.notRefused == 0
					&& this.keptWorking && this.legitAfterwards && this.after.within(this.before);
		}

		@Override
		public String toString() {
			return "flood[" + this.mode.configName() + ", " + this.limit + "]: " + this.flooded
					+ " connections, refused " + this.refusedInStats + " (stats) " + this.refusedEvents
					+ " (events), not refused " + this.notRefused + ", connect-to-close " + this.refusalTime
					+ ", holders kept working " + this.keptWorking + ", legit afterwards " + this.legitAfterwards
					+ ", resources before " + this.before + " after " + this.after;
		}

	}

	static final int FLOOD_LIMIT = 4;

	/**
	 * Fill the limit ({@value #FLOOD_LIMIT} stalled handshakes, or {@value #FLOOD_LIMIT}
	 * established echo connections), then open {@code count} more connections from
	 * {@code threads} threads: each must be closed at once, without a TLS byte.
	 */
	static FloodReport flood(BioMode mode, Limit limit, int count, int threads) throws Exception {
		Resources before = Resources.now();
		String reason = (limit == Limit.MAX_PENDING_HANDSHAKES)
				? "refused: max-pending-handshakes (" + FLOOD_LIMIT + ") reached"
				: "refused: max-connections (" + FLOOD_LIMIT + ") reached";
		LongAdder refusedEvents = new LongAdder();
		HandshakeObserver observer = (event) -> {
			if (event.result().code() == -1 && event.result().error() == SslError.SYSCALL
					&& reason.equals(event.result().reason())) {
				refusedEvents.increment();
			}
		};
		TlsServerSettings.Builder builder = TlsServerSettings
			.builder(ServerFixtures.uniqueName("flood-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode);
		if (limit == Limit.MAX_PENDING_HANDSHAKES) {
			builder.maxPendingHandshakes(FLOOD_LIMIT);
		}
		else {
			builder.maxConnections(FLOOD_LIMIT);
		}
		TlsConnectionHandler echo = (connection) -> connection.inputStream().transferTo(connection.outputStream());
		List<Long> refusalNanos = Collections.synchronizedList(new ArrayList<>());
		LongAdder notRefused = new LongAdder();
		long refusedInStats;
		boolean keptWorking;
		boolean legitAfterwards;
		try (TlsServer server = new TlsServer(builder.build(), ServerFixtures.context(), observer, echo)) {
			server.start();
			SSLContext context = ServerFixtures.clientContext(ServerFixtures.keys());
			List<Socket> holders = new ArrayList<>();
			try {
				for (int i = 0; i < FLOOD_LIMIT; i++) {
					if (limit == Limit.MAX_PENDING_HANDSHAKES) {
						Socket stalled = ServerFixtures.raw(server);
						stalled.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01 });
						holders.add(stalled);
					}
					else {
						holders.add(ServerFixtures.connect(server, "TLSv1.3"));
					}
				}
				Predicate<TlsServerStats> full = (limit == Limit.MAX_PENDING_HANDSHAKES)
						? (stats) -> stats.pendingHandshakes() == FLOOD_LIMIT
						: (stats) -> stats.openConnections() == FLOOD_LIMIT && stats.pendingHandshakes() == 0;
				ServerFixtures.await(Duration.ofSeconds(10), "the limit to be reached",
						() -> full.test(server.stats()));
				InetSocketAddress address = new InetSocketAddress(ServerFixtures.LOOPBACK, server.port());
				ExecutorService flooders = Executors.newFixedThreadPool(threads);
				CountDownLatch go = new CountDownLatch(1);
				AtomicInteger next = new AtomicInteger();
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					done.add(flooders.submit(() -> {
						go.await();
						while (next.getAndIncrement() < count) {
							Long took = refusal(address);
							if (took != null) {
								refusalNanos.add(took);
							}
							else {
								notRefused.increment();
							}
						}
						return null;
					}));
				}
				go.countDown();
				for (Future<?> future : done) {
					future.get(10, TimeUnit.MINUTES);
				}
				flooders.shutdown();
				flooders.awaitTermination(10, TimeUnit.SECONDS);
				Predicate<TlsServerStats> counted = (limit == Limit.MAX_PENDING_HANDSHAKES)
						? (stats) -> stats.refusedMaxPendingHandshakes() >= count
						: (stats) -> stats.refusedMaxConnections() >= count;
				awaitQuietly(Duration.ofSeconds(10),
						() -> counted.test(server.stats()) && refusedEvents.sum() >= count);
				refusedInStats = (limit == Limit.MAX_PENDING_HANDSHAKES) ? server.stats().refusedMaxPendingHandshakes()
						: server.stats().refusedMaxConnections();
				keptWorking = full.test(server.stats()) && holdersWork(limit, holders);
			}
			finally {
				for (Socket holder : holders) {
					holder.close();
				}
			}
			awaitQuietly(Duration.ofSeconds(10), () -> server.stats().openConnections() == 0);
			legitAfterwards = tryHandshake(context, server);
		}
		Resources after = Resources.awaitBackTo(before);
		Latency latency = refusalNanos.isEmpty() ? new Latency(0, 0, 0, 0) : Latency.of(refusalNanos);
		return new FloodReport(mode, limit, count, refusedInStats, refusedEvents.sum(), notRefused.sum(), latency,
				keptWorking, legitAfterwards, before, after);
	}

	/**
	 * Connect and wait for the server to close without a byte: the time from connect to
	 * close, or {@code null} when the server sent something or kept the connection for 5
	 * s.
	 */
	private static Long refusal(InetSocketAddress address) {
		try (Socket socket = new Socket()) {
			long start = System.nanoTime();
			socket.connect(address, 5_000);
			socket.setSoTimeout(5_000);
			try {
				int read = socket.getInputStream().read();
				socket.setSoLinger(true, 0);
				return (read == -1) ? System.nanoTime() - start : null;
			}
			catch (java.net.SocketTimeoutException ex) {
				return null;
			}
			catch (IOException ex) {
				// reset: refused as well
				return System.nanoTime() - start;
			}
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean holdersWork(Limit limit, List<Socket> holders) throws IOException {
		if (limit == Limit.MAX_PENDING_HANDSHAKES) {
			// stalled handshakes are still pending: the server has not closed them
			for (Socket holder : holders) {
				if (holder.isClosed() || holder.getInputStream().available() > 0) {
					return false;
				}
			}
			return true;
		}
		for (Socket holder : holders) {
			holder.getOutputStream().write(42);
			holder.getOutputStream().flush();
			if (holder.getInputStream().read() != 42) {
				return false;
			}
		}
		return true;
	}

	private static boolean tryHandshake(SSLContext context, TlsServer server) {
		try {
			handshake(context, server, "TLSv1.3");
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	// ------------------------------------------------------------------ helpers

	/**
	 * Collects uncaught exceptions (a default handler), throwables logged through
	 * {@code java.util.logging} (where {@code System.Logger} goes), and watches stderr
	 * for "Exception in thread"; {@link #close()} restores all three.
	 */
	static final class Watch implements AutoCloseable {

		private final Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();

		private final PrintStream previousErr = System.err;

		private final ByteArrayOutputStream err = new ByteArrayOutputStream();

		private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());

		private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());

		private final Handler handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				if (record.getThrown() != null || record.getLevel().intValue() >= Level.SEVERE.intValue()) {
					Watch.this.logged.add(record);
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};

		private Watch() {
		}

		static Watch start() {
			Watch watch = new Watch();
			Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> watch.uncaught.add(ex));
			Logger.getLogger("").addHandler(watch.handler);
			System.setErr(new PrintStream(new TeeStream(watch.previousErr, watch.err), true));
			return watch;
		}

		List<Throwable> uncaught() {
			return List.copyOf(this.uncaught);
		}

		List<String> logged() {
			synchronized (this.logged) {
				return this.logged.stream()
					.map((r) -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown())
					.toList();
			}
		}

		boolean exceptionInThread() {
			synchronized (this.err) {
				return this.err.toString().contains("Exception in thread");
			}
		}

		boolean clean() {
			return this.uncaught.isEmpty() && this.logged.isEmpty() && !exceptionInThread();
		}

		@Override
		public void close() {
			System.setErr(this.previousErr);
			Logger.getLogger("").removeHandler(this.handler);
			Thread.setDefaultUncaughtExceptionHandler(this.previousHandler);
		}

	}

	private static final class TeeStream extends java.io.OutputStream {

		private final java.io.OutputStream first;

		private final ByteArrayOutputStream second;

		TeeStream(java.io.OutputStream first, ByteArrayOutputStream second) {
			this.first = first;
			this.second = second;
		}

		@Override
		public void write(int b) throws IOException {
			this.first.write(b);
			synchronized (this.second) {
				this.second.write(b);
			}
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			this.first.write(b, off, len);
			synchronized (this.second) {
				this.second.write(b, off, len);
			}
		}

	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait (bounded) for a condition, without failing: the caller asserts on what it
	 * sees.
	 */
	static void awaitQuietly(Duration timeout, java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
			pause(10);
		}
	}

}
