package dev.tlsaccept.server;

import java.net.InetSocketAddress;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import org.jspecify.annotations.Nullable;

/**
 * A finished handshake, as reported to a {@link HandshakeObserver}.
 *
 * @param listener the listener name
 * @param engine the engine name, e.g. {@code jdk}
 * @param bioMode the BIO mode the handshake ran in
 * @param peer the peer's address, if known: the real client's when a trusted proxy named
 * it in a PROXY protocol header
 * @param result the finished result (never {@code WANT_*})
 * @param proxy the address of the trusted proxy the connection came from, when it sent a
 * PROXY protocol header
 * @param proxyHeader what that header said (TLVs included), if one was sent
 */
public record HandshakeEvent(String listener, String engine, BioMode bioMode, @Nullable InetSocketAddress peer,
		AcceptResult result, @Nullable InetSocketAddress proxy, @Nullable ProxyHeader proxyHeader) {

	/**
	 * A finished handshake on a connection without a PROXY protocol header.
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode
	 * @param peer the peer's address, if known
	 * @param result the finished result
	 */
	public HandshakeEvent(String listener, String engine, BioMode bioMode, @Nullable InetSocketAddress peer,
			AcceptResult result) {
		this(listener, engine, bioMode, peer, result, null, null);
	}

	/**
	 * The address the connection came from: the trusted proxy's when it sent a PROXY
	 * protocol header, the peer's otherwise. Matches
	 * {@link HandshakeStarted#connecting()} of the same handshake.
	 * @return the connecting address, if known
	 */
	public @Nullable InetSocketAddress connecting() {
		return (this.proxy != null) ? this.proxy : this.peer;
	}

	/**
	 * Whether the connection was a load balancer's health check: a PROXY protocol v2
	 * {@code LOCAL} command (HAProxy's checks send one). Its outcome is recorded, but is
	 * not a client's failure.
	 * @return {@code true} for a health check
	 */
	public boolean healthCheck() {
		return this.proxyHeader != null && this.proxyHeader.local();
	}

}
