package dev.tlsaccept.record;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.ProxyHeader;
import org.jspecify.annotations.Nullable;

/**
 * One finished handshake as kept by a {@link HandshakeRepository}.
 *
 * @param id an identifier unique within the repository, for look-up
 * @param time when the handshake finished (was recorded)
 * @param listener the name of the listener that accepted the connection
 * @param engine the engine name, e.g. {@code jdk}
 * @param bioMode the BIO mode the handshake ran in
 * @param peer the peer's address, if known
 * @param result the finished result: code, error, alert, reason, protocol, cipher
 * suite...
 * @param proxy the trusted proxy the connection came through, when it sent a PROXY
 * protocol header (the peer is then the client it named)
 * @param proxyHeader what that header said, TLVs included, if one was sent
 */
public record HandshakeRecord(String id, Instant time, String listener, String engine, BioMode bioMode,
		@Nullable InetSocketAddress peer, AcceptResult result, @Nullable InetSocketAddress proxy,
		@Nullable ProxyHeader proxyHeader) {

	/**
	 * A record of a connection without a PROXY protocol header.
	 * @param id an identifier unique within the repository
	 * @param time when the handshake finished
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode
	 * @param peer the peer's address, if known
	 * @param result the finished result
	 */
	public HandshakeRecord(String id, Instant time, String listener, String engine, BioMode bioMode,
			@Nullable InetSocketAddress peer, AcceptResult result) {
		this(id, time, listener, engine, bioMode, peer, result, null, null);
	}

	public HandshakeRecord {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(time, "time must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		Objects.requireNonNull(engine, "engine must not be null");
		Objects.requireNonNull(bioMode, "bioMode must not be null");
		Objects.requireNonNull(result, "result must not be null");
	}

	/**
	 * A record of a finished handshake reported by a server.
	 * @param event the event, as a {@link dev.tlsaccept.server.HandshakeObserver}
	 * receives it
	 * @param id an identifier unique within the repository
	 * @param time when the handshake was recorded
	 * @return the record
	 */
	public static HandshakeRecord of(HandshakeEvent event, String id, Instant time) {
		Objects.requireNonNull(event, "event must not be null");
		return new HandshakeRecord(id, time, event.listener(), event.engine(), event.bioMode(), event.peer(),
				event.result(), event.proxy(), event.proxyHeader());
	}

	/**
	 * Whether the handshake resumed a session (a TLS 1.3 PSK or a TLS 1.2 abbreviated
	 * handshake) rather than running a full one.
	 * @return {@link AcceptResult#resumed()}
	 */
	public boolean resumed() {
		return this.result.resumed();
	}

	/**
	 * Whether the connection was a load balancer's health check (a PROXY protocol v2
	 * {@code LOCAL} command), not a client's handshake.
	 * @return {@code true} for a health check
	 */
	public boolean healthCheck() {
		return this.proxyHeader != null && this.proxyHeader.local();
	}

}
