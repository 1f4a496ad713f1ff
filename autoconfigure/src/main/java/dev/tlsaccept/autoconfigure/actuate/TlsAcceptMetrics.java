package dev.tlsaccept.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsServerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of tlsaccept, with low-cardinality tags only (never the peer, SNI or
 * a fingerprint). Tag values follow one rule, that of Spring's
 * {@code http.server.requests} ({@code outcome=SUCCESS}, {@code status=CLIENT_ERROR},
 * {@code exception=none}): a value from a closed set that tlsaccept defines is an
 * upper-case constant; a name the TLS protocol defines is written as the protocol writes
 * it ({@code TLSv1.3}, {@code handshake_failure}); a value that does not exist is
 * {@code none}.
 * <ul>
 * <li>{@value #HANDSHAKES} timer, tagged {@code listener}, {@code outcome}
 * ({@code SUCCESS} / {@code FAILURE}), {@code error} ({@code NONE}, {@code SSL},
 * {@code SYSCALL}, {@code ZERO_RETURN}: the {@code SSL_get_error} constant),
 * {@code protocol} (negotiated, {@code none} when the handshake failed) and {@code group}
 * (the key-exchange group the server chose, as IANA names it: {@code X25519MLKEM768},
 * {@code x25519}; {@code none} when it chose none);</li>
 * <li>{@value #ALERTS} counter, tagged {@code listener}, {@code alert} (RFC 8446 name)
 * and {@code direction} ({@code SENT} / {@code RECEIVED});</li>
 * <li>{@value #ACTIVE_CONNECTIONS} and {@value #PENDING_HANDSHAKES} gauges, tagged
 * {@code listener};</li>
 * <li>{@value #CONNECTIONS_CLOSED} counter, tagged {@code listener} and {@code reason}
 * ({@code IDLE_TIMEOUT}, {@code MAX_LIFETIME});</li>
 * <li>{@value #HANDSHAKES_CUT} counter, tagged {@code listener} and {@code reason}
 * ({@code STALLED});</li>
 * <li>{@value #REFUSED} counter of connections closed at once by an admission rule,
 * tagged {@code listener} and {@code rule} ({@code MAX_CONNECTIONS},
 * {@code MAX_PENDING_HANDSHAKES}, {@code DENY}, {@code ALLOW},
 * {@code MAX_PENDING_HANDSHAKES_PER_SOURCE},
 * {@code MAX_HANDSHAKES_PER_SECOND_PER_SOURCE}: the property of the rule, as a
 * constant);</li>
 * <li>{@value #RELOADS} counter of SSL bundle reloads of a listener's key material,
 * tagged {@code listener} and {@code outcome} ({@code SUCCESS}, {@code FAILED});</li>
 * <li>{@value #HANDLER_ERRORS} counter of exceptions the connection handler threw, tagged
 * {@code listener};</li>
 * <li>{@value #CHAIN_EXPIRY} gauge (seconds, negative once expired) of each certificate
 * chain a listener serves, tagged {@code listener} and {@code server.name} (the host
 * pattern of {@code sni.bundles}, configuration rather than peer data; {@code none} for
 * the listener's default chain): the time until the certificate of the chain that expires
 * first expires, like Spring Boot's {@code ssl.chain.expiry}. It follows reloads (it
 * reads the chain in use at each scrape), so its series survive a rotation; unlike Boot's
 * it has no {@code certificate} (serial number) tag, which would start a new series at
 * each rotation: {@code /actuator/tlslisteners} shows the serials.</li>
 * </ul>
 */
public class TlsAcceptMetrics implements HandshakeObserver, MeterBinder {

	/** Timer of finished handshakes. */
	public static final String HANDSHAKES = "tlsaccept.handshakes";

	/** Counter of alerts sent or received during handshakes. */
	public static final String ALERTS = "tlsaccept.alerts";

	/** Gauge of open connections (pending handshakes and established connections). */
	public static final String ACTIVE_CONNECTIONS = "tlsaccept.connections.active";

	/** Gauge of handshakes in progress. */
	public static final String PENDING_HANDSHAKES = "tlsaccept.handshakes.pending";

	/**
	 * Counter of established connections the listener closed, tagged {@code reason}
	 * (IDLE_TIMEOUT, MAX_LIFETIME).
	 */
	public static final String CONNECTIONS_CLOSED = "tlsaccept.connections.closed";

	/**
	 * Counter of pending handshakes cut to make room for ones that progress, tagged
	 * {@code reason}.
	 */
	public static final String HANDSHAKES_CUT = "tlsaccept.handshakes.cut";

	/** Counter of connections refused at once by an admission rule. */
	public static final String REFUSED = "tlsaccept.connections.refused";

	/** Client-initiated renegotiations refused, per listener. */
	public static final String RENEGOTIATIONS_REFUSED = "tlsaccept.renegotiations.refused";

	/**
	 * Gauge of the seconds until the certificate of a served chain that expires first
	 * expires, per listener and server name, as Spring Boot's {@code ssl.chain.expiry}.
	 */
	public static final String CHAIN_EXPIRY = "tlsaccept.chain.expiry";

	/**
	 * Counter of SSL bundle reloads applied to a listener's key material, tagged
	 * {@code outcome} ({@code SUCCESS}, {@code FAILED}).
	 */
	public static final String RELOADS = "tlsaccept.reloads";

	/** Counter of exceptions thrown by a listener's connection handler. */
	public static final String HANDLER_ERRORS = "tlsaccept.handler.errors";

	/**
	 * The tag value of a value that does not exist, as Micrometer's
	 * {@code KeyValue.NONE_VALUE}.
	 */
	private static final String NONE = "none";

	/**
	 * The property of each rule of {@value #REFUSED} (its {@code rule} tag as a
	 * constant), with its count.
	 */
	private static final Map<String, ToDoubleFunction<TlsServerStats>> REFUSED_BY_RULE = refusedByRule();

	private final MeterRegistry registry;

	private final TlsListeners listeners;

	private final Clock clock;

	/**
	 * Create the metrics.
	 * @param registry where handshakes are recorded
	 * @param listeners the listeners to gauge when bound
	 */
	public TlsAcceptMetrics(MeterRegistry registry, TlsListeners listeners) {
		this(registry, listeners, Clock.systemUTC());
	}

	/**
	 * Create the metrics.
	 * @param registry where handshakes are recorded
	 * @param listeners the listeners to gauge when bound
	 * @param clock gives "now" for {@value #CHAIN_EXPIRY}
	 */
	public TlsAcceptMetrics(MeterRegistry registry, TlsListeners listeners, Clock clock) {
		this.registry = registry;
		this.listeners = listeners;
		this.clock = clock;
	}

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		AcceptResult result = event.result();
		String protocol = (result.protocol() != null) ? result.protocol() : NONE;
		String group = (result.group() != null) ? result.group() : NONE;
		Timer.builder(HANDSHAKES)
			.description("Finished TLS handshakes of tlsaccept listeners")
			.tags(Tags.of("listener", event.listener(), "outcome", outcome(event), "error", result.error().name(),
					"protocol", protocol, "group", group))
			.register(this.registry)
			.record(result.duration());
		TlsAlert alert = result.alert();
		if (alert != null) {
			Counter.builder(ALERTS)
				.description("TLS alerts sent or received during handshakes of tlsaccept listeners")
				.tags(Tags.of("listener", event.listener(), "alert", alert.name(), "direction",
						alert.direction().name()))
				.register(this.registry)
				.increment();
		}
	}

	/**
	 * The {@code outcome} tag: {@code SUCCESS}, {@code FAILURE}, or {@code HEALTH_CHECK}
	 * for a load balancer's health check (a PROXY protocol v2 {@code LOCAL} command),
	 * kept out of the failures.
	 */
	private static String outcome(HandshakeEvent event) {
		if (event.healthCheck()) {
			return "HEALTH_CHECK";
		}
		return event.result().isSuccess() ? "SUCCESS" : "FAILURE";
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (TlsListener listener : this.listeners.all()) {
			Gauge.builder(ACTIVE_CONNECTIONS, listener, (each) -> each.getStats().openConnections())
				.description("Open connections of a tlsaccept listener: pending handshakes and established connections")
				.tag("listener", listener.getName())
				.strongReference(true)
				.register(registry);
			Gauge.builder(PENDING_HANDSHAKES, listener, (each) -> each.getStats().pendingHandshakes())
				.description("TLS handshakes in progress on a tlsaccept listener")
				.tag("listener", listener.getName())
				.strongReference(true)
				.register(registry);
			FunctionCounter.builder(CONNECTIONS_CLOSED, listener, (each) -> each.getStats().closedIdle())
				.description("Established connections of a tlsaccept listener closed by the listener, by reason")
				.tags("listener", listener.getName(), "reason", "IDLE_TIMEOUT")
				.register(registry);
			FunctionCounter.builder(CONNECTIONS_CLOSED, listener, (each) -> each.getStats().closedLifetime())
				.description("Established connections of a tlsaccept listener closed by the listener, by reason")
				.tags("listener", listener.getName(), "reason", "MAX_LIFETIME")
				.register(registry);
			FunctionCounter.builder(RENEGOTIATIONS_REFUSED, listener, (each) -> each.getStats().renegotiationsRefused())
				.description("Client-initiated renegotiations (a TLS 1.2 ClientHello on an established connection) "
						+ "a tlsaccept listener refused")
				.tag("listener", listener.getName())
				.register(registry);
			FunctionCounter.builder(HANDSHAKES_CUT, listener, (each) -> each.getStats().stalledHandshakesCut())
				.description("Pending handshakes of a tlsaccept listener cut because they stalled while others "
						+ "needed the slot (max-pending-handshakes reached, or under pressure)")
				.tags("listener", listener.getName(), "reason", "STALLED")
				.register(registry);
			FunctionCounter.builder(HANDLER_ERRORS, listener, (each) -> each.getStats().handlerErrors())
				.description("Exceptions thrown by the connection handler of a tlsaccept listener (each closed its "
						+ "connection)")
				.tag("listener", listener.getName())
				.register(registry);
			for (TlsListener.KeyMaterialReload.Outcome outcome : TlsListener.KeyMaterialReload.Outcome.values()) {
				FunctionCounter.builder(RELOADS, listener, (each) -> each.getReloadCount(outcome))
					.description("SSL bundle reloads applied to the key material of a tlsaccept listener, by outcome "
							+ "(FAILED: the listener kept the material in use before)")
					.tags("listener", listener.getName(), "outcome", outcome.name())
					.register(registry);
			}
			List<@Nullable String> serverNames = new ArrayList<>();
			serverNames.add(null);
			serverNames.addAll(listener.getContext().config().serverNameKeyMaterial().keySet());
			for (String serverName : serverNames) {
				Gauge.builder(CHAIN_EXPIRY, listener, (each) -> secondsUntilExpiry(each, serverName))
					.description("Seconds until the first certificate of a chain a tlsaccept listener serves expires")
					.baseUnit("seconds")
					.tags("listener", listener.getName(), "server.name", (serverName != null) ? serverName : NONE)
					.strongReference(true)
					.register(registry);
			}
			REFUSED_BY_RULE.forEach((rule, count) -> FunctionCounter
				.builder(REFUSED, listener, (each) -> count.applyAsDouble(each.getStats()))
				.description("Connections closed at once by an admission rule of a tlsaccept listener")
				.tags("listener", listener.getName(), "rule", rule.toUpperCase(Locale.ROOT).replace('-', '_'))
				.register(registry));
		}
	}

	/**
	 * The seconds until the certificate of the chain that the listener serves now (after
	 * reloads) for that server name expires first; negative once expired.
	 */
	private double secondsUntilExpiry(TlsListener listener, @Nullable String serverName) {
		TlsConfig config = listener.getContext().config();
		KeyMaterial key = (serverName != null) ? config.serverNameKeyMaterial().get(serverName) : config.keyMaterial();
		if (key == null) {
			return Double.NaN;
		}
		Instant now = this.clock.instant();
		return key.certificateChain()
			.stream()
			.mapToLong((certificate) -> Duration.between(now, certificate.getNotAfter().toInstant()).toSeconds())
			.min()
			.orElse(Long.MAX_VALUE);
	}

	private static Map<String, ToDoubleFunction<TlsServerStats>> refusedByRule() {
		Map<String, ToDoubleFunction<TlsServerStats>> rules = new LinkedHashMap<>();
		rules.put("max-connections", TlsServerStats::refusedMaxConnections);
		rules.put("max-pending-handshakes", TlsServerStats::refusedMaxPendingHandshakes);
		rules.put("deny", TlsServerStats::refusedDenied);
		rules.put("allow", TlsServerStats::refusedNotAllowed);
		rules.put("max-pending-handshakes-per-source", TlsServerStats::refusedMaxPendingHandshakesPerSource);
		rules.put("max-handshakes-per-second-per-source", TlsServerStats::refusedMaxHandshakesPerSecondPerSource);
		return Collections.unmodifiableMap(rules);
	}

}
