package dev.tlsaccept.engine;

/**
 * The error of a {@code TlsAcceptor} operation, as OpenSSL's {@code SSL_get_error()}
 * reports it.
 *
 * @see AcceptResult#error()
 */
public enum SslError {

	/** The operation completed ({@code SSL_ERROR_NONE}). */
	NONE,

	/**
	 * The BIO cannot supply input yet: call again once the socket is readable or bytes
	 * were moved into the pair ({@code SSL_ERROR_WANT_READ}). Never returned over a
	 * blocking BIO.
	 */
	WANT_READ,

	/**
	 * The BIO cannot take output yet: call again once the socket is writable or bytes
	 * were moved out of the pair ({@code SSL_ERROR_WANT_WRITE}). Never returned over a
	 * blocking BIO.
	 */
	WANT_WRITE,

	/**
	 * The engine's delegated tasks (the signature, the key exchange) run on the executor
	 * given to {@link TlsAcceptor#delegateTasks}: call again once it said they are done
	 * ({@code SSL_ERROR_WANT_ASYNC}). Only returned when tasks are delegated.
	 */
	WANT_ASYNC,

	/**
	 * The peer sent close_notify: the TLS connection was shut down in a controlled way.
	 */
	ZERO_RETURN,

	/**
	 * A protocol failure: the TLS layer refused the peer, or the peer sent a fatal alert.
	 */
	SSL,

	/**
	 * A transport failure: EOF that violates the protocol (with code {@code 0}),
	 * connection reset, I/O error or handshake timeout (with code {@code -1}).
	 */
	SYSCALL;

	/**
	 * Whether the caller should satisfy the BIO and call the operation again.
	 * @return {@code true} for {@link #WANT_READ}, {@link #WANT_WRITE} and
	 * {@link #WANT_ASYNC}
	 */
	public boolean isRetryable() {
		return this == WANT_READ || this == WANT_WRITE || this == WANT_ASYNC;
	}

}
