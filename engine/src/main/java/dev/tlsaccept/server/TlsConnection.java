package dev.tlsaccept.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.tlsaccept.engine.AcceptResult;
import org.jspecify.annotations.Nullable;

/**
 * An established TLS connection handed to a {@link TlsConnectionHandler}, with blocking
 * streams. Not thread-safe across directions beyond what a socket allows: one thread may
 * read while another writes.
 */
public interface TlsConnection extends AutoCloseable {

	/**
	 * The name of the listener that accepted the connection.
	 * @return the listener name
	 */
	String listenerName();

	/**
	 * The result of the completed handshake: protocol, cipher suite, SNI, ALPN, client
	 * certificates.
	 * @return the handshake result ({@code 1 NONE})
	 */
	AcceptResult handshake();

	/**
	 * The peer's address.
	 * @return the address, or {@code null} when unknown
	 */
	@Nullable InetSocketAddress remoteAddress();

	/**
	 * The decrypted bytes from the peer. Blocking; {@code read()} returns {@code -1}
	 * after the peer's close_notify (or at end of stream) and throws
	 * {@link java.io.IOException} on failure.
	 * @return the input stream, the same on every call
	 */
	InputStream inputStream();

	/**
	 * The bytes to encrypt and send to the peer. Blocking; a write writes everything.
	 * @return the output stream, the same on every call
	 */
	OutputStream outputStream();

	/**
	 * Override the listener's idle timeout for this connection: when nothing was read or
	 * written for that long, the listener sends close_notify and closes it (a blocked
	 * read then ends).
	 * @param timeout the timeout; {@link Duration#ZERO} for none
	 */
	void setIdleTimeout(Duration timeout);

	/**
	 * Override the listener's maximum lifetime for this connection, counted from the end
	 * of the handshake.
	 * @param lifetime the lifetime; {@link Duration#ZERO} for no limit
	 */
	void setMaxLifetime(Duration lifetime);

	/**
	 * Send close_notify ({@code SSL_shutdown}) then close the socket. Idempotent.
	 */
	@Override
	void close();

}
