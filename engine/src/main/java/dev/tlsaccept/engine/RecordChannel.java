package dev.tlsaccept.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * The data phase of an established connection, {@code SSL_read}, {@code SSL_write} and
 * {@code SSL_shutdown} over the engine, buffers and BIO its {@link TlsAcceptor} handshook
 * with: a record is unwrapped straight into the caller's buffer when it fits (else
 * through {@code appIn}), application bytes are wrapped into {@code netOut} and flushed,
 * post-handshake messages (a TLS 1.3 KeyUpdate) are answered, renegotiation is refused,
 * and close_notify goes both ways. The acceptor checks that the handshake is done before
 * it calls in.
 *
 * <p>
 * Reads and writes may come from two threads at once (a blocking handler's reader and
 * writer). Lock order: {@link #readLock} before {@link #writeLock} (a read may write: an
 * alert, a KeyUpdate answer), never the other way round. Locks, not monitors: a virtual
 * thread blocked on the socket inside {@code synchronized} would pin its carrier thread
 * on JDK 21 to 23.
 */
final class RecordChannel {

	private static final ByteBuffer EMPTY = RecordBuffers.EMPTY;

	/** What the data phase tells the acceptor it belongs to. */
	interface Owner {

		/** The connection failed: the acceptor refuses further reads and writes. */
		void failed();

		/**
		 * Let the engine produce the alert it queued for a failure, and send it.
		 * @param failure the engine's failure
		 * @return the alert sent, when known
		 */
		@Nullable TlsAlert sendAlertFor(SSLException failure);

		/**
		 * How the engine's failures read in OpenSSL's terms.
		 * @return the engine's translator
		 */
		FailureTranslator failures();

		/**
		 * Whether the engine refuses a renegotiation by itself with a warning and carries
		 * on.
		 * @return see {@link TlsEngineContext#refusesRenegotiationWithWarning()}
		 */
		boolean refusesRenegotiationWithWarning();

		/**
		 * A client-initiated renegotiation was refused: count it.
		 * @param alert the alert sent for it, or {@code null} when none could be
		 * (SunJSSE)
		 */
		void renegotiationRefused(@Nullable TlsAlert alert);

	}

	private final SSLEngine engine;

	private final Bio bio;

	private final RecordBuffers buffers;

	private final DelegatedTasks tasks;

	private final Owner owner;

	/** Guards {@code netIn} and {@code appIn}. */
	private final ReentrantLock readLock = new ReentrantLock();

	/** Guards {@code netOut} and BIO writes. */
	private final ReentrantLock writeLock = new ReentrantLock();

	private volatile boolean inboundClosed;

	private volatile boolean outboundClosed;

	RecordChannel(SSLEngine engine, Bio bio, RecordBuffers buffers, DelegatedTasks tasks, Owner owner) {
		this.engine = engine;
		this.bio = bio;
		this.buffers = buffers;
		this.tasks = tasks;
		this.owner = owner;
	}

	/** The peer's close_notify arrived. */
	boolean isInboundClosed() {
		return this.inboundClosed;
	}

	/** Our close_notify was sent (or the engine's outbound side closed). */
	boolean isOutboundClosed() {
		return this.outboundClosed;
	}

	/**
	 * Read application data, as {@code SSL_read()} does.
	 * @param dst the buffer to fill, in write mode
	 * @return the number of bytes read ({@code > 0}); {@code -1 WANT_READ/WANT_WRITE};
	 * {@code 0
	 * ZERO_RETURN} once the peer sent close_notify; {@code 0 SYSCALL} on EOF without
	 * close_notify; {@code -1 SSL} or {@code -1 SYSCALL} on failure
	 */
	IoResult read(ByteBuffer dst) {
		if (!dst.hasRemaining()) {
			return IoResult.bytes(0);
		}
		this.readLock.lock();
		try {
			return readLocked(dst);
		}
		finally {
			this.buffers.trimInbound();
			this.readLock.unlock();
		}
	}

	private IoResult readLocked(ByteBuffer dst) {
		try {
			while (true) {
				if (this.buffers.appIn.position() > 0) {
					return IoResult.bytes(this.buffers.drainAppIn(dst));
				}
				if (this.inboundClosed) {
					return IoResult.ZERO_RETURN;
				}
				if (!flushLocked()) {
					return IoResult.WANT_WRITE;
				}
				// a destination that holds a whole record takes it directly: no
				// application buffer
				int before = dst.position();
				boolean direct = dst.remaining() >= this.engine.getSession().getApplicationBufferSize();
				boolean progress = unwrapData(direct ? dst : null);
				if (dst.position() > before) {
					return IoResult.bytes(dst.position() - before);
				}
				if (!progress) {
					IoResult waiting = readData(0);
					if (waiting != null) {
						return waiting;
					}
				}
			}
		}
		catch (RenegotiationRefusedException ex) {
			this.owner.failed();
			this.inboundClosed = true;
			return new IoResult(-1, SslError.SSL, RenegotiationRefusal.REASON);
		}
		catch (SSLException ex) {
			TlsAlert alert = this.owner.failures().receivedAlert(ex);
			this.writeLock.lock();
			try {
				TlsAlert sent = this.owner.sendAlertFor(ex);
				if (alert == null) {
					alert = sent;
				}
			}
			finally {
				this.writeLock.unlock();
			}
			this.owner.failed();
			return new IoResult(-1, SslError.SSL, this.owner.failures().translate(ex, alert, false).reason());
		}
		catch (IOException ex) {
			return new IoResult(-1, SslError.SYSCALL, Failures.io(ex).reason());
		}
	}

