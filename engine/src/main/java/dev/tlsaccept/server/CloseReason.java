package dev.tlsaccept.server;

/**
 * Why an established connection ended, as {@link TlsChannelHandler#closed} learns it.
 */
public enum CloseReason {

	/** The peer sent close_notify ({@code SSL_read} returned {@code 0 ZERO_RETURN}). */
	PEER_CLOSED,

	/**
	 * The peer closed the TCP connection without close_notify ({@code 0 SYSCALL},
	 * "unexpected eof while reading"): common for devices that lose power or for clients
	 * that do not shut TLS down.
	 */
	PEER_EOF,

	/** The connection was reset or another I/O error occurred ({@code -1 SYSCALL}). */
	RESET,

	/**
	 * The TLS layer failed: a record that does not decrypt, a refused renegotiation, an
	 * alert from the peer ({@code -1 SSL}).
	 */
	TLS_FAILURE,

	/**
	 * Nothing was read or written for the idle timeout: the listener sent close_notify
	 * and closed.
	 */
	IDLE_TIMEOUT,

	/**
	 * The connection reached its maximum lifetime: the listener sent close_notify and
	 * closed.
	 */
	LIFETIME_EXPIRED,

	/** The listener stopped and the connection outlived the shutdown timeout. */
	LISTENER_STOPPED,

	/** The application closed the connection ({@link TlsChannel#close()}). */
	CLOSED,

	/**
	 * A handler callback threw: the connection was closed with close_notify and the
	 * failure logged.
	 */
	HANDLER_FAILED

}
