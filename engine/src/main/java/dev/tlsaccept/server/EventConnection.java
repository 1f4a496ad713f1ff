package dev.tlsaccept.server;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.IoResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;
import org.jspecify.annotations.Nullable;

/**
 * An established connection served by its {@link EventLoop} for a
 * {@link TlsChannelHandler}: {@code SSL_read} on readiness into the loop's shared buffer,
 * {@code SSL_write} of a queue of plaintext chunks, {@code SSL_shutdown} on close.
 * Everything but the public {@link TlsChannel} methods runs on the loop thread; those
 * post to the loop when called from elsewhere.
 *
 * <p>
 * What an idle connection keeps: this object, its acceptor (the engine's session state,
 * no network or application buffer: they are released when drained), the channel and its
 * key, and two timers. No thread.
 */
final class EventConnection implements TlsChannel, Selectable {

	/** Decrypted records delivered in one turn before the loop serves other channels. */
	private static final int READS_PER_TURN = 16;

	/**
	 * How long a graceful close may wait for the peer to take queued output and
	 * close_notify.
	 */
	static final long CLOSE_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(5);

	private enum State {

		/** Reading and writing. */
		OPEN,

		/** Sending what is queued, then close_notify; refuses new writes. */
		CLOSING,

		/** Closed; the handler was told. */
		CLOSED

	}

	private final ServerCore core;

	private final EventLoop loop;

	private final SelectionKey key;

	private final TlsAcceptor acceptor;

	private final AcceptResult handshake;

	private final @Nullable PairPump pump;

	private final TlsChannelHandler handler;

	/** Taken while the socket is open: a closed channel no longer knows its peer. */
	private final @Nullable InetSocketAddress remoteAddress;

	private final Queue<ByteBuffer> outbound = new ConcurrentLinkedQueue<>();

	private final AtomicLong queued = new AtomicLong();

	private final AtomicBoolean flushPosted = new AtomicBoolean();

	/** A write returned {@code false}: tell the handler when the queue drained. */
	private volatile boolean writableWanted;

	private volatile State state = State.OPEN;

	private volatile long lastActivityNanos = System.nanoTime();

	private final long openedNanos = System.nanoTime();

	private long idleTimeoutNanos;

	private long lifetimeNanos;

	private boolean readPaused;

	/**
	 * The last read said {@code WANT_WRITE}: the acceptor must send what it holds before
	 * it reads on. Until the socket is writable, the loop does not select OP_READ (the
	 * input would stay ready and the loop spin) and reads again on OP_WRITE.
	 */
	private boolean readWaitsForOutput;

	/**
	 * How many handler callbacks of this connection are running (on the loop thread): 0
	 * or 1.
	 */
	private int inCallback;

	/** Closed during a callback: {@code closed()} is told when that callback returns. */
	private @Nullable CloseReason closedDuringCallback;

	private CloseReason closeReason = CloseReason.CLOSED;

	private volatile @Nullable Object attachment;

	/** Replaced (the old one cancelled) when the handler changes the timeout. */
	private LoopTimer idleTimer = new IdleTimer();

	private LoopTimer lifetimeTimer = new LifetimeTimer();

	private final LoopTimer closeTimer = new LoopTimer() {

		@Override
		void fire(long now) {
			// the peer did not take the queued output and close_notify in time
			closeNow(EventConnection.this.closeReason);
		}

	};

	EventConnection(ServerCore core, EventLoop loop, SelectionKey key, TlsAcceptor acceptor, AcceptResult handshake,
			@Nullable PairPump pump) {
		this.core = core;
		this.loop = loop;
		this.key = key;
		this.acceptor = acceptor;
		this.handshake = handshake;
		this.pump = pump;
		this.handler = Objects.requireNonNull(core.channelHandler());
		this.remoteAddress = acceptor.peerAddress();
		this.idleTimeoutNanos = core.settings().idleTimeout().toNanos();
		this.lifetimeNanos = core.settings().maxLifetime().toNanos();
	}

	/**
	 * Take over the key, tell the handler, and read what came with the handshake. Loop
	 * thread.
	 */
	void open() {
		this.key.attach(this);
		if (!this.core.channelOpened(this)) {
			// the server is stopping
			this.closeReason = CloseReason.LISTENER_STOPPED;
			finishClose();
			return;
		}
		armIdle();
		armLifetime();
		if (!call(() -> this.handler.opened(this))) {
			return;
		}
		if (this.state == State.OPEN) {
			interest();
			// bytes that came with the client's Finished are already in the acceptor
			readable();
		}
	}