	/**
	 * Unwrap one record of the data phase.
	 * @param direct where to put the plaintext, or {@code null} for {@code appIn}
	 * @return {@code true} on progress, {@code false} when more input is needed
	 */
	private boolean unwrapData(@Nullable ByteBuffer direct) throws SSLException {
		if (!this.tasks.unwrapDue(this.buffers)) {
			return false;
		}
		if (direct == null) {
			this.buffers.ensureAppIn(applicationSize());
		}
		boolean renegotiation = RenegotiationRefusal.isRenegotiation(this.buffers.netIn, this.engine);
		SSLEngineResult result = this.buffers.unwrap(this.engine, (direct != null) ? direct : this.buffers.appIn);
		switch (result.getStatus()) {
			case BUFFER_UNDERFLOW -> {
				this.buffers.roomForRecord(packetSize());
				return false;
			}
			case BUFFER_OVERFLOW -> {
				if (direct != null) {
					// the engine wants more room than it said: take the record through
					// appIn
					this.buffers.ensureAppIn(applicationSize());
				}
				this.buffers.appIn = RecordBuffers.grow(this.buffers.appIn,
						this.buffers.appIn.capacity() + applicationSize());
				return true;
			}
			case CLOSED -> {
				this.inboundClosed = true;
				return true;
			}
			default -> {
			}
		}
		// post-handshake messages: a TLS 1.2 ClientHello on an established connection
		// (client-initiated renegotiation) is refused; TLS 1.3 KeyUpdate is answered
		HandshakeStatus status = result.getHandshakeStatus();
		if (renegotiation) {
			refuseRenegotiation(status);
			return true;
		}
		while (status == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_WRAP) {
			if (status == HandshakeStatus.NEED_TASK) {
				this.tasks.run(); // inline in the data phase
			}
			else {
				this.writeLock.lock();
				try {
					this.buffers.ensureNetOut(this.engine);
					SSLEngineResult wrapped = this.engine.wrap(EMPTY, this.buffers.netOut);
					if (wrapped.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW || wrapped.bytesProduced() == 0) {
						break;
					}
				}
				finally {
					this.writeLock.unlock();
				}
			}
			status = this.engine.getHandshakeStatus();
		}
		return true;
	}

	/**
	 * Write application data, as {@code SSL_write()} does.
	 * @param src the bytes to write, in read mode; its position advances by the count
	 * written
	 * @return the number of bytes written (all of them over a blocking BIO, possibly
	 * fewer over a non-blocking one); {@code -1 WANT_WRITE} when nothing could be
	 * written; {@code -1 SSL} or {@code -1 SYSCALL} on failure
	 */
	IoResult write(ByteBuffer src) {
		if (this.outboundClosed) {
			return new IoResult(-1, SslError.SSL, "protocol is shutdown");
		}
		this.writeLock.lock();
		try {
			return writeLocked(src);
		}
		finally {
			this.buffers.trimOutbound();
			this.writeLock.unlock();
		}
	}

