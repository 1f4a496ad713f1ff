package dev.tlsaccept.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Lets a handshake that offers to resume a session run its engine's delegated task on the
 * thread that drives it (a selector loop) instead of handing it to the task executor and
 * back: on an engine whose resumption is cheap (BoringSSL: no signature, no certificate),
 * the two thread hand-offs cost more than the task. The offer is only a guess: a ticket
 * the server cannot use (another instance's keys, an expired one) makes the same task a
 * full handshake, signature included. So every inline run takes a token, a resumption
 * gives it back once the server's hello shows it, and a guess that turned out wrong keeps
 * it: at most {@link #BURST} wrong guesses at once and {@link #BURST} a second after that
 * run on the loop (a client replaying bad tickets cannot stall it), the rest go to the
 * executor as every full handshake does. A generic cell rate algorithm: one atomic,
 * shared by every loop of a server context. Thread-safe.
 */
final class InlineResumptions {

	/** Wrong guesses allowed at once, and per second after that. */
	static final int BURST = 16;

	private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / BURST;

	private static final long BURST_NANOS = BURST * INTERVAL_NANOS;

	private final Clock clock;

	/**
	 * When every token is back (the "theoretical arrival time"), in nanoseconds of the
	 * clock's epoch.
	 */
	private final AtomicLong full;

	/**
	 * Tokens that refill by a clock.
	 * @param clock the configuration's clock (a fixed clock never refills: tests)
	 */
	InlineResumptions(Clock clock) {
		this.clock = clock;
		this.full = new AtomicLong(now());
	}

	private long now() {
		Instant now = this.clock.instant();
		return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
	}

	/**
	 * The inline resumptions of an engine context, if its resumptions are cheap enough to
	 * run on a loop.
	 * @param context the engine context
	 * @return the tokens, or {@code null} when every task goes to the executor
	 */
	static @Nullable InlineResumptions of(TlsEngineContext context) {
		return (context instanceof Source source) ? source.inlineResumptions() : null;
	}

	/**
	 * Take a token for one inline run.
	 * @return {@code true} when the task may run inline; {@code false} when too many
	 * guesses were wrong lately
	 */
	boolean tryAcquire() {
		long now = now();
		while (true) {
			long current = this.full.get();
			long base = (current - now > 0) ? current : now;
			if (base - now > BURST_NANOS) {
				// only a wall clock set back gets here: start afresh rather than wait for
				// it
				base = now;
			}
			long next = base + INTERVAL_NANOS;
			if (next - now > BURST_NANOS) {
				return false;
			}
			if (this.full.compareAndSet(current, next)) {
				return true;
			}
		}
	}

	/** The guess was right (the server resumed): give the token back. */
	void release() {
		this.full.addAndGet(-INTERVAL_NANOS);
	}

	/** An engine context whose resumptions may run inline. */
	interface Source {

		@Nullable InlineResumptions inlineResumptions();

	}

}
