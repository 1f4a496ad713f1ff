package dev.tlsaccept.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.IoResult;
import dev.tlsaccept.engine.SslError;
import org.jspecify.annotations.Nullable;

/**
 * An established connection of a {@link TlsServer}: the parts every BIO mode shares.
 * Subclasses move the bytes; this class turns {@code SSL_read}/{@code SSL_write} results
 * into stream semantics and makes {@link #close()} idempotent.
 */
abstract class ServerConnection implements TlsConnection {

	/**
	 * How long a close waits for a handler's blocked operation to give way, after waking
	 * it.
	 */
	static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	/**
	 * How long a close waits for an operation to leave the acceptor once the socket is
	 * closed.
	 */
	static final long ABORT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final ServerCore core;

	private final AcceptResult handshake;

	private final @Nullable InetSocketAddress remoteAddress;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final InputStream input = new Input();

	private final OutputStream output = new Output();

	private final long openedNanos = System.nanoTime();

	private volatile long lastActivityNanos = this.openedNanos;

	private volatile long idleTimeoutNanos;

	private volatile long lifetimeNanos;

	private volatile @Nullable ScheduledExecutorService watch;

	private @Nullable ScheduledFuture<?> check;

	ServerConnection(ServerCore core, AcceptResult handshake, @Nullable InetSocketAddress remoteAddress) {
		this.core = core;
		this.handshake = handshake;
		this.remoteAddress = remoteAddress;
		this.idleTimeoutNanos = core.settings().idleTimeout().toNanos();
		this.lifetimeNanos = core.settings().maxLifetime().toNanos();
	}

	@Override
	public void setIdleTimeout(Duration timeout) {
		this.idleTimeoutNanos = Durations.notNegative("idle timeout", timeout).toNanos();
		rescheduleTimeoutCheck();
	}

	@Override
	public void setMaxLifetime(Duration lifetime) {
		this.lifetimeNanos = Durations.notNegative("max lifetime", lifetime).toNanos();
		rescheduleTimeoutCheck();
	}

	/**
	 * Watch the idle timeout and lifetime on a scheduler: one check when the connection
	 * would expire, re-scheduled while it is active (no per-read rescheduling).
	 * @param watch the scheduler
	 */
	void scheduleTimeoutCheck(ScheduledExecutorService watch) {
		this.watch = watch;
		rescheduleTimeoutCheck();
	}