	// ---- TlsChannel
	// ---------------------------------------------------------------------

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
	public boolean write(ByteBuffer data) {
		Objects.requireNonNull(data, "data must not be null");
		if (this.state != State.OPEN) {
			throw new IllegalStateException("TLS connection of listener '" + listenerName() + "' is "
					+ ((this.state == State.CLOSING) ? "closing" : "closed") + ": it takes no more writes");
		}
		int size = data.remaining();
		if (size == 0) {
			return isWritable();
		}
		if (this.queued.get() + size > MAX_QUEUED_BYTES) {
			throw new IllegalStateException("TLS connection of listener '" + listenerName() + "' refuses " + size
					+ " more bytes: " + this.queued.get() + " are queued because the peer reads slower than the "
					+ "application writes. Stop writing when write() returns false, until writable() is called.");
		}
		this.lastActivityNanos = System.nanoTime();
		if (this.loop.inLoop() && this.outbound.isEmpty()) {
			// encrypt and send at once what the socket takes; queue a copy of the rest
			encrypt(data);
			if (this.state != State.OPEN) {
				return false;
			}
		}
		if (data.hasRemaining()) {
			ByteBuffer copy = ByteBuffer.allocate(data.remaining());
			copy.put(data).flip();
			this.queued.addAndGet(copy.remaining());
			this.outbound.add(copy);
			if (this.loop.inLoop()) {
				interest();
			}
			else if (this.flushPosted.compareAndSet(false, true)) {
				this.loop.post(() -> {
					this.flushPosted.set(false);
					flushQueued();
				});
			}
		}
		boolean writable = this.queued.get() < HIGH_WATER_MARK;
		if (!writable) {
			this.writableWanted = true;
			if (!this.loop.inLoop() && this.queued.get() < LOW_WATER_MARK) {
				// the loop drained the queue between the check and the flag, and will not
				// look again
				this.loop.post(this::tellWritable);
			}
		}
		return writable;
	}

	@Override
	public boolean isWritable() {
		return this.state == State.OPEN && this.queued.get() < HIGH_WATER_MARK;
	}

	@Override
	public long queuedBytes() {
		return this.queued.get();
	}

	@Override
	public void pauseReading() {
		this.loop.execute(() -> {
			this.readPaused = true;
			interest();
		});
	}

	@Override
	public void resumeReading() {
		// always on a later turn: called from inside received(), reading at once would
		// overwrite the
		// loop's buffer that the running callback still reads
		this.loop.post(() -> {
			if (this.readPaused) {
				this.readPaused = false;
				interest();
				// a record may wait in the acceptor, where the selector cannot see it;
				// from a
				// callback, delivered on the next turn (callbacks never nest)
				if (this.inCallback > 0) {
					this.loop.post(this::readable);
				}
				else {
					readable();
				}
			}
		});
	}

	@Override
	public void setIdleTimeout(Duration timeout) {
		long nanos = Durations.notNegative("idle timeout", timeout).toNanos();
		this.loop.execute(() -> {
			this.idleTimeoutNanos = nanos;
			this.loop.cancel(this.idleTimer);
			this.idleTimer = new IdleTimer();
			armIdle();
		});
	}

	@Override
	public void setMaxLifetime(Duration lifetime) {
		long nanos = Durations.notNegative("max lifetime", lifetime).toNanos();
		this.loop.execute(() -> {
			this.lifetimeNanos = nanos;
			this.loop.cancel(this.lifetimeTimer);
			this.lifetimeTimer = new LifetimeTimer();
			armLifetime();
		});
	}

	@Override
	public void attach(@Nullable Object attachment) {
		this.attachment = attachment;
	}

	@Override
	public @Nullable Object attachment() {
		return this.attachment;
	}

	@Override
	public void close() {
		this.loop.execute(() -> closeGracefully(CloseReason.CLOSED));
	}

	@Override
	public boolean isOpen() {
		return this.state == State.OPEN;
	}

	@Override
	public String toString() {
		return "TlsChannel[" + listenerName() + ", " + this.state + "]";
	}

	/**
	 * A callback of an offloaded handler threw: close as
	 * {@link CloseReason#HANDLER_FAILED}.
	 * @param channel the channel the callback was for
	 * @param failure what it threw
	 */
	static void handlerFailed(TlsChannel channel, Throwable failure) {
		ServerCore.logger.log(Level.WARNING,
				"Connection handler of TLS listener '" + channel.listenerName() + "' failed: " + failure, failure);
		if (channel instanceof EventConnection connection) {
			connection.core.handlerFailed();
			connection.loop.execute(() -> connection.closeGracefully(CloseReason.HANDLER_FAILED));
		}
		else {
			channel.close();
		}
	}

	// ---- the loop side
	// ------------------------------------------------------------------

