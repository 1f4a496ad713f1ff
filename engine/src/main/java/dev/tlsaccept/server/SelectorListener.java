package dev.tlsaccept.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@code non-blocking} and {@code pair} modes: {@code selectorThreads}
 * {@link EventLoop}s. The first also owns the listening channel (OP_ACCEPT) and deals
 * accepted channels out round-robin; each loop drives its pending handshakes on
 * readiness, enforces their deadlines, and serves the event-driven connections they
 * become. A pending handshake or an idle connection holds no thread.
 *
 * <p>
 * Pending handshake slots go to handshakes that make progress: each loop holds its share
 * of the limit, and when a new connection finds its loop's share taken, the loop cuts its
 * handshake that has been silent the longest to make room; from half the limit on,
 * handshakes silent for a quarter of the handshake timeout (at least 1 s) are cut
 * (deadlines shrink under pressure, as Envoy's overload manager does).
 */
final class SelectorListener implements Listener {

	/** Accepted in one go before the loop serves its channels again. */
	private static final int ACCEPT_BATCH = 256;

	/** How long accepting pauses after it failed (e.g. too many open files). */
	private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/** How often a loop under pressure looks for stalled handshakes. */
	private static final long PRESSURE_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final ServerCore core;

	private final ServerThreads threads;

	private final ServerSocketChannel serverChannel;

	private final BioMode mode;

	private final List<EventLoop> loops = new ArrayList<>();

	private final List<Queue<Incoming>> incoming = new ArrayList<>();

	private final List<PressureSweep> sweeps = new ArrayList<>();

	private @Nullable SelectionKey acceptKey;

	private int nextLoop;

	private SelectorListener(ServerCore core, ServerThreads threads, ServerSocketChannel serverChannel, BioMode mode) {
		this.core = core;
		this.threads = threads;
		this.serverChannel = serverChannel;
		this.mode = mode;
	}

	static SelectorListener bind(ServerCore core, ServerThreads threads, InetSocketAddress address, int backlog,
			BioMode mode) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(address, backlog);
			channel.configureBlocking(false);
			return new SelectorListener(core, threads, channel, mode);
		}
		catch (IOException | RuntimeException ex) {
			BlockingListener.closeQuietly(channel);
			throw ex;
		}
	}

	@Override
	public InetSocketAddress localAddress() {
		try {
			return (InetSocketAddress) this.serverChannel.getLocalAddress();
		}
		catch (IOException ex) {
			throw new IllegalStateException("listening channel of TLS listener '" + this.core.name() + "' is closed",
					ex);
		}
	}

	@Override
	public void start() {
		try {
			for (int i = 0; i < this.core.settings().selectorThreads(); i++) {
				int index = i;
				this.incoming.add(new ConcurrentLinkedQueue<>());
				EventLoop loop = new EventLoop(this.core.name(), this.threads, i + 1, () -> beginIncoming(index));
				this.loops.add(loop);
				this.sweeps.add(new PressureSweep(loop));
			}
			EventLoop first = this.loops.get(0);
			this.acceptKey = first.register(this.serverChannel, SelectionKey.OP_ACCEPT, new Acceptor(first));
			for (EventLoop loop : this.loops) {
				loop.start();
			}
		}
		catch (IOException ex) {
			stop();
			throw new UncheckedIOException("cannot open a selector", ex);
		}
		catch (RuntimeException | Error ex) {
			stop();
			throw ex;
		}
	}

	@Override
	public void stopAccepting() {
		BlockingListener.closeQuietly(this.serverChannel);
		for (int i = 0; i < this.loops.size(); i++) {
			EventLoop loop = this.loops.get(i);
			int index = i;
			if (loop.isRunning()) {
				loop.execute(() -> cutPending(loop, index));
			}
		}
	}

	@Override
	public void stop() {
		BlockingListener.closeQuietly(this.serverChannel);
		for (EventLoop loop : this.loops) {
			loop.stop();
		}
		for (int i = 0; i < this.loops.size(); i++) {
			drainIncoming(i);
		}
	}

	private void cutPending(EventLoop loop, int index) {
		PendingHandshake head;
		while ((head = loop.mostSilent()) != null) {
			head.cut();
			loop.pendingEnded(head);
		}
		drainIncoming(index);
	}

	private void accept(EventLoop acceptingLoop) {
		for (int i = 0; i < ACCEPT_BATCH; i++) {
			SocketChannel channel;
			try {
				channel = this.serverChannel.accept();
			}
			catch (IOException ex) {
				if (this.serverChannel.isOpen()) {
					acceptFailed(acceptingLoop, ex);
				}
				return;
			}
			if (channel == null) {
				return;
			}
			try {
				// small TLS records (handshake flights, protocol messages) must not wait
				// for an ACK
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// the peer is already gone: the handshake will say so
			}
			InetSocketAddress peer = peerOf(channel);
			if (!this.core.admit(peer)) {
				BlockingListener.closeQuietly(channel);
				continue;
			}
			int index = this.nextLoop;
			this.nextLoop = (this.nextLoop + 1) % this.loops.size();
			Incoming next = new Incoming(channel, this.core.captureContext(), peer, System.nanoTime());
			EventLoop target = this.loops.get(index);
			if (target == acceptingLoop) {
				begin(target, next);
			}
			else {
				this.incoming.get(index).add(next);
				target.wakeup();
				if (!target.isRunning()) {
					// raced with stop: make sure it is reported
					drainIncoming(index);
				}
			}
		}
	}

	/**
	 * Accepting failed (e.g. too many open files): stop selecting OP_ACCEPT for a moment
	 * instead of spinning on a listening socket that stays ready, without sleeping on the
	 * loop.
	 */
	private void acceptFailed(EventLoop loop, IOException ex) {
		ServerCore.logger.log(Level.WARNING,
				"TLS listener '" + this.core.name() + "' failed to accept a connection: " + ex);
		SelectionKey key = this.acceptKey;
		if (key == null || !key.isValid()) {
			return;
		}
		key.interestOps(0);
		LoopTimer resume = new LoopTimer() {

			@Override
			void fire(long now) {
				if (key.isValid()) {
					key.interestOps(SelectionKey.OP_ACCEPT);
				}
			}

		};
		resume.nanos = System.nanoTime() + ACCEPT_PAUSE_NANOS;
		loop.schedule(resume);
	}

	private static @Nullable InetSocketAddress peerOf(SocketChannel channel) {
		try {
			SocketAddress address = channel.getRemoteAddress();
			return (address instanceof InetSocketAddress inet) ? inet : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private void beginIncoming(int index) {
		EventLoop loop = this.loops.get(index);
		Incoming next;
		while ((next = this.incoming.get(index).poll()) != null) {
			begin(loop, next);
		}
	}

	private void begin(EventLoop loop, Incoming next) {
		if (!makeRoom(loop)) {
			BlockingListener.closeQuietly(next.channel());
			this.core.refusedPending(next.context(), this.mode, next.peer());
			return;
		}
		PendingHandshake handshake;
		try {
			handshake = (this.mode == BioMode.PAIR)
					? PairHandshake.create(this.core, loop, next.context(), next.channel(), next.peer())
					: new ChannelHandshake(this.core, loop, next.context(), next.channel(), next.peer());
		}
		catch (IOException | RuntimeException ex) {
			notStarted(next, "cannot start the handshake: " + ex.getMessage());
			return;
		}
		try {
			SelectionKey key = loop.register(next.channel(), 0, handshake);
			// silence counts from the accept: a connection that waited for its loop is
			// not fresher
			loop.pendingStarted(handshake, next.acceptedNanos());
			handshake.register(key);
		}
		catch (IOException | RuntimeException ex) {
			handshake.abort(ex);
		}
		this.sweeps.get(this.loops.indexOf(loop)).arm(System.nanoTime());
	}

	/**
	 * Make a pending slot for a new handshake: each loop holds its share of
	 * {@code max-pending-handshakes} ({@link #pendingShare}); when its share is full, it
	 * cuts its own most silent handshake. Connections are dealt round-robin, so every
	 * loop sees the same mix of silent and progressing peers, and a loop never waits for
	 * another one (nor decides on another loop's state, which is stale by the time that
	 * loop acts).
	 * @return {@code false} when no slot can be made (every pending handshake of the loop
	 * waits for its delegated task): refuse the new connection
	 */
	private boolean makeRoom(EventLoop loop) {
		if (loop.pendingCount() < pendingShare(this.loops.indexOf(loop))) {
			return true;
		}
		PendingHandshake stalled = loop.mostSilent();
		if (stalled == null) {
			return false;
		}
		stalled.cutStalled("handshake cut: stalled while max-pending-handshakes ("
				+ this.core.settings().maxPendingHandshakes() + ") was reached, silent "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalled.lastActivityNanos) + " ms");
		loop.pendingEnded(stalled);
		return true;
	}

	/**
	 * How many pending handshakes a loop may hold: {@code max-pending-handshakes} split
	 * evenly over the loops (the first ones take the remainder), at least one each.
	 * @param index the loop's index
	 * @return its share
	 */
	int pendingShare(int index) {
		int limit = this.core.settings().maxPendingHandshakes();
		int loops = this.loops.size();
		return Math.max(1, limit / loops + ((index < limit % loops) ? 1 : 0));
	}

	private void notStarted(Incoming next, String reason) {
		BlockingListener.closeQuietly(next.channel());
		this.core.handshakeFinished(next.context(), this.mode, next.peer(),
				Results.syscall(next.context().config().clock().instant(), reason));
	}

	private synchronized void drainIncoming(int index) {
		Incoming next;
		while ((next = this.incoming.get(index).poll()) != null) {
			notStarted(next, ServerCore.CUT_REASON);
		}
	}

	/**
	 * An admitted channel on its way to a loop, with the context current when it was
	 * accepted.
	 */
	private record Incoming(SocketChannel channel, TlsServerContext context, @Nullable InetSocketAddress peer,
			long acceptedNanos) {
	}

	/** The listening channel's registration on the first loop. */
	private final class Acceptor implements Selectable {

		private final EventLoop loop;

		Acceptor(EventLoop loop) {
			this.loop = loop;
		}

		@Override
		public void ready(int readyOps) {
			accept(this.loop);
		}

		@Override
		public void loopStopped() {
			// the listener closes the channel
		}

	}

	/**
	 * Under pressure (pending handshakes at half the limit or more), cut the loop's
	 * handshakes that have been silent for too long, every {@link #PRESSURE_SWEEP_NANOS}
	 * while it lasts.
	 */
	private final class PressureSweep extends LoopTimer {

		private final EventLoop loop;

		PressureSweep(EventLoop loop) {
			this.loop = loop;
		}

		void arm(long now) {
			if (!isQueued() && underPressure()) {
				this.nanos = now + PRESSURE_SWEEP_NANOS;
				this.loop.schedule(this);
			}
		}

		private boolean underPressure() {
			return this.core().pendingCount() * 2 >= this.core().settings().maxPendingHandshakes();
		}

		private ServerCore core() {
			return SelectorListener.this.core;
		}

		@Override
		void fire(long now) {
			if (!underPressure()) {
				return;
			}
			long silence = Math.max(TimeUnit.SECONDS.toNanos(1), core().handshakeTimeoutNanos() / 4);
			this.loop.cutStalled(now, silence, "handshake cut: stalled under pressure (" + core().pendingCount()
					+ " of max-pending-handshakes " + core().settings().maxPendingHandshakes() + " pending)");
			arm(now);
		}

	}

}
