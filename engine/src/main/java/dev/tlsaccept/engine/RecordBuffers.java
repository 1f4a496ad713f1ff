package dev.tlsaccept.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A {@link TlsAcceptor}'s buffers and its BIO: bytes from the network not yet unwrapped
 * ({@code netIn}), bytes the engine wrapped but the BIO did not take yet
 * ({@code netOut}), and plaintext unwrapped but not yet read ({@code appIn}), each kept
 * in write mode. A buffer exists only while it holds bytes: it grows on demand and is
 * given back once drained, so an idle connection keeps none (as Netty's
 * {@code SslHandler} releases its buffers between reads).
 *
 * <p>
 * Not thread-safe: the acceptor guards {@code netIn} and {@code appIn} with its read lock
 * and {@code netOut} with its write lock.
 */
final class RecordBuffers {

	static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/**
	 * What a handshake starts reading with, and what an empty non-blocking read grows to.
	 */
	static final int INITIAL_NET_IN = 4096;

	/**
	 * What a blocking data-phase read starts with when no bytes are buffered: a record
	 * header and some.
	 */
	static final int BLOCKING_READ_START = 64;

	private final Bio bio;

	ByteBuffer netIn = ByteBuffer.allocate(INITIAL_NET_IN);

	/** Stream offset of {@code netIn}'s index 0. */
	long netInBase;

	ByteBuffer netOut = EMPTY;

	ByteBuffer appIn = EMPTY;

	RecordBuffers(Bio bio) {
		this.bio = bio;
	}

	/**
	 * Unwrap what {@code netIn} holds into {@code target} ({@code appIn} or the caller's
	 * buffer), keeping {@code netIn} in write mode and its stream offset up to date.
	 * @param engine the engine
	 * @param target where the plaintext goes
	 * @return the engine's result
	 */
	SSLEngineResult unwrap(SSLEngine engine, ByteBuffer target) throws SSLException {
		this.netIn.flip();
		try {
			return engine.unwrap(this.netIn, target);
		}
		finally {
			this.netInBase += this.netIn.position();
			this.netIn.compact();
		}
	}

	/**
	 * After a {@code BUFFER_UNDERFLOW}: make room for a whole record when {@code netIn}
	 * is full.
	 * @param packetSize the engine's packet buffer size
	 */
	void roomForRecord(int packetSize) {
		if (!this.netIn.hasRemaining()) {
			this.netIn = grow(this.netIn, packetSize);
		}
	}

	/**
	 * Read from the BIO into {@code netIn}, growing it when full.
	 * @param timeoutMillis for a blocking BIO, how long to wait ({@code 0}: its default)
	 * @param initial the size an empty buffer starts with
	 * @return as {@link Bio#read}
	 */
	int read(long timeoutMillis, int initial) throws IOException {
		if (!this.netIn.hasRemaining()) {
			this.netIn = grow(this.netIn, Math.max(initial, this.netIn.capacity() * 2));
		}
		return this.bio.read(this.netIn, timeoutMillis);
	}

	/**
	 * Write pending output to the BIO.
	 * @return {@code true} when nothing is pending any more
	 */
	boolean flush() throws IOException {
		if (this.netOut.position() == 0) {
			return true;
		}
		this.netOut.flip();
		try {
			while (this.netOut.hasRemaining()) {
				if (this.bio.write(this.netOut) == 0) {
					return false;
				}
			}
			return true;
		}
		finally {
			this.netOut.compact();
		}
	}

	/** Flush, ignoring a peer that is gone: alerts are best effort, as in OpenSSL. */
	void flushQuietly() {
		try {
			flush();
		}
		catch (IOException ex) {
			// the peer may already be gone
		}
	}

	boolean hasPendingOutput() {
		return this.netOut.position() > 0;
	}

	/**
	 * Give {@code netOut} room for a record when it has none. The engine's session is
	 * asked for the packet size only then, not on every wrap (Netty's
	 * {@code getSession()} is synchronized).
	 * @param engine the engine that will wrap into it
	 */
	void ensureNetOut(SSLEngine engine) {
		if (this.netOut.capacity() == 0) {
			this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
		}
	}

	void ensureAppIn(int capacity) {
		if (this.appIn.capacity() < capacity) {
			this.appIn = grow(this.appIn, capacity);
		}
	}

	/**
	 * Move unread plaintext to the caller.
	 * @param dst the caller's buffer, in write mode
	 * @return how many bytes moved
	 */
	int drainAppIn(ByteBuffer dst) {
		this.appIn.flip();
		int count = Math.min(dst.remaining(), this.appIn.remaining());
		ByteBuffer slice = this.appIn.duplicate();
		slice.limit(slice.position() + count);
		dst.put(slice);
		this.appIn.position(this.appIn.position() + count);
		this.appIn.compact();
		return count;
	}

	/** Give back drained inbound buffers (read lock). */
	void trimInbound() {
		if (this.netIn.position() == 0 && this.netIn.capacity() > 0) {
			this.netIn = EMPTY;
		}
		if (this.appIn.position() == 0 && this.appIn.capacity() > 0) {
			this.appIn = EMPTY;
		}
	}

	/** Give back a drained outbound buffer (write lock). */
	void trimOutbound() {
		if (this.netOut.position() == 0 && this.netOut.capacity() > 0) {
			this.netOut = EMPTY;
		}
	}

	static ByteBuffer grow(ByteBuffer buffer, int capacity) {
		ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, buffer.capacity() + 1));
		buffer.flip();
		bigger.put(buffer);
		return bigger;
	}

}