	@Override
	public void ready(int readyOps) {
		if ((readyOps & SelectionKey.OP_WRITE) != 0) {
			if (this.readWaitsForOutput && this.state == State.OPEN) {
				// read first: the acceptor sends what it held, then the queue takes the
				// rest
				readable();
			}
			flushQueued();
		}
		if ((readyOps & SelectionKey.OP_READ) != 0 && this.state != State.CLOSED) {
			readable();
		}
	}

	@Override
	public void loopStopped() {
		this.closeReason = CloseReason.LISTENER_STOPPED;
		closeNow(CloseReason.LISTENER_STOPPED);
	}

	/**
	 * The listener stops and the connection outlived the shutdown timeout: close
	 * gracefully.
	 */
	void shutdown() {
		this.loop.execute(() -> closeGracefully(CloseReason.LISTENER_STOPPED));
	}

	private void readable() {
		this.readWaitsForOutput = false;
		for (int turn = 0; turn < READS_PER_TURN; turn++) {
			if (this.state == State.CLOSED || this.readPaused) {
				return;
			}
			if (this.pump != null) {
				this.pump.fill();
			}
			ByteBuffer buffer = this.loop.scratch();
			IoResult result = this.acceptor.read(buffer);
			// a read may answer (a TLS 1.3 KeyUpdate): send it
			boolean flushed = this.pump != null && this.pump.flush();
			if (result.code() > 0) {
				this.lastActivityNanos = System.nanoTime();
				if (this.state == State.OPEN) {
					buffer.flip();
					if (!call(() -> this.handler.received(this, buffer.asReadOnlyBuffer()))) {
						return;
					}
				}
				continue;
			}
			switch (result.error()) {
				case WANT_READ -> {
					if (this.pump != null && this.pump.fill()) {
						continue;
					}
					interest();
					return;
				}
				case WANT_WRITE -> {
					if (flushed) {
						// the pump made room in the pair: the acceptor can send, and read
						// on
						continue;
					}
					this.readWaitsForOutput = true;
					interest(SelectionKey.OP_WRITE);
					return;
				}
				case ZERO_RETURN -> {
					closeGracefully(CloseReason.PEER_CLOSED);
					return;
				}
				default -> {
					closeNow(closeReasonOf(result));
					return;
				}
			}
		}
		// more may wait in the acceptor: come back after the other channels had their
		// turn
		this.loop.post(this::readable);
	}

	private static CloseReason closeReasonOf(IoResult result) {
		if (result.error() == SslError.SSL) {
			return CloseReason.TLS_FAILURE;
		}
		return (result.code() == 0) ? CloseReason.PEER_EOF : CloseReason.RESET;
	}

	/** Encrypt from {@code data} what the socket takes now. Loop thread. */
	private void encrypt(ByteBuffer data) {
		while (data.hasRemaining()) {
			int before = data.remaining();
			IoResult result = this.acceptor.write(data);
			boolean moved = this.pump != null && this.pump.flush();
			if (result.code() > 0) {
				continue;
			}
			if (result.error() == SslError.WANT_WRITE) {
				if (moved) {
					continue;
				}
				break;
			}
			if (data.remaining() == before) {
				closeNow(closeReasonOf(result));
				return;
			}
		}
		if (this.pump != null) {
			this.pump.flush();
		}
	}

	/** Send what is queued, as far as the socket takes it. Loop thread. */
	private void flushQueued() {
		if (this.state == State.CLOSED) {
			return;
		}
		ByteBuffer head;
		while ((head = this.outbound.peek()) != null) {
			int before = head.remaining();
			encrypt(head);
			if (this.state == State.CLOSED) {
				return;
			}
			this.queued.addAndGet(head.remaining() - before);
			if (head.hasRemaining()) {
				break;
			}
			this.outbound.poll();
		}
		if (this.outbound.isEmpty()) {
			// what the acceptor or the pump still holds
			this.acceptor.write(ByteBuffer.allocate(0));
			if (this.pump != null) {
				this.pump.flush();
			}
		}
		boolean pending = hasPendingOutput();
		interest();
		if (!pending && this.state == State.CLOSING) {
			finishClose();
			return;
		}
		tellWritable();
	}

	/**
	 * After a {@code false} from {@link #write}: tell the handler once the queue drained.
	 * Loop thread.
	 */
	private void tellWritable() {
		if (this.writableWanted && this.queued.get() < LOW_WATER_MARK && this.state == State.OPEN) {
			this.writableWanted = false;
			call(() -> this.handler.writable(this));
		}
	}

	private boolean hasPendingOutput() {
		return !this.outbound.isEmpty() || this.acceptor.hasPendingOutput()
				|| (this.pump != null && this.pump.hasOutput());
	}

	private void interest() {
		interest(0);
	}

