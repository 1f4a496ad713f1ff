package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * What the handshake state machine reads network bytes from and writes them to: OpenSSL's
 * BIO. One state machine, three ways to feed it.
 */
interface Bio {

	/**
	 * Read network bytes into {@code dst}.
	 * @param dst the buffer to fill, in write mode
	 * @param timeoutMillis for a blocking BIO, how long to wait ({@code 0}: the BIO's own
	 * default); ignored otherwise
	 * @return the number of bytes read; {@code 0} when a non-blocking BIO has none yet;
	 * {@code -1} at end of stream
	 * @throws java.net.SocketTimeoutException when a blocking read timed out
	 * @throws IOException on a transport error (reset)
	 */
	int read(ByteBuffer dst, long timeoutMillis) throws IOException;

	/**
	 * Write network bytes from {@code src}; a blocking BIO writes them all.
	 * @param src the bytes to write, in read mode
	 * @return the number written; {@code 0} when a non-blocking BIO cannot take any yet
	 * @throws IOException on a transport error
	 */
	int write(ByteBuffer src) throws IOException;

	boolean isBlocking();

	BioMode mode();

	@Nullable InetSocketAddress remoteAddress();

	/**
	 * Close the transport (for a socket) or mark the pair closed.
	 */
	void close();

}
