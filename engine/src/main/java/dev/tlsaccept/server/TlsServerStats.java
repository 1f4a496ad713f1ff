package dev.tlsaccept.server;

/**
 * A snapshot of a {@link TlsServer}'s connection counts.
 *
 * @param openConnections connections open now: pending handshakes plus established connections
 * @param pendingHandshakes handshakes in progress now
 * @param accepted connections accepted from the listening socket since start, refused ones included
 * @param handshakesSucceeded handshakes that completed ({@code 1 NONE})
 * @param handshakesFailed handshakes that ended in any other way (timeouts and cut ones included,
 * refusals by limits excluded)
 * @param refusedMaxConnections connections closed at once because {@code max-connections} was reached
 * @param refusedMaxPendingHandshakes connections closed at once because
 * {@code max-pending-handshakes} was reached
 */
public record TlsServerStats(int openConnections, int pendingHandshakes, long accepted, long handshakesSucceeded,
		long handshakesFailed, long refusedMaxConnections, long refusedMaxPendingHandshakes) {

}
