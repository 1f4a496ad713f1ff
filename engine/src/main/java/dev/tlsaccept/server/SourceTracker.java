package dev.tlsaccept.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The state behind the limits per source of {@link SourceLimits}: for each source, its
 * pending handshakes and a token bucket of new connections. Thread-safe: {@link #admit}
 * runs on the accepting thread, {@link #finished} on any thread; each source's state
 * changes atomically.
 *
 * <p>
 * Bounded in memory, since a hostile client may come from many addresses (every IPv6 /64
 * is a source): an entry that tells nothing (no pending handshake, a full bucket) is
 * purged, at most once a second; and when {@code maxSources} are tracked, entries without
 * a pending handshake are dropped too (such a source starts again with a full bucket: the
 * limits fail open for it, never closed for everyone else). Entries with a pending
 * handshake are never dropped; the server keeps {@code maxSources} above its
 * {@code max-pending-handshakes}, so there is always room.
 */
final class SourceTracker {

	/** What {@link #admit} decided. */
	enum Verdict {

		/** Admitted and counted as pending for its source. */
		ADMITTED,

		/** Refused: the source has {@code max-pending-handshakes-per-source} pending. */
		MAX_PENDING,

		/**
		 * Refused: the source opened {@code max-handshakes-per-second-per-source} too
		 * fast.
		 */
		MAX_RATE,

		/**
		 * Refused: {@code maxSources} sources, each with a handshake pending (not reached
		 * in a server, which tracks more sources than it lets handshakes be pending).
		 */
		FULL

	}

	private static final long PURGE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final SourceLimits limits;

	private final int maxSources;

	private final LongSupplier nanoTime;

	/** The bucket's refill per nanosecond, in tokens; 0 without a rate limit. */
	private final double tokensPerNano;

	private final ConcurrentHashMap<Cidr, Entry> sources = new ConcurrentHashMap<>();

	private final AtomicBoolean purging = new AtomicBoolean();

	private volatile long nextPurgeNanos;

	SourceTracker(SourceLimits limits, int maxSources, LongSupplier nanoTime) {
		if (maxSources < 1) {
			throw new IllegalArgumentException("maxSources must be at least 1, was " + maxSources);
		}
		this.limits = limits;
		this.maxSources = maxSources;
		this.nanoTime = nanoTime;
		this.tokensPerNano = (limits.maxHandshakesPerSecondPerSource() != SourceLimits.UNLIMITED)
				? limits.maxHandshakesPerSecondPerSource() / 1e9 : 0;
		this.nextPurgeNanos = nanoTime.getAsLong() + PURGE_INTERVAL_NANOS;
	}

	/**
	 * Admit a new connection from an address, or refuse it by a limit per source. An
	 * admitted connection counts as pending for its source until {@link #finished} with
	 * the same address.
	 * @param address the peer's address
	 * @return the verdict
	 */
	Verdict admit(InetAddress address) {
		long now = this.nanoTime.getAsLong();
		Cidr source = this.limits.sourceOf(address);
		if (!this.sources.containsKey(source)) {
			if (now - this.nextPurgeNanos >= 0 || this.sources.size() >= this.maxSources) {
				purge(now);
			}
			if (this.sources.size() >= this.maxSources) {
				return Verdict.FULL;
			}
		}
		Verdict[] verdict = new Verdict[1];
		this.sources.compute(source, (key, entry) -> {
			Entry current = (entry != null) ? entry : new Entry(this.limits.handshakeBurstPerSource(), now);
			verdict[0] = current.admit(now);
			return current;
		});
		return verdict[0];
	}

	/**
	 * A connection admitted from that address finished its handshake (or never started
	 * it).
	 * @param address the peer's address, as given to {@link #admit}
	 */
	void finished(InetAddress address) {
		this.sources.computeIfPresent(this.limits.sourceOf(address), (key, entry) -> {
			entry.pending = Math.max(0, entry.pending - 1);
			// without a rate, an entry without pending handshakes tells nothing
			return (entry.pending == 0 && this.tokensPerNano == 0) ? null : entry;
		});
	}

	/**
	 * How many sources are tracked now.
	 * @return the count
	 */
	int size() {
		return this.sources.size();
	}

	/**
	 * Pending handshakes of a source.
	 * @param address an address of the source
	 * @return the count, 0 when it is not tracked
	 */
	int pending(InetAddress address) {
		Entry entry = this.sources.get(this.limits.sourceOf(address));
		return (entry != null) ? entry.pending : 0;
	}

	/**
	 * Drop the entries that tell nothing, then, when still full, those without a pending
	 * handshake. One purge at a time; others go on without waiting.
	 */
	private void purge(long now) {
		if (!this.purging.compareAndSet(false, true)) {
			return;
		}
		try {
			this.nextPurgeNanos = now + PURGE_INTERVAL_NANOS;
			for (Cidr source : this.sources.keySet()) {
				this.sources.computeIfPresent(source, (key, entry) -> entry.idle(now) ? null : entry);
			}
			if (this.sources.size() >= this.maxSources) {
				for (Cidr source : this.sources.keySet()) {
					this.sources.computeIfPresent(source, (key, entry) -> (entry.pending == 0) ? null : entry);
				}
			}
		}
		finally {
			this.purging.set(false);
		}
	}

	/**
	 * One source: pending handshakes and a token bucket. Changed only inside the map's
	 * atomic {@code compute} of its key.
	 */
	private final class Entry {

		int pending;

		private double tokens;

		private long refilledNanos;

		Entry(int burst, long now) {
			this.tokens = burst;
			this.refilledNanos = now;
		}

		Verdict admit(long now) {
			if (this.pending >= SourceTracker.this.limits.maxPendingHandshakesPerSource()) {
				return Verdict.MAX_PENDING;
			}
			if (SourceTracker.this.tokensPerNano > 0) {
				refill(now);
				if (this.tokens < 1) {
					return Verdict.MAX_RATE;
				}
				this.tokens -= 1;
			}
			this.pending++;
			return Verdict.ADMITTED;
		}

		boolean idle(long now) {
			if (this.pending > 0) {
				return false;
			}
			if (SourceTracker.this.tokensPerNano == 0) {
				return true;
			}
			refill(now);
			return this.tokens >= SourceTracker.this.limits.handshakeBurstPerSource();
		}

		private void refill(long now) {
			long elapsed = now - this.refilledNanos;
			if (elapsed > 0) {
				this.tokens = Math.min(SourceTracker.this.limits.handshakeBurstPerSource(),
						this.tokens + elapsed * SourceTracker.this.tokensPerNano);
				this.refilledNanos = now;
			}
		}

	}

}
