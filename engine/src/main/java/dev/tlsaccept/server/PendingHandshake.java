package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A handshake pending on an {@link EventLoop}: it holds no thread, only a registration.
 * The loop calls {@link #drive()} when the channel is ready, the deadline timer ends it
 * with {@code -1 SYSCALL} "handshake timed out", and {@link #cut()} ends it when the
 * server stops; the handshake reports its result exactly once. The engine's delegated
 * tasks (the signature, the key exchange) run on the server's task executor
 * ({@code WANT_ASYNC} while they run), never on the loop, but for a resumption on an
 * engine where it is cheaper than the hand-off (see {@link TlsAcceptor#delegateTasks}).
 * Confined to its loop thread.
 *
 * <p>
 * With {@code proxy-protocol} on, the handshake first reads the PROXY protocol header the
 * same way (on readiness, never blocking the loop), within the handshake timeout, and
 * only then makes its acceptor, handing it the bytes read after the header. Meanwhile it
 * is pending like any other: counted, ordered by silence, cut under pressure and on stop.
 */
abstract class PendingHandshake implements Selectable {

	final ServerCore core;

	final EventLoop loop;

	final TlsServerContext context;

	final SocketChannel channel;

	/** Made once the PROXY protocol phase, if any, is over. */
	private @Nullable TlsAcceptor acceptor;

	/** The connecting address, then the client a trusted proxy named. */
	@Nullable InetSocketAddress peer;

	/** The trusted proxy that sent a header, if one did. */
	private @Nullable InetSocketAddress proxy;

	private @Nullable ProxyHeader proxyHeader;

	/** Refused by the allow or deny list once the header named the client. */
	private boolean refused;

	/** Reading the PROXY protocol header: set until it is decided. */
	private @Nullable ProxyPhase proxyPhase;

	/**
	 * When the connection was accepted, for the start reported once the PROXY protocol
	 * header is read; {@code null} when no observer wants starts.
	 */
	private @Nullable Instant acceptedAt;

	private final long startNanos = System.nanoTime();

	private final Deadline deadline = new Deadline();

	/** When the handshake last made a step (or started): the loop's activity order. */
	long lastActivityNanos;

	@Nullable PendingHandshake older;

	/**
	 * The engine's delegated task runs for it: it waits for the server, not for its peer.
	 */
	boolean awaitingTask;

	@Nullable PendingHandshake newer;

	private @Nullable SelectionKey key;

	private @Nullable AcceptResult last;

	private boolean done;

	PendingHandshake(ServerCore core, EventLoop loop, TlsServerContext context, SocketChannel channel,
			@Nullable InetSocketAddress peer) {
		this.core = core;
		this.loop = loop;
		this.context = context;
		this.channel = channel;
		this.peer = peer;
	}

	/**
	 * Make the first {@code accept()} call (or read the PROXY protocol header first), and
	 * watch the deadline.
	 * @param key the registration, with no interest yet
	 */
	final void register(SelectionKey key) {
		this.key = key;
		ProxyProtocol protocol = this.core.settings().proxyProtocol();
		if (ProxyPhase.applies(protocol)) {
			InetSocketAddress connecting = this.peer;
			this.proxyPhase = new ProxyPhase(protocol,
					this.core.settings().trustsProxy((connecting != null) ? connecting.getAddress() : null),
					connecting);
			this.acceptedAt = this.core.startTime();
			this.deadline.nanos = this.startNanos + this.context.config().handshakeTimeout().toNanos();
			this.loop.schedule(this.deadline);
			readProxyHeader();
			return;
		}
		startTls(ByteBuffer.allocate(0));
	}

	/**
	 * Make the acceptor, handing it the bytes that came after the header, and start the
	 * handshake.
	 */
	private void startTls(ByteBuffer prefix) {
		TlsAcceptor acceptor;
		try {
			acceptor = newAcceptor(prefix);
		}
		catch (RuntimeException ex) {
			finish(Results.syscall(this.context.config().clock().instant(),
					"cannot start the handshake: " + ex.getMessage()));
			return;
		}
		this.acceptor = acceptor;
		acceptor.delegateTasks(this.core.taskExecutor(), () -> this.loop.execute(this::resume));
		drive();
		if (!this.done) {
			if (this.deadline.isQueued()) {
				this.loop.cancel(this.deadline);
			}
			this.deadline.nanos = acceptor.deadlineNanos();
			this.loop.schedule(this.deadline);
		}
	}

	/**
	 * Read what the channel has of the PROXY protocol header; once decided, start TLS or
	 * fail.
	 */
	private void readProxyHeader() {
		ProxyPhase phase = this.proxyPhase;
		if (phase == null) {
			return;
		}
		Clock clock = this.context.config().clock();
		ProxyPhase.Outcome outcome;
		try {
			while (true) {
				int count = this.channel.read(phase.buffer());
				if (count < 0) {
					outcome = phase.endOfStream(clock.instant());
					break;
				}
				if (count == 0) {
					key().interestOps(SelectionKey.OP_READ);
					return;
				}
				outcome = phase.decide(clock.instant());
				if (outcome != null) {
					outcome = phase.admit(outcome, this.core, clock.instant());
					break;
				}
			}
		}
		catch (IOException ex) {
			outcome = phase.readFailed(clock.instant(), ex);
		}
		this.proxyPhase = null;
		this.peer = outcome.peer();
		this.proxy = outcome.proxy();
		this.proxyHeader = outcome.header();
		this.refused = outcome.refused();
		AcceptResult failure = outcome.failure();
		if (failure != null) {
			finish(failure);
		}
		else {
			// queued for the observer thread before the end can be: start before end
			this.core.handshakeStarted(phase.connecting(), this.peer, this.proxyHeader, this.acceptedAt);
			startTls(outcome.prefix());
		}
	}

	/**
	 * Make the acceptor for this connection.
	 * @param prefix the bytes already read from the channel that belong to TLS (after a
	 * PROXY protocol header)
	 * @return the acceptor
	 */
	abstract TlsAcceptor newAcceptor(ByteBuffer prefix);

	/**
	 * The acceptor; only once the handshake started (after the PROXY protocol phase).
	 * @return the acceptor
	 */
	final TlsAcceptor acceptor() {
		TlsAcceptor acceptor = this.acceptor;
		if (acceptor == null) {
			throw new IllegalStateException("the handshake has not started");
		}
		return acceptor;
	}

	/**
	 * Whether a trusted proxy's PROXY protocol header named the client (then
	 * {@link #peer}).
	 */
	final boolean proxied() {
		return this.proxy != null;
	}

	/**
	 * The acceptor, if the handshake started.
	 * @return the acceptor, or {@code null} while (or when it failed in) the PROXY
	 * protocol phase
	 */
	final @Nullable TlsAcceptor acceptorIfStarted() {
		return this.acceptor;
	}

	@Override
	public final void ready(int readyOps) {
		if (this.proxyPhase != null) {
			readProxyHeader();
		}
		else {
			drive();
		}
		// silence counts from when the handshake last waited for the peer, not while the
		// server works
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
	 * Make progress: call {@code accept()} (and, in {@code pair} mode, move bytes), then
	 * either {@link #finish} or set the interest the result asks for.
	 */
	abstract void drive();

	/**
	 * The handshake succeeded: hand the connection off (or close it as a probe). The key
	 * is still registered, with no interest: an event-driven connection takes it over,
	 * the others cancel it.
	 * @param result the result
	 */
	abstract void established(AcceptResult result);

	/**
	 * The handshake failed: send what is left to send (an alert) if the socket takes it,
	 * and close.
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
			// the engine's task runs elsewhere and resumes the handshake when done;
			// meanwhile the
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
	 * Cut to make room for handshakes that progress: a connection failure with its own
	 * reason.
	 * @param reason why, in the record
	 */
	final void cutStalled(String reason) {
		if (!this.done) {
			this.core.stalledHandshakeCut();
			finish(Results.cut(this.last, this.context.config().clock().instant(), this.startNanos, reason));
		}
	}

	/**
	 * Something unexpected went wrong while driving the handshake: end it as a connection
	 * failure.
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
			this.core.handshakeFinished(this.context, this.core.settings().bioMode(), this.peer, this.proxy,
					this.proxyHeader, this.refused, result);
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
	 * Hand an established connection to the handler: an event-driven one takes over the
	 * key on this loop; a blocking one gets the channel switched to blocking mode on the
	 * worker executor.
	 * @param eventConnection makes the event-driven connection
	 * @param blockingConnection makes the blocking-stream connection
	 * @return {@code true} when handed off; {@code false} when the listener has no
	 * handler (or the channel cannot block): close the connection as a handshake probe
	 */
	final boolean handOff(Supplier<EventConnection> eventConnection, Supplier<ServerConnection> blockingConnection) {
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
	 * Switch the channel back to blocking mode for the handler; the key must be
	 * cancelled.
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
			if (PendingHandshake.this.done) {
				return;
			}
			TlsAcceptor acceptor = PendingHandshake.this.acceptor;
			ProxyPhase phase = PendingHandshake.this.proxyPhase;
			if (acceptor != null) {
				finish(acceptor.timeOut());
			}
			else if (phase != null) {
				PendingHandshake.this.proxyPhase = null;
				AcceptResult timedOut = phase.timedOut(PendingHandshake.this.context.config().clock().instant())
					.failure();
				finish(Objects.requireNonNull(timedOut, "a time-out is a failure"));
			}
		}

	}

}
