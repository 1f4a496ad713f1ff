package dev.tlsaccept.server;

/**
 * A snapshot of a {@link TlsServer}'s connection counts.
 *
 * @param openConnections connections open now: pending handshakes plus established
 * connections
 * @param pendingHandshakes handshakes in progress now
 * @param accepted connections accepted from the listening socket since start, refused
 * ones included
 * @param handshakesSucceeded handshakes that completed ({@code 1 NONE})
 * @param handshakesFailed handshakes that ended in any other way (timeouts and cut ones
 * included, refusals by limits excluded)
 * @param refusedMaxConnections connections closed at once because {@code max-connections}
 * was reached
 * @param refusedMaxPendingHandshakes connections closed at once because
 * {@code max-pending-handshakes} was reached and no stalled handshake could make room
 * @param refusedDenied connections closed at once because their address is in a denied
 * block
 * @param refusedNotAllowed connections closed at once because their address is in no
 * allowed block
 * @param refusedMaxPendingHandshakesPerSource connections closed at once because their
 * source had {@code max-pending-handshakes-per-source} handshakes in progress
 * @param refusedMaxHandshakesPerSecondPerSource connections closed at once because their
 * source opened connections faster than {@code max-handshakes-per-second-per-source}
 * @param stalledHandshakesCut pending handshakes cut to make room for others: the most
 * silent one when the pending limit was reached, or one silent too long under pressure
 * (half the limit or more)
 * @param closedIdle established connections closed by their idle timeout
 * @param closedLifetime established connections closed at the end of their maximum
 * lifetime
 * @param observerEventsDropped handshake events not delivered because the observers fell
 * behind
 * @param renegotiationsRefused client-initiated renegotiations (a TLS 1.2 ClientHello on
 * an established connection) refused, as OpenSSL refuses them by default
 * @param handlerErrors exceptions thrown by the connection handler: a blocking
 * {@link TlsConnectionHandler}'s {@code handle}, or any callback of a
 * {@link TlsChannelHandler} ({@code closed} included); the connection is closed and the
 * exception logged
 */
public record TlsServerStats(int openConnections, int pendingHandshakes, long accepted, long handshakesSucceeded,
		long handshakesFailed, long refusedMaxConnections, long refusedMaxPendingHandshakes, long refusedDenied,
		long refusedNotAllowed, long refusedMaxPendingHandshakesPerSource, long refusedMaxHandshakesPerSecondPerSource,
		long stalledHandshakesCut, long closedIdle, long closedLifetime, long observerEventsDropped,
		long renegotiationsRefused, long handlerErrors) {

	/**
	 * Counts of a server without refusals by source, cuts or timeouts (all zero).
	 * @param openConnections connections open now
	 * @param pendingHandshakes handshakes in progress now
	 * @param accepted connections accepted since start
	 * @param handshakesSucceeded handshakes that completed
	 * @param handshakesFailed handshakes that ended in any other way
	 * @param refusedMaxConnections connections refused by {@code max-connections}
	 * @param refusedMaxPendingHandshakes connections refused by
	 * {@code max-pending-handshakes}
	 */
	public TlsServerStats(int openConnections, int pendingHandshakes, long accepted, long handshakesSucceeded,
			long handshakesFailed, long refusedMaxConnections, long refusedMaxPendingHandshakes) {
		this(openConnections, pendingHandshakes, accepted, handshakesSucceeded, handshakesFailed, refusedMaxConnections,
				refusedMaxPendingHandshakes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	}

	/**
	 * Connections refused at once by any rule, limits and source rules together.
	 * @return the sum of every {@code refused...} count
	 */
	public long refused() {
		return this.refusedMaxConnections + this.refusedMaxPendingHandshakes + this.refusedDenied
				+ this.refusedNotAllowed + this.refusedMaxPendingHandshakesPerSource
				+ this.refusedMaxHandshakesPerSecondPerSource;
	}

}
