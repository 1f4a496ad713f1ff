package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A handshake pending on an {@link EventLoop}: it holds no thread, only a registration. The loop
 * calls {@link #drive()} when the channel is ready, the deadline timer ends it with
 * {@code -1 SYSCALL} "handshake timed out", and {@link #cut()} ends it when the server stops; the
 * handshake reports its result exactly once. The engine's delegated tasks (the signature, the key
 * exchange) run on the server's task executor, never on the loop ({@code WANT_ASYNC} while they
 * run). Confined to its loop thread.
 */
abstract class PendingHandshake implements Selectable {

	final ServerCore core;

	final EventLoop loop;

	final TlsServerContext context;

	final SocketChannel channel;

	final TlsAcceptor acceptor;

	final @Nullable InetSocketAddress peer;

	private final long startNanos = System.nanoTime();

	private final Deadline deadline = new Deadline();

	/** When the handshake last made a step (or started): the loop's activity order. */
	long lastActivityNanos;

	@Nullable PendingHandshake older;

	/** The engine's delegated task runs for it: it waits for the server, not for its peer. */
	boolean awaitingTask;

	@Nullable PendingHandshake newer;

	private @Nullable SelectionKey key;

	private @Nullable AcceptResult last;

	private boolean done;

	PendingHandshake(ServerCore core, EventLoop loop, TlsServerContext context, SocketChannel channel,
			TlsAcceptor acceptor, @Nullable InetSocketAddress peer) {
		this.core = core;
		this.loop = loop;
		this.context = context;
		this.channel = channel;
		this.acceptor = acceptor;
		this.peer = peer;
		acceptor.delegateTasks(core.taskExecutor(), () -> loop.execute(this::resume));
	}

	/**
	 * Make the first {@code accept()} call, and watch the deadline.
	 * @param key the registration, with no interest yet
	 */
	final void register(SelectionKey key) {
		this.key = key;
		drive();
		if (!this.done) {
			this.deadline.nanos = this.acceptor.deadlineNanos();
			this.loop.schedule(this.deadline);
		}
	}

	@Override
	public final void ready(int readyOps) {
		drive();
		// silence counts from when the handshake last waited for the peer, not while the server works
		this.loop.pendingActive(this, System.nanoTime());
	}

	@Override
	public final void loopStopped() {
		cut();
	}

	private void resume() {
		if (!this.done) {
			try {
				drive();
				this.loop.pendingActive(this, System.nanoTime());
			}
			catch (RuntimeException ex) {
				abort(ex);
			}
		}
	}

	/**
	 * Make progress: call {@code accept()} (and, in {@code pair} mode, move bytes), then either
	 * {@link #finish} or set the interest the result asks for.
	 */
	abstract void drive();

	/**
	 * The handshake succeeded: hand the connection off (or close it as a probe). The key is still
	 * registered, with no interest: an event-driven connection takes it over, the others cancel it.
	 * @param result the result
	 */
	abstract void established(AcceptResult result);

	/**
	 * The handshake failed: send what is left to send (an alert) if the socket takes it, and close.
	 */
	abstract void failed();

	final SelectionKey key() {
		SelectionKey key = this.key;
		if (key == null) {
			throw new IllegalStateException("not registered");
		}
		return key;
	}

	final void interest(AcceptResult result, boolean wantWrite) {
		this.last = result;
		this.awaitingTask = result.error() == SslError.WANT_ASYNC;
		if (this.awaitingTask) {
			// the engine's task runs elsewhere and resumes the handshake when done; meanwhile the
			// handshake waits for the server, so it is never the one cut for being silent
			key().interestOps(0);
			return;
		}
		int ops = (result.error() == SslError.WANT_WRITE || wantWrite) ? SelectionKey.OP_WRITE : 0;
		if (result.error() == SslError.WANT_READ || ops == 0) {
			ops |= SelectionKey.OP_READ;
		}
		key().interestOps(ops);
	}

	/** The server stops: end the handshake as a connection failure. */
	final void cut() {
		if (!this.done) {
			finish(Results.cut(this.last, this.context.config().clock().instant(), this.startNanos,
					ServerCore.CUT_REASON));
		}
	}

	/**
	 * Cut to make room for handshakes that progress: a connection failure with its own reason.
	 * @param reason why, in the record
	 */
	final void cutStalled(String reason) {
		if (!this.done) {
			this.core.stalledHandshakeCut();
			finish(Results.cut(this.last, this.context.config().clock().instant(), this.startNanos, reason));
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
		this.loop.cancel(this.deadline);
		this.loop.pendingEnded(this);
		SelectionKey key = this.key;
		if (key != null && key.isValid()) {
			key.interestOps(0);
		}
		try {
			this.core.handshakeFinished(this.context, this.acceptor.mode(), this.peer, result);
		}
		finally {
			if (result.isSuccess()) {
				established(result);
			}
			else {
				cancelKey();
				failed();
			}
		}
	}

	final void cancelKey() {
		SelectionKey key = this.key;
		if (key != null) {
			key.cancel();
		}
	}

	/**
	 * Hand an established connection to the handler: an event-driven one takes over the key on this
	 * loop; a blocking one gets the channel switched to blocking mode on the worker executor.
	 * @param eventConnection makes the event-driven connection
	 * @param blockingConnection makes the blocking-stream connection
	 * @return {@code true} when handed off; {@code false} when the listener has no handler (or the
	 * channel cannot block): close the connection as a handshake probe
	 */
	final boolean handOff(Supplier<EventConnection> eventConnection,
			Supplier<ServerConnection> blockingConnection) {
		if (this.core.hasChannelHandler()) {
			eventConnection.get().open();
			return true;
		}
		cancelKey();
		if (this.core.hasHandler() && switchToBlocking()) {
			this.core.handOff(blockingConnection.get());
			return true;
		}
		return false;
	}

	/**
	 * Switch the channel back to blocking mode for the handler; the key must be cancelled.
	 * @return {@code true} on success; on failure the caller closes the connection
	 */
	private boolean switchToBlocking() {
		try {
			// allowed with a cancelled key: only valid keys keep a channel non-blocking
			this.channel.configureBlocking(true);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/** When the handshake times out: {@code -1 SYSCALL} "handshake timed out". */
	private final class Deadline extends LoopTimer {

		@Override
		void fire(long now) {
			if (!PendingHandshake.this.done) {
				finish(PendingHandshake.this.acceptor.timeOut());
			}
		}

	}

}
