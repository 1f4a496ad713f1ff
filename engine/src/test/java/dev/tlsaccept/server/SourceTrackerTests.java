package dev.tlsaccept.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-source state behind {@code max-pending-handshakes-per-source} and
 * {@code max-handshakes-per-second-per-source}: exact limits with a controlled clock,
 * sources by prefix, a bounded size whatever the number of source addresses, and atomic
 * updates under concurrency.
 */
class SourceTrackerTests {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	@Test
	void pendingHandshakesAreLimitedPerSourceAndFreedWhenTheyFinish() {
		SourceTracker tracker = tracker(SourceLimits.builder().maxPendingHandshakesPerSource(3), 100);
		InetAddress a = address("203.0.113.1");
		InetAddress b = address("203.0.113.2");
		for (int i = 0; i < 3; i++) {
			assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
		}
		assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.MAX_PENDING);
		assertThat(tracker.pending(a)).isEqualTo(3);
		assertThat(tracker.admit(b)).as("another source").isEqualTo(SourceTracker.Verdict.ADMITTED);
		tracker.finished(a);
		assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.MAX_PENDING);
		for (int i = 0; i < 3; i++) {
			tracker.finished(a);
		}
		tracker.finished(b);
		// without a rate limit, a source with nothing pending is forgotten at once
		assertThat(tracker.size()).isZero();
	}

	@Test
	void newConnectionsPerSecondAreATokenBucketWithABurstOfTheRate() {
		SourceTracker tracker = tracker(SourceLimits.builder().maxHandshakesPerSecondPerSource(20), 100);
		InetAddress a = address("198.51.100.7");
		for (int i = 0; i < 20; i++) {
			assertThat(admitAndFinish(tracker, a)).as("connection %d of the burst", i + 1)
				.isEqualTo(SourceTracker.Verdict.ADMITTED);
		}
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.MAX_RATE);
		assertThat(admitAndFinish(tracker, address("198.51.100.8"))).as("another source")
			.isEqualTo(SourceTracker.Verdict.ADMITTED);
		// 20/s: one token per 50 ms
		advance(49);
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.MAX_RATE);
		advance(1);
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.MAX_RATE);
		// a long pause refills up to the burst, not beyond
		advance(60_000);
		int admitted = 0;
		while (admitAndFinish(tracker, a) == SourceTracker.Verdict.ADMITTED) {
			admitted++;
		}
		assertThat(admitted).isEqualTo(20);
	}

	@Test
	void configuredBurstIsTheBucketSize() {
		SourceTracker tracker = tracker(
				SourceLimits.builder().maxHandshakesPerSecondPerSource(10).handshakeBurstPerSource(3), 100);
		InetAddress a = address("198.51.100.7");
		for (int i = 0; i < 3; i++) {
			assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
		}
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.MAX_RATE);
		advance(100);
		assertThat(admitAndFinish(tracker, a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
	}

	@Test
	void refusedConnectionsTakeNoTokenAndCountAsNothingPending() {
		SourceTracker tracker = tracker(
				SourceLimits.builder().maxPendingHandshakesPerSource(1).maxHandshakesPerSecondPerSource(2), 100);
		InetAddress a = address("198.51.100.7");
		assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.ADMITTED);
		for (int i = 0; i < 5; i++) {
			assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.MAX_PENDING);
		}
		tracker.finished(a);
		assertThat(tracker.pending(a)).isZero();
		assertThat(tracker.admit(a)).as("second token of the burst").isEqualTo(SourceTracker.Verdict.ADMITTED);
		tracker.finished(a);
		assertThat(tracker.admit(a)).isEqualTo(SourceTracker.Verdict.MAX_RATE);
		assertThat(tracker.pending(a)).isZero();
	}

	@Test
	void sourcesAreAddressesOrIpv6Slash64sByDefaultOrTheConfiguredPrefixes() {
		SourceTracker byDefault = tracker(SourceLimits.builder().maxPendingHandshakesPerSource(1), 100);
		assertThat(byDefault.admit(address("10.0.0.1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(byDefault.admit(address("10.0.0.2"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(byDefault.admit(address("2001:db8:1:2::1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(byDefault.admit(address("2001:db8:1:2:ffff::9"))).as("same /64")
			.isEqualTo(SourceTracker.Verdict.MAX_PENDING);
		assertThat(byDefault.admit(address("2001:db8:1:3::1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		SourceTracker configured = tracker(
				SourceLimits.builder().maxPendingHandshakesPerSource(1).sourcePrefixIpv4(24).sourcePrefixIpv6(128),
				100);
		assertThat(configured.admit(address("10.0.0.1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(configured.admit(address("10.0.0.254"))).as("same /24").isEqualTo(SourceTracker.Verdict.MAX_PENDING);
		assertThat(configured.admit(address("10.0.1.1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(configured.admit(address("2001:db8:1:2::1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(configured.admit(address("2001:db8:1:2::2"))).as("each IPv6 address")
			.isEqualTo(SourceTracker.Verdict.ADMITTED);
	}

	@Test
	void manySourceAddressesNeverGrowItBeyondItsBoundAndIdleOnesArePurged() {
		int maxSources = 100;
		SourceTracker tracker = tracker(SourceLimits.builder().maxHandshakesPerSecondPerSource(1), maxSources);
		int largest = 0;
		// an attacker with 100,000 IPv6 /64s, each opening one connection: every bucket
		// is not full yet
		for (int i = 0; i < 100_000; i++) {
			InetAddress address = address(
					"2001:db8:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xFFFF) + "::1");
			assertThat(tracker.admit(address)).isEqualTo(SourceTracker.Verdict.ADMITTED);
			tracker.finished(address);
			largest = Math.max(largest, tracker.size());
		}
		assertThat(largest).isLessThanOrEqualTo(maxSources);
		// once their buckets are full again they tell nothing and go at the next purge
		advance(2_000);
		assertThat(tracker.admit(address("203.0.113.1"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(tracker.size()).isEqualTo(1);
	}

	@Test
	void sourcesWithPendingHandshakesAreKeptAndNewSourcesRefusedWhenAllAre() {
		SourceTracker tracker = tracker(SourceLimits.builder().maxPendingHandshakesPerSource(2), 3);
		for (int i = 1; i <= 3; i++) {
			assertThat(tracker.admit(address("203.0.113." + i))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		}
		assertThat(tracker.admit(address("203.0.113.4"))).isEqualTo(SourceTracker.Verdict.FULL);
		assertThat(tracker.admit(address("203.0.113.1"))).as("a tracked source")
			.isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(tracker.size()).isEqualTo(3);
		tracker.finished(address("203.0.113.2"));
		assertThat(tracker.admit(address("203.0.113.4"))).isEqualTo(SourceTracker.Verdict.ADMITTED);
		assertThat(tracker.pending(address("203.0.113.1"))).isEqualTo(2);
	}

	@Test
	void concurrentAdmissionsNeverExceedTheLimitOfASource() throws Exception {
		int limit = 2;
		SourceTracker tracker = new SourceTracker(SourceLimits.builder().maxPendingHandshakesPerSource(limit).build(),
				1_000, System::nanoTime);
		InetAddress[] addresses = { address("10.0.0.1"), address("10.0.0.2"), address("10.0.0.3") };
		AtomicInteger[] inFlight = { new AtomicInteger(), new AtomicInteger(), new AtomicInteger() };
		AtomicInteger mostAtOnce = new AtomicInteger();
		AtomicInteger admitted = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		int threads = 8;
		int rounds = 20_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int seed = t;
			Thread worker = new Thread(() -> {
				try {
					start.await();
					for (int i = 0; i < rounds; i++) {
						int which = (seed + i) % addresses.length;
						SourceTracker.Verdict verdict = tracker.admit(addresses[which]);
						if (verdict == SourceTracker.Verdict.ADMITTED) {
							admitted.incrementAndGet();
							mostAtOnce.accumulateAndGet(inFlight[which].incrementAndGet(), Math::max);
							Thread.yield();
							inFlight[which].decrementAndGet();
							tracker.finished(addresses[which]);
						}
						else {
							assertThat(verdict).isEqualTo(SourceTracker.Verdict.MAX_PENDING);
							refused.incrementAndGet();
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "tracker-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis(60));
			assertThat(worker.isAlive()).isFalse();
		}
		assertThat(failures).isEmpty();
		System.out.printf("source tracker: %d admitted, %d refused, at most %d at once per source%n", admitted.get(),
				refused.get(), mostAtOnce.get());
		assertThat(admitted.get() + refused.get()).isEqualTo(threads * rounds);
		assertThat(mostAtOnce.get()).isLessThanOrEqualTo(limit);
		for (InetAddress address : addresses) {
			assertThat(tracker.pending(address)).isZero();
		}
		assertThat(tracker.size()).isZero();
	}

	@Test
	void concurrentAdmissionsFromManySourcesStayBounded() throws Exception {
		int maxSources = 500;
		int threads = 4;
		SourceTracker tracker = new SourceTracker(SourceLimits.builder().maxHandshakesPerSecondPerSource(1).build(),
				maxSources, System::nanoTime);
		AtomicInteger largest = new AtomicInteger();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				try {
					for (int i = 0; i < 20_000; i++) {
						InetAddress address = InetAddress
							.getByAddress(new byte[] { 10, (byte) thread, (byte) (i >>> 8), (byte) i });
						if (tracker.admit(address) == SourceTracker.Verdict.ADMITTED) {
							tracker.finished(address);
						}
						largest.accumulateAndGet(tracker.size(), Math::max);
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "tracker-bound-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis(60));
			assertThat(worker.isAlive()).isFalse();
		}
		assertThat(failures).isEmpty();
		// admissions running at once may each add one entry past the check
		assertThat(largest.get()).isLessThanOrEqualTo(maxSources + threads);
	}

	private SourceTracker tracker(SourceLimits.Builder limits, int maxSources) {
		return new SourceTracker(limits.build(), maxSources, this.nanos::get);
	}

	private static SourceTracker.Verdict admitAndFinish(SourceTracker tracker, InetAddress address) {
		SourceTracker.Verdict verdict = tracker.admit(address);
		if (verdict == SourceTracker.Verdict.ADMITTED) {
			tracker.finished(address);
		}
		return verdict;
	}

	private void advance(long millis) {
		this.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

}
