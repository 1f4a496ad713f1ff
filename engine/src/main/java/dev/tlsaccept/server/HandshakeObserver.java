package dev.tlsaccept.server;

/**
 * Told about every finished handshake of a {@link TlsServer}: one call per accepted
 * connection, with the finished result (any code but {@code WANT_*}), refusals by limits
 * included; optionally also told when each admitted handshake starts. Called from server
 * threads (in the selector modes, one observer thread, in order: a handshake's start
 * before its end; never a selector thread): keep it quick and thread-safe; an exception
 * it throws is logged and ignored.
 */
@FunctionalInterface
public interface HandshakeObserver {

	/** An observer that does nothing. */
	HandshakeObserver NONE = (event) -> {
	};

	/**
	 * A handshake finished.
	 * @param event what happened
	 */
	void handshakeFinished(HandshakeEvent event);

	/**
	 * A connection was admitted and its handshake starts (a connection refused at once by
	 * a rule or a limit has no start, only its end). Its end is reported later by
	 * {@link #handshakeFinished}, unless the observer thread's queue was full (the event
	 * is then dropped and counted in {@link TlsServerStats#observerEventsDropped()}).
	 * Called only when {@link #observesStarts()} says so; does nothing by default.
	 * @param started what started
	 */
	default void handshakeStarted(HandshakeStarted started) {
	}

	/**
	 * Whether this observer wants {@link #handshakeStarted} calls: asked once, when a
	 * server is built. An observer that says no spares the observer thread an event per
	 * connection (under a flood of connections, half of its queue).
	 * @return {@code false} by default
	 */
	default boolean observesStarts() {
		return false;
	}

}