	private synchronized void rescheduleTimeoutCheck() {
		ScheduledExecutorService watch = this.watch;
		if (watch == null || isClosed()) {
			return;
		}
		if (this.check != null) {
			this.check.cancel(false);
			this.check = null;
		}
		long due = nextDueNanos();
		if (due == Long.MAX_VALUE) {
			return;
		}
		try {
			this.check = watch.schedule(this::checkTimeouts, Math.max(0, due - System.nanoTime()),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the server is stopping
		}
	}

	private long nextDueNanos() {
		long due = Long.MAX_VALUE;
		if (this.idleTimeoutNanos > 0) {
			due = this.lastActivityNanos + this.idleTimeoutNanos;
		}
		if (this.lifetimeNanos > 0) {
			long end = this.openedNanos + this.lifetimeNanos;
			due = (due == Long.MAX_VALUE || end - due < 0) ? end : due;
		}
		return due;
	}

	private void checkTimeouts() {
		if (isClosed()) {
			return;
		}
		long now = System.nanoTime();
		if (this.lifetimeNanos > 0 && now - (this.openedNanos + this.lifetimeNanos) >= 0) {
			this.core.lifetimeExpired();
			close();
		}
		else if (this.idleTimeoutNanos > 0 && now - (this.lastActivityNanos + this.idleTimeoutNanos) >= 0) {
			this.core.idleTimedOut();
			close();
		}
		else {
			rescheduleTimeoutCheck();
		}
	}

	private void active() {
		this.lastActivityNanos = System.nanoTime();
	}

	@Override
	public String listenerName() {
		return this.core.name();
	}

	@Override
	public AcceptResult handshake() {
		return this.handshake;
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public InputStream inputStream() {
		return this.input;
	}

	@Override
	public OutputStream outputStream() {
		return this.output;
	}

	boolean isClosed() {
		return this.closed.get();
	}

	@Override
	public final void close() {
		close(System.nanoTime() + CLOSE_WAIT_NANOS);
	}

	/**
	 * Close: close_notify, then the socket. A handler operation in progress on another
	 * thread is woken (a read sees end of stream) and given until the deadline to leave;
	 * after it, the socket is closed under it.
	 * @param deadlineNanos until when to wait for a handler's operation, in
	 * {@link System#nanoTime()}
	 */
	final void close(long deadlineNanos) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		synchronized (this) {
			if (this.check != null) {
				this.check.cancel(false);
			}
		}
		try {
			closeTransport(deadlineNanos);
		}
		finally {
			this.core.connectionClosed(this);
		}
	}

	/**
	 * Read decrypted bytes, blocking until at least one is there.
	 * @param bytes where to put them
	 * @param offset the offset
	 * @param length at most how many, at least 1
	 * @return the result of {@code SSL_read}: bytes, {@code ZERO_RETURN}, or a failure
	 * @throws IOException on a transport failure outside the TLS layer
	 */
	abstract IoResult readBlocking(byte[] bytes, int offset, int length) throws IOException;

	/**
	 * Write all bytes, blocking.
	 * @param bytes the bytes
	 * @param offset the offset
	 * @param length how many
	 * @throws IOException on failure
	 */
	abstract void writeBlocking(byte[] bytes, int offset, int length) throws IOException;

	/**
	 * Whether a handler thread is in the middle of an operation on the connection.
	 * @return {@code true} while a read or write is in progress
	 */
	abstract boolean busy();

	/**
	 * Shut the socket's input down: a handler blocked reading sees end of stream. Never
	 * throws.
	 */
	abstract void wake();

	/**
	 * Close the socket under a handler blocked writing to a peer that does not read.
	 * Never throws.
	 */
	abstract void abort();

	/**
	 * Send close_notify and close the socket, as {@link #close(long)} describes. Never
	 * throws.
	 * @param deadlineNanos until when to wait for a handler's operation
	 */
	abstract void closeTransport(long deadlineNanos);

	static boolean tryLockUntil(Lock lock, long deadlineNanos) {
		try {
			return lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	IOException failure(String operation, IoResult result) {
		return new IOException("TLS " + operation + " failed on listener '" + listenerName() + "': " + result.code()
				+ " " + result.error() + ((result.reason() != null) ? " (" + result.reason() + ")" : ""));
	}

	private void ensureOpen() throws IOException {
		if (this.closed.get()) {
			throw new IOException("TLS connection of listener '" + listenerName() + "' is closed");
		}
	}

	private final class Input extends InputStream {

		private boolean ended;

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int count = read(one, 0, 1);
			return (count < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			if (length == 0) {
				return 0;
			}
			if (this.ended) {
				return -1;
			}
			ensureOpen();
			IoResult result = readBlocking(bytes, offset, length);
			active();
			if (result.isOk() && result.code() > 0) {
				return result.code();
			}
			// close_notify, or end of stream without it: both end the stream for the
			// handler
			if (result.error() == SslError.ZERO_RETURN || (result.error() == SslError.SYSCALL && result.code() == 0)) {
				this.ended = true;
				return -1;
			}
			if (isClosed()) {
				this.ended = true;
				return -1;
			}
			throw failure("read", result);
		}

		@Override
		public void close() {
			ServerConnection.this.close();
		}

	}

	private final class Output extends OutputStream {

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			ensureOpen();
			if (length > 0) {
				active();
				writeBlocking(bytes, offset, length);
				active();
			}
		}

		@Override
		public void close() {
			ServerConnection.this.close();
		}

	}

}
