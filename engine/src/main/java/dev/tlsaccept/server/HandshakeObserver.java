package dev.tlsaccept.server;

/**
 * Told about every finished handshake of a {@link TlsServer}: one call per accepted
 * connection, with the finished result (any code but {@code WANT_*}), refusals by limits
 * included. Called from server threads: keep it quick and thread-safe; an exception it
 * throws is logged and ignored.
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

}
