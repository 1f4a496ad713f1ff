package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A handshake pending on a selector loop: it holds no thread, only a registration. The loop calls
 * {@link #drive()} when the channel is ready, {@link #timeOut()} when the deadline passed and
 * {@link #cut()} when the server stops; the handshake reports its result exactly once.
 * Confined to its selector thread.
 */
abstract class PendingHandshake {

	final ServerCore core;

	final TlsServerContext context;

	final SocketChannel channel;

	final TlsAcceptor acceptor;

	final @Nullable InetSocketAddress peer;

	private final long startNanos = System.nanoTime();

	private @Nullable SelectionKey key;

	private @Nullable AcceptResult last;

	private @Nullable Deadline deadline;

	private boolean done;

	PendingHandshake(ServerCore core, TlsServerContext context, SocketChannel channel, TlsAcceptor acceptor,
			@Nullable InetSocketAddress peer) {
		this.core = core;
		this.context = context;
		this.channel = channel;
		this.acceptor = acceptor;
		this.peer = peer;
	}

	/**
	 * Register with the loop's selector and make the first {@code accept()} call.
	 * @param key the registration, with no interest yet
	 * @return the deadline to watch, or {@code null} when the handshake already finished
	 */
	final @Nullable Deadline register(SelectionKey key) {
		this.key = key;
		drive();
		if (this.done) {
			return null;
		}
		Deadline deadline = new Deadline(this.acceptor.deadlineNanos(), this);
		this.deadline = deadline;
		return deadline;
	}

	/**
	 * Make progress: call {@code accept()} (and, in {@code pair} mode, move bytes), then either
	 * {@link #finish} or set the interest the result asks for.
	 */
	abstract void drive();

	/**
	 * The handshake succeeded: hand the connection off (or close it as a probe). The key is
	 * cancelled already.
	 * @param result the result
	 */
	abstract void established(AcceptResult result);

	/**
	 * The handshake failed: send what is left to send (an alert) if the socket takes it, and close.
	 */
	abstract void failed();

	final boolean isDone() {
		return this.done;
	}

	final SelectionKey key() {
		SelectionKey key = this.key;
		if (key == null) {
			throw new IllegalStateException("not registered");
		}
		return key;
	}

	final void interest(AcceptResult result, boolean wantWrite) {
		this.last = result;
		int ops = (result.error() == SslError.WANT_WRITE || wantWrite) ? SelectionKey.OP_WRITE : 0;
		if (result.error() == SslError.WANT_READ || ops == 0) {
			ops |= SelectionKey.OP_READ;
		}
		key().interestOps(ops);
	}

	/** The deadline passed: {@code -1 SYSCALL} "handshake timed out". */
	final void timeOut() {
		if (!this.done) {
			finish(this.acceptor.timeOut());
		}
	}

	/** The server stops: end the handshake as a connection failure. */
	final void cut() {
		if (!this.done) {
			finish(Results.cut(this.last, this.context.config().clock().instant(), this.startNanos,
					ServerCore.CUT_REASON));
		}
	}

	/**
	 * Something unexpected went wrong while driving the handshake: end it as a connection failure.
	 * @param failure what went wrong
	 */
	final void abort(Throwable failure) {
		if (!this.done) {
			finish(Results.cut(this.last, this.context.config().clock().instant(), this.startNanos,
					"handshake aborted: " + failure));
		}
	}

	final void finish(AcceptResult result) {
		this.done = true;
		Deadline deadline = this.deadline;
		if (deadline != null) {
			deadline.clear();
		}
		SelectionKey key = this.key;
		if (key != null) {
			key.cancel();
		}
		try {
			this.core.handshakeFinished(this.context, this.acceptor.mode(), this.peer, result);
		}
		finally {
			if (result.isSuccess()) {
				established(result);
			}
			else {
				failed();
			}
		}
	}

	/**
	 * Switch the channel back to blocking mode for the handler; the key must be cancelled.
	 * @return {@code true} on success; on failure the caller closes the connection
	 */
	final boolean switchToBlocking() {
		try {
			this.channel.configureBlocking(true);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	final BioMode mode() {
		return this.acceptor.mode();
	}

	/**
	 * When a pending handshake times out; cleared when it finishes earlier, so the queue keeps no
	 * finished handshake alive.
	 */
	static final class Deadline implements Comparable<Deadline> {

		final long nanos;

		private @Nullable PendingHandshake handshake;

		Deadline(long nanos, PendingHandshake handshake) {
			this.nanos = nanos;
			this.handshake = handshake;
		}

		@Nullable PendingHandshake handshake() {
			return this.handshake;
		}

		void clear() {
			this.handshake = null;
		}

		@Override
		public int compareTo(Deadline other) {
			return Long.compare(this.nanos - other.nanos, 0);
		}

	}

}
