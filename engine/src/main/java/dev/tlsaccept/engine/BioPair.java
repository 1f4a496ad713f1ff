package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * An in-memory BIO pair, like OpenSSL's {@code BIO_new_bio_pair()}: two bounded buffers
 * between a {@link TlsAcceptor} (the engine side) and the caller (the network side), who
 * moves bytes between the pair and any transport. TLS over anything: a message queue, a
 * test, a socket you pump yourself.
 *
 * <pre class="code">
 * BioPair pair = BioPair.create();
 * TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
 * ByteBuffer fromPeer = ByteBuffer.allocate(0);
 * AcceptResult result;
 * do {
 *     result = acceptor.accept();
 *     transport.send(pair.drainToNetwork()); // after every call, 1 included
 *     if (result.error() == SslError.WANT_READ) {
 *         if (!fromPeer.hasRemaining()) {
 *             fromPeer = transport.receive();
 *         }
 *         pair.writeFromNetwork(fromPeer);
 *     }
 * }
 * while (result.error().isRetryable());
 * </pre>
 *
 * <p>
 * <strong>Drain the network side after every call</strong> to {@code accept()},
 * {@code read}, {@code write} and {@code shutdown}, whatever it returned: a call that
 * returns {@code 1} can have written bytes the peer still needs. On TLS 1.2 the server's
 * last flight (NewSessionTicket, ChangeCipherSpec and Finished: 807 bytes with the
 * {@code jdk} engine) is written by the very call that completes the handshake; on TLS
 * 1.3 session tickets may follow. A loop that sends only while {@code accept()} returns
 * {@code WANT_*} leaves them in the pair, and a TLS 1.2 client waits for them forever.
 * {@link #drainToNetwork()} takes everything pending in one call.
 *
 * <p>
 * When the inbound buffer is empty the acceptor reports {@code WANT_READ}; when the
 * outbound buffer is full it reports {@code WANT_WRITE}. Call {@link #endOfInput()} when
 * the transport reached end of stream, and {@link #inputFailed(IOException)} when it
 * failed. Thread-safe: the network side may be driven from another thread than the
 * acceptor.
 */
public final class BioPair {

	/**
	 * Default capacity of each direction: one maximum-size TLS record and its header,
	 * twice.
	 */
	public static final int DEFAULT_CAPACITY = 2 * (16 * 1024 + 2048 + 5);

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/** The smallest buffer a direction grows to when bytes come. */
	private static final int MIN_BUFFER = 4096;

	private final int capacity;

	/** Bytes from the network for the engine; kept in write mode, empty when drained. */
	private ByteBuffer inbound = EMPTY;

	/** Bytes from the engine for the network; kept in write mode, empty when drained. */
	private ByteBuffer outbound = EMPTY;

	private boolean inputEnded;

	private @Nullable IOException inputFailure;

	private boolean closed;

	private BioPair(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * A direction's buffer with room for {@code count} more bytes: buffers grow on demand
	 * up to the capacity and are given back when drained, so an idle pair holds no
	 * buffer.
	 */
	private ByteBuffer room(ByteBuffer buffer, int count) {
		if (buffer.remaining() >= count) {
			return buffer;
		}
		int size = Math.min(this.capacity,
				Math.max(Math.max(MIN_BUFFER, buffer.position() + count), buffer.capacity() * 2));
		ByteBuffer bigger = ByteBuffer.allocate(size);
		buffer.flip();
		bigger.put(buffer);
		return bigger;
	}

	private static ByteBuffer drained(ByteBuffer buffer) {
		return (buffer.position() == 0) ? EMPTY : buffer;
	}

	/**
	 * A pair with {@link #DEFAULT_CAPACITY} bytes in each direction.
	 * @return a new pair
	 */
	public static BioPair create() {
		return new BioPair(DEFAULT_CAPACITY);
	}

	/**
	 * A pair with the given capacity in each direction.
	 * @param capacity bytes each buffer holds, at least 1
	 * @return a new pair
	 */
	public static BioPair create(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1 byte, was " + capacity);
		}
		return new BioPair(capacity);
	}

	/**
	 * Move bytes received from the peer into the pair, as many as fit.
	 * @param src bytes from the transport, in read mode; its position advances
	 * @return the number of bytes taken, {@code 0} when the pair is full
	 * @throws IllegalStateException after {@link #endOfInput()}
	 */
	public synchronized int writeFromNetwork(ByteBuffer src) {
		if (!src.hasRemaining()) {
			return 0;
		}
		if (this.inputEnded) {
			throw new IllegalStateException("endOfInput() was called: no more bytes can come from the network");
		}
		int count = Math.min(src.remaining(), this.capacity - this.inbound.position());
		if (count > 0) {
			this.inbound = room(this.inbound, count);
			ByteBuffer slice = src.duplicate();
			slice.limit(slice.position() + count);
			this.inbound.put(slice);
			src.position(src.position() + count);
		}
		return count;
	}

	/**
	 * Move bytes the engine produced out of the pair, to be sent to the peer.
	 * @param dst the buffer to fill, in write mode
	 * @return the number of bytes moved, {@code 0} when there are none
	 */
	public synchronized int readToNetwork(ByteBuffer dst) {
		this.outbound.flip();
		try {
			int count = Math.min(dst.remaining(), this.outbound.remaining());
			if (count > 0) {
				ByteBuffer slice = this.outbound.duplicate();
				slice.limit(slice.position() + count);
				dst.put(slice);
				this.outbound.position(this.outbound.position() + count);
			}
			return count;
		}
		finally {
			this.outbound.compact();
			this.outbound = drained(this.outbound);
		}
	}

	/**
	 * Take every byte the engine produced, to be sent to the peer: call it after every
	 * call to the acceptor, also one that returned {@code 1} (see the class
	 * documentation).
	 * @return a new buffer in read mode with the pending outbound bytes; empty (no
	 * remaining bytes) when there are none
	 */
	public synchronized ByteBuffer drainToNetwork() {
		ByteBuffer pending = ByteBuffer.allocate(this.outbound.position());
		readToNetwork(pending);
		return pending.flip();
	}

	/**
	 * How many bytes wait to be sent to the peer.
	 * @return pending outbound bytes
	 */
	public synchronized int pendingToNetwork() {
		return this.outbound.position();
	}

	/**
	 * How many bytes from the peer the pair can take now.
	 * @return free inbound space
	 */
	public synchronized int spaceFromNetwork() {
		return this.capacity - this.inbound.position();
	}

	/**
	 * The transport reached end of stream: once the buffered bytes are consumed, the
	 * acceptor sees EOF.
	 */
	public synchronized void endOfInput() {
		this.inputEnded = true;
	}

	/**
	 * The transport failed (e.g. connection reset): once the buffered bytes are consumed,
	 * the acceptor sees this error.
	 * @param cause the transport's exception
	 */
	public synchronized void inputFailed(IOException cause) {
		this.inputFailure = cause;
	}

	/**
	 * Whether the acceptor closed its side.
	 * @return {@code true} once the acceptor was closed
	 */
	public synchronized boolean isClosed() {
		return this.closed;
	}

	synchronized int engineRead(ByteBuffer dst) throws IOException {
		this.inbound.flip();
		try {
			int count = Math.min(dst.remaining(), this.inbound.remaining());
			if (count > 0) {
				ByteBuffer slice = this.inbound.duplicate();
				slice.limit(slice.position() + count);
				dst.put(slice);
				this.inbound.position(this.inbound.position() + count);
				return count;
			}
			if (this.inbound.hasRemaining() || dst.remaining() == 0) {
				return 0;
			}
			if (this.inputFailure != null) {
				throw this.inputFailure;
			}
			return this.inputEnded ? -1 : 0;
		}
		finally {
			this.inbound.compact();
			this.inbound = drained(this.inbound);
		}
	}

	synchronized int engineWrite(ByteBuffer src) {
		int count = Math.min(src.remaining(), this.capacity - this.outbound.position());
		if (count > 0) {
			this.outbound = room(this.outbound, count);
			ByteBuffer slice = src.duplicate();
			slice.limit(slice.position() + count);
			this.outbound.put(slice);
			src.position(src.position() + count);
		}
		return count;
	}

	synchronized void engineClose() {
		this.closed = true;
	}

	Bio engineSide(@Nullable InetSocketAddress peer) {
		return new Bio() {

			@Override
			public int read(ByteBuffer dst, long timeoutMillis) throws IOException {
				return engineRead(dst);
			}

			@Override
			public int write(ByteBuffer src) {
				return engineWrite(src);
			}

			@Override
			public boolean isBlocking() {
				return false;
			}

			@Override
			public BioMode mode() {
				return BioMode.PAIR;
			}

			@Override
			public @Nullable InetSocketAddress remoteAddress() {
				return peer;
			}

			@Override
			public void close() {
				engineClose();
			}

		};
	}

}
