package dev.tlsaccept.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.peers.RawClient;

/**
 * Legitimate clients under attack: reconnecting slowloris connections (one ClientHello
 * byte per tick, reconnecting as soon as they are cut) and mutated-ClientHello garbage,
 * from attacker addresses or from the legitimate client's own, while a real
 * {@code openssl s_client} handshakes every 0.5 s. Reports how every legitimate handshake
 * went and what the server cut and refused. Run at full size with {@link #main}:
 * {@code slowloris=1200 garbageThreads=4 seconds=40}.
 */
final class OverloadScenario {

	/**
	 * What to run.
	 *
	 * @param mode the server's BIO mode
	 * @param maxPending the server's {@code max-pending-handshakes}
	 * @param handshakeTimeout the server's handshake timeout
	 * @param slowloris reconnecting slowloris connections held at once
	 * @param garbageThreads threads sending mutated hellos back to back
	 * @param duration how long the attack lasts
	 * @param attackersFromLegitAddress whether the attackers use 127.0.0.1 (the legit
	 * client's address) instead of 127.0.0.2-9
	 */
	record Options(BioMode mode, int maxPending, Duration handshakeTimeout, int slowloris, int garbageThreads,
			Duration duration, boolean attackersFromLegitAddress) {
	}

	record Report(Options options, int legitTotal, int legitFailed, List<String> legitFailures, long legitMaxMillis,
			long legitP50Millis, long slowlorisConnects, long garbageSent, Map<String, Long> reasons,
			TlsServerStats stats, StressMain.Resources before, StressMain.Resources after) {

		@Override
		public String toString() {
			return "OverloadReport[" + this.options + ": legit " + (this.legitTotal - this.legitFailed) + "/"
					+ this.legitTotal + " ok, p50 " + this.legitP50Millis + " ms, max " + this.legitMaxMillis
					+ " ms, failures " + this.legitFailures + "; slowloris connects " + this.slowlorisConnects
					+ ", garbage hellos " + this.garbageSent + "; " + this.stats + "; reasons " + this.reasons
					+ "; resources " + this.before + " -> " + this.after + "]";
		}

	}

