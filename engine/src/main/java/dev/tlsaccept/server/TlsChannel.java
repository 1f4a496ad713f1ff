package dev.tlsaccept.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import dev.tlsaccept.engine.AcceptResult;
import org.jspecify.annotations.Nullable;

/**
 * An established TLS connection served by the listener's selector threads, handed to a
 * {@link TlsChannelHandler}. It holds no thread: the handler is called when decrypted
 * bytes arrive, when queued output has drained and when the connection ends.
 *
 * <p>
 * Every method is thread-safe and never blocks: a handler may answer from the selector
 * thread inside a callback, or from any other thread after handing work to an executor.
 * {@link #write(ByteBuffer)} encrypts ({@code SSL_write}) and sends what the socket takes
 * at once and queues the rest; it returns {@code false} when the queue is above the
 * high-water mark (the peer reads slower than the application writes): stop producing
 * until {@link TlsChannelHandler#writable(TlsChannel)} is called. A write that would
 * queue more than {@link #MAX_QUEUED_BYTES} is refused with an
 * {@link IllegalStateException}: output never grows without bound.
 */
public interface TlsChannel {

	/** Queued output above which {@link #write} returns {@code false}: 64 KiB. */
	int HIGH_WATER_MARK = 64 * 1024;

	/**
	 * Queued output below which a handler told {@code false} is called
	 * {@code writable()}: 16 KiB.
	 */
	int LOW_WATER_MARK = 16 * 1024;

	/** Queued output beyond which a write is refused: 4 MiB. */
	int MAX_QUEUED_BYTES = 4 * 1024 * 1024;

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
	 * Encrypt and send bytes, without blocking: what the socket does not take at once is
	 * queued (a copy) and sent when the socket is writable again, in order.
	 * @param data the bytes, in read mode; consumed entirely (its position moves to its
	 * limit)
	 * @return {@code true} when the application may go on writing; {@code false} when the
	 * queue is above {@link #HIGH_WATER_MARK}: wait for
	 * {@link TlsChannelHandler#writable}
	 * @throws IllegalStateException when the queue would exceed
	 * {@link #MAX_QUEUED_BYTES}, or the connection is closing or closed
	 */
	boolean write(ByteBuffer data);

	/**
	 * Whether a write now would be accepted without exceeding the high-water mark.
	 * @return {@code true} while queued output is below {@link #HIGH_WATER_MARK} and the
	 * connection is open
	 */
	boolean isWritable();

	/**
	 * How many plaintext bytes wait to be encrypted and sent.
	 * @return the queued byte count
	 */
	long queuedBytes();

	/**
	 * Stop reading from the peer until {@link #resumeReading()}: TCP then pushes back on
	 * the peer (inbound back-pressure, e.g. while an executor works through what
	 * arrived).
	 */
	void pauseReading();

	/**
	 * Read from the peer again after {@link #pauseReading()}.
	 */
	void resumeReading();

	/**
	 * Override the listener's idle timeout for this connection.
	 * @param timeout how long the connection may stay without reads and writes before the
	 * listener closes it with close_notify; {@link Duration#ZERO} for none
	 */
	void setIdleTimeout(Duration timeout);

	/**
	 * Override the listener's maximum lifetime for this connection, counted from the end
	 * of the handshake.
	 * @param lifetime how long the connection may stay open at most;
	 * {@link Duration#ZERO} for no limit
	 */
	void setMaxLifetime(Duration lifetime);

	/**
	 * Attach an object to the connection, e.g. the state of the application's protocol.
	 * @param attachment the object, or {@code null} to remove it
	 */
	void attach(@Nullable Object attachment);

	/**
	 * The object attached with {@link #attach(Object)}.
	 * @return the attachment, or {@code null}
	 */
	@Nullable Object attachment();

	/**
	 * Close gracefully: send what is queued, then close_notify ({@code SSL_shutdown}),
	 * then close the socket; the handler is told {@link CloseReason#CLOSED}. Idempotent.
	 */
	void close();

	/**
	 * Whether the connection is still open: not closed by either side nor closing.
	 * @return {@code true} until {@link #close()} or the end of the connection
	 */
	boolean isOpen();

}
