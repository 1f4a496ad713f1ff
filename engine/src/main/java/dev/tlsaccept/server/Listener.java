package dev.tlsaccept.server;

import java.net.InetSocketAddress;

/**
 * The accepting side of a {@link TlsServer} in one BIO mode: a bound socket, the threads
 * that accept connections and run their handshakes. Established connections are the
 * core's.
 */
interface Listener {

	/**
	 * The bound address.
	 * @return the local address of the listening socket
	 */
	InetSocketAddress localAddress();

	/**
	 * Start the threads. On failure, everything started is stopped again.
	 */
	void start();

	/**
	 * Stop accepting: close the listening socket and cut pending handshakes (each
	 * reported once); established connections go on being served. Idempotent.
	 */
	void stopAccepting();

	/**
	 * Stop accepting, cut pending handshakes, close the listening socket and join every
	 * thread the listener started; event-driven connections still open are aborted.
	 * Idempotent; safe after a failed {@link #start()}.
	 */
	void stop();

}