	private OverloadScenario() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> values = new TreeMap<>(Map.of("slowloris", "1200", "garbageThreads", "4", "seconds", "40",
				"maxPending", "1000", "timeout", "2"));
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			values.put(pair[0], pair[1]);
		}
		for (boolean fromLegit : new boolean[] { false, true }) {
			Options options = new Options(BioMode.NON_BLOCKING, Integer.parseInt(values.get("maxPending")),
					Duration.ofSeconds(Long.parseLong(values.get("timeout"))),
					Integer.parseInt(values.get("slowloris")), Integer.parseInt(values.get("garbageThreads")),
					Duration.ofSeconds(Long.parseLong(values.get("seconds"))), fromLegit);
			System.out.println(run(options));
		}
		System.exit(0);
	}

	static Report run(Options options) throws Exception {
		// the JDK's process reaper thread lives on once a first process ran: start it
		// before the baseline
		new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
		StressMain.Resources before = StressMain.Resources.now();
		Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
		HandshakeObserver observer = (event) -> {
			String reason = event.result().isSuccess() ? "success" : String.valueOf(event.result().reason());
			// keep the reason's rule, not its numbers
			reasons.computeIfAbsent(reason.replaceAll("silent \\d+ ms", "silent N ms"), (key) -> new LongAdder())
				.increment();
		};
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("overload"))
			.bioMode(options.mode())
			.maxPendingHandshakes(options.maxPending())
			.build();
		List<Long> legitMillis = Collections.synchronizedList(new ArrayList<>());
		List<String> legitFailures = Collections.synchronizedList(new ArrayList<>());
		LongAdder connects = new LongAdder();
		LongAdder garbage = new LongAdder();
		TlsServerStats stats;
		int legitTotal;
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(options.handshakeTimeout()), observer,
				null)) {
			server.start();
			InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
			long end = System.nanoTime() + options.duration().toNanos();
			ExecutorService attackers = Executors.newFixedThreadPool(1 + options.garbageThreads());
			try {
				attackers.submit(() -> trickle(options, target, end, connects));
				byte[] hello = RawClient.clientHello();
				for (int t = 0; t < options.garbageThreads(); t++) {
					long seed = 1_000L * t;
					attackers.submit(() -> garbage(options, target, hello, end, seed, garbage));
				}
				legitTotal = legit(server.port(), end, legitMillis, legitFailures);
			}
			finally {
				attackers.shutdownNow();
				attackers.awaitTermination(30, TimeUnit.SECONDS);
			}
			StressMain.awaitQuietly(Duration.ofSeconds(30), () -> server.stats().openConnections() == 0);
			stats = server.stats();
		}
		StressMain.Resources after = StressMain.Resources.awaitBackTo(before);
		List<Long> sorted = new ArrayList<>(legitMillis);
		Collections.sort(sorted);
		Map<String, Long> counts = new TreeMap<>();
		reasons.forEach((key, value) -> counts.put(key, value.sum()));
		return new Report(options, legitTotal, legitFailures.size(), List.copyOf(legitFailures),
				sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1),
				sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2), connects.sum(), garbage.sum(), counts, stats,
				before, after);
	}

	/**
	 * A legit openssl s_client every 0.5 s from 127.0.0.1 until the end; returns how many
	 * ran.
	 */
	private static int legit(int port, long end, List<Long> millis, List<String> failures) throws Exception {
		int total = 0;
		while (System.nanoTime() - end < 0) {
			long start = System.nanoTime();
			ServerFixtures.OpenSslRun run = ServerFixtures.openssl(port, "", "-tls1_3", "-brief");
			long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			total++;
			if (run.stderr().contains("CONNECTION ESTABLISHED")) {
				millis.add(took);
			}
			else {
				failures.add(took + " ms: " + run.stderr().lines().limit(3).toList());
			}
			long next = start + TimeUnit.MILLISECONDS.toNanos(500);
			while (System.nanoTime() - next < 0) {
				TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
			}
		}
		return total;
	}

	private static InetAddress attacker(Options options, int i) throws UnknownHostException {
		return options.attackersFromLegitAddress() ? InetAddress.getLoopbackAddress()
				: InetAddress.getByName("127.0.0." + (2 + (i % 8)));
	}

	/**
	 * Hold {@code slowloris} connections that send one byte of a ClientHello every 500
	 * ms, and reconnect each as soon as the server cuts it.
	 */
	private static Void trickle(Options options, InetSocketAddress target, long end, LongAdder connects)
			throws IOException {
		byte[] hello = RawClient.clientHello();
		try (Selector selector = Selector.open()) {
			List<SocketChannel> channels = new ArrayList<>();
			for (int i = 0; i < options.slowloris(); i++) {
				channels.add(connect(options, target, i, connects));
			}
			int[] sent = new int[channels.size()];
			ByteBuffer sink = ByteBuffer.allocate(4096);
			while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
				for (int i = 0; i < channels.size(); i++) {
					SocketChannel channel = channels.get(i);
					boolean gone;
					try {
						sink.clear();
						gone = !channel.isConnectionPending() && channel.isConnected() && channel.read(sink) < 0;
						if (!gone && channel.isConnectionPending()) {
							// still connecting: try again on the next tick
							channel.finishConnect();
						}
						if (!gone && channel.isConnected()) {
							channel.write(ByteBuffer.wrap(hello, sent[i] % hello.length, 1));
							sent[i]++;
						}
					}
					catch (IOException ex) {
						gone = true;
					}
					if (gone) {
						channel.close();
						channels.set(i, connect(options, target, i, connects));
						sent[i] = 0;
					}
				}
				selector.selectNow();
				try {
					TimeUnit.MILLISECONDS.sleep(500);
				}
				catch (InterruptedException ex) {
					break;
				}
			}
			for (SocketChannel channel : channels) {
				channel.close();
			}
		}
		return null;
	}

	private static SocketChannel connect(Options options, InetSocketAddress target, int i, LongAdder connects)
			throws IOException {
		SocketChannel channel = SocketChannel.open();
		channel.configureBlocking(false);
		channel.bind(new InetSocketAddress(attacker(options, i), 0));
		channel.connect(target);
		connects.increment();
		return channel;
	}

	/**
	 * Mutated ClientHellos back to back, each connection read until the server closes it.
	 */
	private static Void garbage(Options options, InetSocketAddress target, byte[] hello, long end, long seed,
			LongAdder sent) {
		Random random = new Random(seed);
		for (int i = 0; System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted(); i++) {
			try (Socket socket = new Socket()) {
				socket.bind(new InetSocketAddress(attacker(options, i), 0));
				socket.connect(target, 5_000);
				socket.setSoTimeout(5_000);
				socket.getOutputStream().write(StressMain.mutate(hello, random));
				sent.increment();
				InputStream in = socket.getInputStream();
				byte[] buffer = new byte[4096];
				while (in.read(buffer) >= 0) {
					// until the server closes
				}
				socket.setSoLinger(true, 0);
			}
			catch (IOException ex) {
				// reset or timeout: the server's side is what the observer records
			}
		}
		return null;
	}

}
