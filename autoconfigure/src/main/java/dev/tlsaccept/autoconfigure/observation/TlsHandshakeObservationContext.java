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
		this.listener = listener;
		this.engine = engine;
		this.bioMode = bioMode;
		this.connecting = connecting;
		this.startedAt = startedAt;
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
	 * Return when the handshake started, by the listener's clock.
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