	private void interest(int extra) {
		if (this.state == State.CLOSED || !this.key.isValid()) {
			return;
		}
		int ops = extra;
		if (hasPendingOutput() || this.readWaitsForOutput) {
			ops |= SelectionKey.OP_WRITE;
		}
		if (!this.readPaused && !this.readWaitsForOutput && this.state == State.OPEN) {
			ops |= SelectionKey.OP_READ;
		}
		try {
			this.key.interestOps(ops);
		}
		catch (CancelledKeyException ex) {
			// closed under us
		}
	}

	private void checkIdle(long now) {
		if (this.state != State.OPEN || this.idleTimeoutNanos == 0) {
			return;
		}
		long due = this.lastActivityNanos + this.idleTimeoutNanos;
		if (now - due >= 0) {
			this.core.idleTimedOut();
			closeGracefully(CloseReason.IDLE_TIMEOUT);
		}
		else {
			this.idleTimer.nanos = due;
			this.loop.schedule(this.idleTimer);
		}
	}

	private void armIdle() {
		if (this.idleTimeoutNanos > 0 && this.state == State.OPEN) {
			this.idleTimer.nanos = this.lastActivityNanos + this.idleTimeoutNanos;
			this.loop.schedule(this.idleTimer);
		}
	}

	private void armLifetime() {
		if (this.lifetimeNanos > 0 && this.state == State.OPEN) {
			this.lifetimeTimer.nanos = this.openedNanos + this.lifetimeNanos;
			this.loop.schedule(this.lifetimeTimer);
		}
	}

	/**
	 * Send what is queued, then close_notify, then close; bounded by
	 * {@link #CLOSE_FLUSH_NANOS}.
	 */
	private void closeGracefully(CloseReason reason) {
		if (this.state != State.OPEN) {
			return;
		}
		this.state = State.CLOSING;
		this.closeReason = reason;
		this.closeTimer.nanos = System.nanoTime() + CLOSE_FLUSH_NANOS;
		this.loop.schedule(this.closeTimer);
		flushQueued();
	}

	private void finishClose() {
		try {
			this.acceptor.shutdown();
			if (this.pump != null) {
				this.pump.flush();
			}
		}
		catch (RuntimeException ex) {
			// close_notify is best effort
		}
		closeNow(this.closeReason);
	}

	private void closeNow(CloseReason reason) {
		if (this.state == State.CLOSED) {
			return;
		}
		this.state = State.CLOSED;
		this.key.cancel();
		this.loop.cancel(this.idleTimer);
		this.loop.cancel(this.lifetimeTimer);
		this.loop.cancel(this.closeTimer);
		this.acceptor.close();
		// in pair mode the acceptor only closes its pair: the socket is the pump's
		BlockingListener.closeQuietly(this.key.channel());
		this.outbound.clear();
		this.queued.set(0);
		this.core.channelClosed(this);
		if (this.inCallback > 0) {
			// closed from inside a callback (close(), a failed write): told when it
			// returns
			this.closedDuringCallback = reason;
			return;
		}
		tellClosed(reason);
	}

	private void tellClosed(CloseReason reason) {
		try {
			this.handler.closed(this, reason);
		}
		catch (Throwable ex) {
			this.core.handlerFailed();
			ServerCore.logger.log(Level.WARNING,
					"Connection handler of TLS listener '" + listenerName() + "' failed in closed(): " + ex, ex);
		}
	}

	private final class IdleTimer extends LoopTimer {

		@Override
		void fire(long now) {
			checkIdle(now);
		}

	}

	private final class LifetimeTimer extends LoopTimer {

		@Override
		void fire(long now) {
			if (EventConnection.this.state == State.OPEN) {
				EventConnection.this.core.lifetimeExpired();
				closeGracefully(CloseReason.LIFETIME_EXPIRED);
			}
		}

	}

	@FunctionalInterface
	private interface Callback {

		void run() throws Exception;

	}

	/**
	 * Run a handler callback; a failure closes the connection. A close during the
	 * callback is told ({@code closed()}) when the callback returns: calls for one
	 * connection never overlap.
	 * @return {@code false} when the callback failed
	 */
	private boolean call(Callback callback) {
		this.inCallback++;
		try {
			callback.run();
			return true;
		}
		catch (Throwable ex) {
			this.core.handlerFailed();
			ServerCore.logger.log(Level.WARNING,
					"Connection handler of TLS listener '" + listenerName() + "' failed: " + ex, ex);
			closeGracefully(CloseReason.HANDLER_FAILED);
			return false;
		}
		finally {
			this.inCallback--;
			CloseReason closed = this.closedDuringCallback;
			if (this.inCallback == 0 && closed != null) {
				this.closedDuringCallback = null;
				tellClosed(closed);
			}
		}
	}

}
