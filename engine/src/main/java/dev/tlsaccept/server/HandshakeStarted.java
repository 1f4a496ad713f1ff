package dev.tlsaccept.server;

import java.net.InetSocketAddress;
import java.time.Instant;

import dev.tlsaccept.engine.BioMode;
import org.jspecify.annotations.Nullable;

/**
 * A handshake started: a connection was accepted and admitted, as reported to
 * {@link HandshakeObserver#handshakeStarted}. Its end is the {@link HandshakeEvent} whose
 * {@link HandshakeEvent#connecting() connecting} address and listener are the same: the
 * remote address of a TCP connection is unique among a listener's open connections.
 * <p>
 * With {@code proxy-protocol} on, the start is reported once the PROXY protocol header
 * was read and accepted, so that it names the real client and says whether the connection
 * is a load balancer's health check; {@link #time()} is still when the connection was
 * accepted (the header is part of the connection's start). A connection refused in the
 * PROXY protocol phase (an untrusted source's header, a missing or malformed header, the
 * allow or deny list applied to the client it names, no header before the handshake
 * timeout) has no start, only its end.
 *
 * @param listener the listener name
 * @param engine the engine name, e.g. {@code jdk}
 * @param bioMode the BIO mode the handshake runs in
 * @param connecting the connecting address: the client's, or a trusted proxy's
 * @param time when the handshake started: the connection was accepted (selector modes),
 * or a handshake thread took it (blocking mode)
 * @param peer the peer: the client a trusted proxy's header named, else the connecting
 * address
 * @param proxyHeader the PROXY protocol header the connection started with, if any
 */
public record HandshakeStarted(String listener, String engine, BioMode bioMode, InetSocketAddress connecting,
		Instant time, InetSocketAddress peer, @Nullable ProxyHeader proxyHeader) {

	/**
	 * A handshake started on a connection without a PROXY protocol header.
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode
	 * @param connecting the connecting address, also the peer
	 * @param time when the handshake started
	 */
	public HandshakeStarted(String listener, String engine, BioMode bioMode, InetSocketAddress connecting,
			Instant time) {
		this(listener, engine, bioMode, connecting, time, connecting, null);
	}

	/**
	 * The trusted proxy the connection came from, when it sent a PROXY protocol header.
	 * @return the proxy's address, or {@code null}
	 */
	public @Nullable InetSocketAddress proxy() {
		return (this.proxyHeader != null) ? this.connecting : null;
	}

	/**
	 * Whether the connection is a load balancer's health check: a PROXY protocol v2
	 * {@code LOCAL} command (HAProxy's checks send one), as
	 * {@link HandshakeEvent#healthCheck()} says at its end.
	 * @return {@code true} for a health check
	 */
	public boolean healthCheck() {
		return this.proxyHeader != null && this.proxyHeader.local();
	}

}
