package dev.tlsaccept.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one client used against every server: JDK {@link SSLSocket}s on N threads, each
 * doing full handshakes back to back (connect, handshake, close). No resumption: every
 * session is invalidated (which removes it from the client cache) right after its
 * handshake, and TLS 1.3 tickets are never read. Handshakes are counted here, on the
 * client.
 */
final class LoadClient {

	static final String TLS13_SUITE = "TLS_AES_128_GCM_SHA256";

	/** The TLS 1.2 suites offered: the server picks the one its key signs for. */
	static final String TLS12_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";

	static final String TLS12_RSA_SUITE = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

	private final KeyStore trustStore;

	LoadClient(KeyStore trustStore) {
		this.trustStore = trustStore;
	}

	record Run(long handshakes, long errors, long nanos, long[] latenciesNanos, String firstError) {

		double perSecond() {
			return this.handshakes / (this.nanos / 1e9);
		}

	}

	SSLSocketFactory factory() {
		try {
			TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			tmf.init(this.trustStore);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, tmf.getTrustManagers(), null);
			return context.getSocketFactory();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static SSLSocket connect(SSLSocketFactory factory, int port, String protocol) throws IOException {
		Socket plain = new Socket();
		plain.setTcpNoDelay(true);
		plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
		plain.setSoTimeout(10_000);
		SSLSocket socket = (SSLSocket) factory.createSocket(plain, "127.0.0.1", port, true);
		socket.setEnabledProtocols(new String[] { protocol });
		socket.setEnabledCipherSuites(protocol.equals("TLSv1.3") ? new String[] { TLS13_SUITE }
				: new String[] { TLS12_SUITE, TLS12_RSA_SUITE });
		return socket;
	}

	/** One full handshake; returns its latency in nanoseconds (connect included). */
	static long handshakeOnce(SSLSocketFactory factory, int port, String protocol) throws IOException {
		long start = System.nanoTime();
		try (SSLSocket socket = connect(factory, port, protocol)) {
			socket.startHandshake();
			long took = System.nanoTime() - start;
			socket.getSession().invalidate();
			return took;
		}
	}

	Run run(int port, String protocol, int threads, double seconds) throws InterruptedException {
		AtomicLong handshakes = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>("");
		long deadline = System.nanoTime() + (long) (seconds * 1e9);
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < threads; i++) {
			long[][] mine = new long[1][];
			SSLSocketFactory factory = factory();
			Thread worker = new Thread(() -> {
				long[] lat = new long[4096];
				int n = 0;
				while (System.nanoTime() < deadline) {
					try {
						long took = handshakeOnce(factory, port, protocol);
						if (n == lat.length) {
							lat = Arrays.copyOf(lat, n * 2);
						}
						lat[n++] = took;
						handshakes.incrementAndGet();
					}
					catch (IOException | RuntimeException ex) {
						errors.incrementAndGet();
						firstError.compareAndSet("", ex.toString());
						sleepQuietly(5);
					}
				}
				mine[0] = Arrays.copyOf(lat, n);
			}, "load-" + i);
			worker.start();
			workers.add(worker);
			latencyHolders.add(mine);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		long nanos = System.nanoTime() - start;
		long[] all = latencyHolders.stream().flatMapToLong((h) -> Arrays.stream(h[0])).sorted().toArray();
		latencyHolders.clear();
		return new Run(handshakes.get(), errors.get(), nanos, all, firstError.get());
	}

	private final List<long[][]> latencyHolders = new ArrayList<>();

	/**
	 * Handshakes that resume: each thread has its own client context (so its own session
	 * cache) and, after a first full handshake, offers its latest session on every
	 * connection. After each handshake the client half-closes (close_notify) and reads
	 * until the server closes, so that the TLS 1.3 tickets that come after Finished are
	 * taken in (SunJSSE reads them only when the application reads), then closes. Counted
	 * here: handshakes that resumed (the session has the creation time of the one
	 * offered: SunJSSE keeps it on resumption) and those that did not.
	 */
	record ResumedRun(long resumed, long full, long errors, double seconds, String firstError) {

	}

	ResumedRun runResumed(int port, String protocol, int threads, double seconds) throws InterruptedException {
		AtomicLong resumed = new AtomicLong();
		AtomicLong full = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>("");
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime();
		long deadline = start + (long) (seconds * 1e9);
		for (int i = 0; i < threads; i++) {
			SSLSocketFactory factory = factory();
			Thread worker = new Thread(() -> {
				long offered = -1;
				byte[] buffer = new byte[1024];
				while (System.nanoTime() < deadline) {
					try (SSLSocket socket = connect(factory, port, protocol)) {
						socket.startHandshake();
						long created = socket.getSession().getCreationTime();
						if (created == offered) {
							resumed.incrementAndGet();
						}
						else {
							full.incrementAndGet();
						}
						if (protocol.equals("TLSv1.3")) {
							socket.shutdownOutput();
							InputStream in = socket.getInputStream();
							while (in.read(buffer) >= 0) {
								// tickets, then the server's close_notify
							}
						}
						offered = created;
					}
					catch (IOException | RuntimeException ex) {
						errors.incrementAndGet();
						firstError.compareAndSet("", ex.toString());
						offered = -1;
						sleepQuietly(5);
					}
				}
			}, "resume-" + i);
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		return new ResumedRun(resumed.get(), full.get(), errors.get(), (System.nanoTime() - start) / 1e9,
				firstError.get());
	}

	/**
	 * An open-loop run: {@code rate * seconds} handshakes whose starts are scheduled at a
	 * fixed rate, each run on a pooled thread (so a slow handshake never delays the next
	 * start), latency measured from the <em>scheduled</em> start to the end of the
	 * handshake (no coordinated omission: a start that could not happen on time is
	 * charged its delay).
	 */
	record OpenLoopRun(long scheduled, long completed, long errors, double seconds, long[] latenciesNanos,
			String firstError) {

		double achievedPerSecond() {
			return (this.seconds > 0) ? this.completed / this.seconds : 0;
		}

	}

	OpenLoopRun openLoop(int port, String protocol, double rate, double seconds) throws InterruptedException {
		SSLSocketFactory factory = factory();
		long interval = (long) (1e9 / rate);
		int count = Math.max(1, (int) Math.round(rate * seconds));
		long[] latencies = new long[count];
		Arrays.fill(latencies, -1);
		AtomicLong errors = new AtomicLong();
		AtomicReference<String> firstError = new AtomicReference<>("");
		CountDownLatch done = new CountDownLatch(count);
		ExecutorService pool = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "open-loop");
			thread.setDaemon(true);
			return thread;
		});
		long start = System.nanoTime() + 1_000_000;
		try {
			for (int i = 0; i < count; i++) {
				long scheduled = start + i * interval;
				long wait;
				while ((wait = scheduled - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				int index = i;
				pool.execute(() -> {
					try (SSLSocket socket = connect(factory, port, protocol)) {
						socket.startHandshake();
						latencies[index] = System.nanoTime() - scheduled;
						socket.getSession().invalidate();
					}
					catch (IOException | RuntimeException ex) {
						errors.incrementAndGet();
						firstError.compareAndSet("", ex.toString());
					}
					finally {
						done.countDown();
					}
				});
			}
			if (!done.await(30, TimeUnit.SECONDS)) {
				firstError.compareAndSet("", done.getCount() + " handshakes still running after 30 s");
			}
		}
		finally {
			pool.shutdownNow();
		}
		long end = System.nanoTime();
		long[] measured = Arrays.stream(latencies).filter((l) -> l >= 0).sorted().toArray();
		long unfinished = count - measured.length - errors.get();
		return new OpenLoopRun(count, measured.length, errors.get() + Math.max(0, unfinished), (end - start) / 1e9,
				measured, firstError.get());
	}

	/**
	 * Bulk echo over one connection: 16 KB writes for the given time; returns MB/s echoed
	 * back.
	 */
	@SuppressWarnings("try") // closed early, with a reset, to unblock the writer
	double echo(int port, double seconds) throws Exception {
		SSLSocketFactory factory = factory();
		try (SSLSocket socket = connect(factory, port, "TLSv1.3")) {
			socket.setSoTimeout(30_000);
			socket.startHandshake();
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			AtomicLong received = new AtomicLong();
			long deadline = System.nanoTime() + (long) (seconds * 1e9);
			Thread writer = new Thread(() -> {
				byte[] chunk = new byte[16 * 1024];
				try {
					while (System.nanoTime() < deadline) {
						out.write(chunk);
					}
					out.flush();
				}
				catch (IOException ex) {
					// reported as a short count
				}
			}, "echo-writer");
			long start = System.nanoTime();
			writer.start();
			byte[] buffer = new byte[64 * 1024];
			while (System.nanoTime() < deadline) {
				int n = in.read(buffer);
				if (n < 0) {
					break;
				}
				received.addAndGet(n);
			}
			long nanos = System.nanoTime() - start;
			socket.setSoLinger(true, 0);
			socket.close();
			writer.join(5_000);
			return received.get() / 1e6 / (nanos / 1e9);
		}
	}

	static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static long percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
		return sorted[index];
	}

}
