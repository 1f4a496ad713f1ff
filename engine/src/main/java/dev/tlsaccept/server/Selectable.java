package dev.tlsaccept.server;

/**
 * What an {@link EventLoop} registers a channel for: a pending handshake or an
 * established event-driven connection. Called on the loop thread only.
 */
interface Selectable {

	/**
	 * The channel is ready for what its key's interest asked.
	 * @param readyOps the ready operations of the key
	 */
	void ready(int readyOps);

	/**
	 * The loop stops: end at once (cut a handshake, abort a connection), reporting it
	 * once.
	 */
	void loopStopped();

}