	private IoResult writeLocked(ByteBuffer src) {
		try {
			if (!this.buffers.flush()) {
				return IoResult.WANT_WRITE;
			}
			int written = 0;
			while (src.hasRemaining()) {
				this.buffers.ensureNetOut(this.engine);
				SSLEngineResult result = this.engine.wrap(src, this.buffers.netOut);
				written += result.bytesConsumed();
				if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
					return new IoResult(-1, SslError.SSL, "protocol is shutdown");
				}
				if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
						&& this.buffers.netOut.position() == 0) {
					this.buffers.netOut = RecordBuffers.grow(this.buffers.netOut, packetSize());
				}
				if (!this.buffers.flush()) {
					return (written > 0) ? IoResult.bytes(written) : IoResult.WANT_WRITE;
				}
			}
			return IoResult.bytes(written);
		}
		catch (SSLException ex) {
			this.owner.failed();
			return new IoResult(-1, SslError.SSL, this.owner.failures().translate(ex, null, false).reason());
		}
		catch (IOException ex) {
			return new IoResult(-1, SslError.SYSCALL, Failures.io(ex).reason());
		}
	}

	/**
	 * Shut the TLS connection down, as {@code SSL_shutdown()} does: the first call sends
	 * close_notify and returns {@code 0}, or {@code 1} when the peer's close_notify was
	 * already received; a later call waits for the peer's close_notify and returns
	 * {@code 1}.
	 * @return {@code 1}, {@code 0}, or {@code -1} with {@code WANT_READ/WANT_WRITE} or a
	 * failure
	 */
	IoResult shutdown() {
		try {
			boolean firstCall;
			this.writeLock.lock();
			try {
				firstCall = !this.outboundClosed;
				if (firstCall) {
					this.outboundClosed = true;
					this.engine.closeOutbound();
					this.buffers.ensureNetOut(this.engine);
					while (!this.engine.isOutboundDone()) {
						SSLEngineResult result = this.engine.wrap(EMPTY, this.buffers.netOut);
						if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
							if (!this.buffers.flush()) {
								return IoResult.WANT_WRITE;
							}
						}
						else if (result.bytesProduced() == 0) {
							break;
						}
					}
				}
				if (!this.buffers.flush()) {
					return IoResult.WANT_WRITE;
				}
			}
			finally {
				this.writeLock.unlock();
			}
			if (this.inboundClosed) {
				return new IoResult(1, SslError.NONE, null);
			}
			if (firstCall) {
				return new IoResult(0, SslError.NONE, null);
			}
			this.readLock.lock();
			try {
				return awaitPeerCloseNotify();
			}
			finally {
				this.readLock.unlock();
			}
		}
		catch (SSLException ex) {
			return new IoResult(-1, SslError.SSL, this.owner.failures().translate(ex, null, false).reason());
		}
		catch (IOException ex) {
			return new IoResult(-1, SslError.SYSCALL, Failures.io(ex).reason());
		}
	}

	/**
	 * Read more network bytes in the data phase.
	 * @param eofCode the code for EOF without close_notify: {@code 0} for
	 * {@code SSL_read}, {@code -1} for {@code SSL_shutdown}
	 * @return {@code null} when bytes arrived, else the result to return
	 */
	private @Nullable IoResult readData(int eofCode) throws IOException {
		// a blocking read of an idle connection waits with a record header's worth of
		// buffer, not
		// 4 KiB: the buffer grows to the record once its header came
		int count = this.buffers.read(0,
				this.bio.isBlocking() ? RecordBuffers.BLOCKING_READ_START : RecordBuffers.INITIAL_NET_IN);
		if (count == 0) {
			return IoResult.WANT_READ;
		}
		if (count < 0) {
			return new IoResult(eofCode, SslError.SYSCALL, Failures.UNEXPECTED_EOF);
		}
		return null;
	}

	/**
	 * The second {@code SSL_shutdown()}: read, discarding data, until the peer's
	 * close_notify.
	 */
	private IoResult awaitPeerCloseNotify() throws IOException {
		while (!this.inboundClosed) {
			this.buffers.appIn.clear();
			if (!unwrapData(null)) {
				IoResult waiting = readData(-1);
				if (waiting != null) {
					return waiting;
				}
			}
		}
		return new IoResult(1, SslError.NONE, null);
	}

	/**
	 * Refuse a client-initiated renegotiation, as OpenSSL 3 does by default: the alert
	 * goes out with the next flush; when the engine's refusal ends the connection, it
	 * goes out now.
	 * @throws RenegotiationRefusedException when the connection ends
	 */
	private void refuseRenegotiation(HandshakeStatus status) throws RenegotiationRefusedException {
		this.writeLock.lock();
		try {
			this.buffers.ensureNetOut(this.engine);
			RenegotiationRefusal.Outcome outcome = RenegotiationRefusal.refuse(this.engine, status,
					this.owner.refusesRenegotiationWithWarning(), this.buffers.netOut);
			this.owner.renegotiationRefused(outcome.alert());
			if (!outcome.connectionKept()) {
				this.outboundClosed = true;
				this.buffers.flushQuietly();
				throw new RenegotiationRefusedException();
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/** A TLS 1.2 client tried to renegotiate, and the refusal ended the connection. */
	private static final class RenegotiationRefusedException extends SSLException {

		RenegotiationRefusedException() {
			super(RenegotiationRefusal.REASON);
		}

	}

	private boolean flushLocked() throws IOException {
		this.writeLock.lock();
		try {
			return this.buffers.flush();
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Whether encrypted bytes wait for the BIO to take them (a non-blocking socket that
	 * was full).
	 * @return {@code true} when the next {@link #write} (even of nothing) must flush
	 * first
	 */
	boolean hasPendingOutput() {
		this.writeLock.lock();
		try {
			return this.buffers.hasPendingOutput();
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private int packetSize() {
		return this.engine.getSession().getPacketBufferSize();
	}

	private int applicationSize() {
		return this.engine.getSession().getApplicationBufferSize();
	}

}
