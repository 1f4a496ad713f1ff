package dev.tlsaccept.autoconfigure.observation;

import java.net.InetSocketAddress;
import java.time.Instant;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.server.HandshakeEvent;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Observation.Context} of one TLS handshake of a tlsaccept listener: what is
 * known when it starts (listener, engine, BIO mode, connecting address), then, when it
 * ends, the {@link HandshakeEvent} with the result.
 */
public class TlsHandshakeObservationContext extends Observation.Context {

	private final String listener;

	private final String engine;

	private final BioMode bioMode;

	private final @Nullable InetSocketAddress connecting;

	private final Instant startedAt;

	private final @Nullable InetSocketAddress peer;

	private final boolean healthCheck;

	private @Nullable HandshakeEvent event;

	/**
	 * A context for a handshake that starts.
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode
	 * @param connecting the connecting address (the client's, or a proxy's), if known
	 * @param startedAt when the handshake started, by the listener's clock
	 */
	public TlsHandshakeObservationContext(String listener, String engine, BioMode bioMode,
			@Nullable InetSocketAddress connecting, Instant startedAt) {
		this(listener, engine, bioMode, connecting, startedAt, connecting, false);
	}

	/**
	 * A context for a handshake that starts, on a connection whose PROXY protocol header
	 * (if any) was read.
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode
	 * @param connecting the connecting address (the client's, or a proxy's), if known
	 * @param startedAt when the handshake started (the connection was accepted), by the
	 * listener's clock
	 * @param peer the client: the one a trusted proxy's header named, else the connecting
	 * address
	 * @param healthCheck whether the connection is a load balancer's health check (a
	 * PROXY protocol v2 {@code LOCAL} command)
	 */
	public TlsHandshakeObservationContext(String listener, String engine, BioMode bioMode,
			@Nullable InetSocketAddress connecting, Instant startedAt, @Nullable InetSocketAddress peer,
			boolean healthCheck) {
		this.listener = listener;
		this.engine = engine;
		this.bioMode = bioMode;
		this.connecting = connecting;
		this.startedAt = startedAt;
		this.peer = peer;
		this.healthCheck = healthCheck;
	}

	/**
	 * Return the listener name.
	 * @return the listener name
	 */
	public String getListener() {
		return this.listener;
	}

	/**
	 * Return the engine name, e.g. {@code jdk}.
	 * @return the engine name
	 */
	public String getEngine() {
		return this.engine;
	}

	/**
	 * Return the BIO mode the handshake runs in.
	 * @return the BIO mode
	 */
	public BioMode getBioMode() {
		return this.bioMode;
	}

	/**
	 * Return the address the connection came from: the client's, or a trusted proxy's
	 * (the event's {@link HandshakeEvent#peer() peer} is then the client it named).
	 * @return the connecting address, if known
	 */
	public @Nullable InetSocketAddress getConnecting() {
		return this.connecting;
	}

	/**
	 * Return the client: the one a trusted proxy's PROXY protocol header named, else the
	 * connecting address. Known from the start: with {@code proxy-protocol} on, the start
	 * is reported once the header was read.
	 * @return the client's address, if known
	 */
	public @Nullable InetSocketAddress getPeer() {
		return this.peer;
	}

	/**
	 * Return whether the connection is a load balancer's health check (a PROXY protocol
	 * v2 {@code LOCAL} command), known from the start. Health checks are observed only
	 * with {@code tlsaccept.handshakes.observe-health-checks}.
	 * @return {@code true} for a health check
	 */
	public boolean isHealthCheck() {
		return this.healthCheck;
	}

	/**
	 * Return when the handshake started, by the listener's clock: when the connection was
	 * accepted (the PROXY protocol header, if any, is part of the handshake's start; the
	 * observation itself starts once the header was read).
	 * @return the start
	 */
	public Instant getStartedAt() {
		return this.startedAt;
	}

	/**
	 * Return the finished handshake, once it ended.
	 * @return the event, or {@code null} while the handshake is in progress
	 */
	public @Nullable HandshakeEvent getEvent() {
		return this.event;
	}

	/**
	 * Set the finished handshake (before the observation stops).
	 * @param event the event
	 */
	public void setEvent(HandshakeEvent event) {
		this.event = event;
	}

}
