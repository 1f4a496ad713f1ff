package dev.tlsaccept.server;

import java.net.InetSocketAddress;
import java.time.Instant;

import dev.tlsaccept.engine.BioMode;

/**
 * A handshake started: a connection was accepted and admitted, as reported to
 * {@link HandshakeObserver#handshakeStarted}. Its end is the {@link HandshakeEvent} whose
 * {@link HandshakeEvent#connecting() connecting} address and listener are the same: the
 * remote address of a TCP connection is unique among a listener's open connections.
 *
 * @param listener the listener name
 * @param engine the engine name, e.g. {@code jdk}
 * @param bioMode the BIO mode the handshake runs in
 * @param connecting the connecting address: the client's, or a proxy's (whose PROXY
 * protocol header, not read yet, names the client)
 * @param time when the handshake started: the connection was accepted (selector modes),
 * or a handshake thread took it (blocking mode)
 */
public record HandshakeStarted(String listener, String engine, BioMode bioMode, InetSocketAddress connecting,
		Instant time) {

}
