package dev.tlsaccept.autoconfigure.observation;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.HandshakeStarted;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Observation} per handshake: started when the server reports the handshake's
 * start, stopped when it reports its end, both on the server's observer thread (never a
 * selector thread), so the span's start and end lag the handshake's by that thread's
 * queue only. A handshake's start and end are matched by listener and connecting address
 * (unique among a listener's open connections). A connection refused at once by a rule
 * has no start: its observation starts and stops at its end. An observation whose end was
 * lost (the observer queue was full) is stopped as {@code UNKNOWN} once it is older than
 * any handshake can be.
 * <p>
 * With {@code proxy-protocol} on, the server reports the start once the PROXY protocol
 * header was read: the observation starts then (for a balancer such as HAProxy, which
 * sends the header as soon as it connects, a network hop after the accept), knowing the
 * real client and whether the connection is a load balancer's health check (a v2
 * {@code LOCAL} command). Health checks get no observation unless
 * {@code tlsaccept.handshakes.observe-health-checks} is set: a balancer checking every 2
 * seconds would otherwise make a span every 2 seconds per instance.
 */
final class HandshakeObservations implements HandshakeObserver {

	private static final int SWEEP_EVERY = 1024;

	private static final TlsHandshakeObservationConvention DEFAULT_CONVENTION = new DefaultTlsHandshakeObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable TlsHandshakeObservationConvention convention;

	private final long staleNanos;

	private final boolean observeHealthChecks;

	private final Map<Key, InProgress> inProgress = new ConcurrentHashMap<>();

	private final AtomicLong starts = new AtomicLong();

	HandshakeObservations(ObservationRegistry registry, @Nullable TlsHandshakeObservationConvention convention,
			Duration staleAfter, boolean observeHealthChecks) {
		this.registry = registry;
		this.convention = convention;
		this.staleNanos = staleAfter.toNanos();
		this.observeHealthChecks = observeHealthChecks;
	}

	@Override
	public boolean observesStarts() {
		return !this.registry.isNoop();
	}

	@Override
	public void handshakeStarted(HandshakeStarted started) {
		if (this.registry.isNoop() || (started.healthCheck() && !this.observeHealthChecks)) {
			return;
		}
		TlsHandshakeObservationContext context = new TlsHandshakeObservationContext(started.listener(),
				started.engine(), started.bioMode(), started.connecting(), started.time(), started.peer(),
				started.healthCheck());
		Observation observation = observation(context).start();
		InProgress previous = this.inProgress.put(new Key(started.listener(), started.connecting()),
				new InProgress(observation, System.nanoTime()));
		if (previous != null) {
			lost(previous);
		}
		if (this.starts.incrementAndGet() % SWEEP_EVERY == 0) {
			sweep(System.nanoTime());
		}
	}

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		if (this.registry.isNoop() || (event.healthCheck() && !this.observeHealthChecks)) {
			return;
		}
		InetSocketAddress connecting = event.connecting();
		InProgress started = (connecting != null) ? this.inProgress.remove(new Key(event.listener(), connecting))
				: null;
		Observation observation;
		if (started != null) {
			observation = started.observation();
		}
		else {
			// refused at once (no start), or its start was lost
			AcceptResult result = event.result();
			observation = observation(new TlsHandshakeObservationContext(event.listener(), event.engine(),
					event.bioMode(), connecting, result.startedAt(), event.peer(), event.healthCheck()))
				.start();
		}
		((TlsHandshakeObservationContext) observation.getContext()).setEvent(event);
		AcceptResult result = event.result();
		if (!result.isSuccess() && !event.healthCheck()) {
			String reason = result.reason();
			observation.error(new TlsHandshakeException(
					result.code() + " " + result.error() + ((reason != null) ? ": " + reason : "")));
		}
		observation.stop();
	}

	int inProgressCount() {
		return this.inProgress.size();
	}

	/**
	 * Stop the observations whose end was not reported in time (the event was dropped).
	 */
	void sweep(long nowNanos) {
		this.inProgress.entrySet().removeIf((entry) -> {
			if (nowNanos - entry.getValue().startedNanos() > this.staleNanos) {
				lost(entry.getValue());
				return true;
			}
			return false;
		});
	}

	private void lost(InProgress observation) {
		observation.observation()
			.error(new TlsHandshakeException("the end of the handshake was not observed (observer events dropped)"));
		observation.observation().stop();
	}

	private Observation observation(TlsHandshakeObservationContext context) {
		return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry);
	}

	private record Key(String listener, InetSocketAddress connecting) {
	}

	private record InProgress(Observation observation, long startedNanos) {
	}

}
