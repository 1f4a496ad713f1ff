package dev.tlsaccept.engine;

import org.jspecify.annotations.Nullable;

/**
 * What {@link TlsAcceptor#read}, {@link TlsAcceptor#write} and
 * {@link TlsAcceptor#shutdown()} returned, as {@code SSL_read()}, {@code SSL_write()} and
 * {@code SSL_shutdown()} do.
 *
 * @param code for read/write the number of bytes ({@code > 0}), else {@code 0} or
 * {@code -1}; for shutdown {@code 1} (both close_notify exchanged), {@code 0} (ours sent)
 * or {@code -1}
 * @param error the error, as {@code SSL_get_error()} reports it
 * @param reason a short human reason for a failure, else {@code null}
 */
public record IoResult(int code, SslError error, @Nullable String reason) {

	static final IoResult WANT_READ = new IoResult(-1, SslError.WANT_READ, null);

	static final IoResult WANT_WRITE = new IoResult(-1, SslError.WANT_WRITE, null);

	static final IoResult ZERO_RETURN = new IoResult(0, SslError.ZERO_RETURN, null);

	static IoResult bytes(int count) {
		return new IoResult(count, SslError.NONE, null);
	}

	/**
	 * Whether the operation transferred bytes or completed.
	 * @return {@code true} when {@link #error()} is {@link SslError#NONE}
	 */
	public boolean isOk() {
		return this.error == SslError.NONE;
	}

}
