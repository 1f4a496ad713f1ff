package dev.tlsaccept.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@code non-blocking} and {@code pair} modes: {@code selectorThreads} selector loops. The
 * first also owns the listening channel (OP_ACCEPT) and deals accepted channels out round-robin;
 * each loop drives its pending handshakes on readiness and enforces their deadlines (select with
 * the nearest deadline as timeout). A pending handshake holds no thread.
 */
final class SelectorListener implements Listener {

	private static final long JOIN_MILLIS = 10_000;

	/** Accepted in one go before the loop serves its handshakes again. */
	private static final int ACCEPT_BATCH = 256;

	private final ServerCore core;

	private final ServerThreads threads;

	private final ServerSocketChannel serverChannel;

	private final BioMode mode;

	private final List<Loop> loops = new ArrayList<>();

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
			throw new IllegalStateException("listening channel of TLS listener '" + this.core.name() + "' is closed", ex);
		}
	}

	@Override
	public void start() {
		try {
			for (int i = 1; i <= this.core.settings().selectorThreads(); i++) {
				this.loops.add(new Loop(i, Selector.open()));
			}
			this.serverChannel.register(this.loops.get(0).selector, SelectionKey.OP_ACCEPT);
			for (Loop loop : this.loops) {
				loop.thread.start();
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
	public void stop() {
		// the accepting loop first, so no channel is dealt to a loop that has already stopped
		for (Loop loop : this.loops) {
			loop.stop();
		}
		BlockingListener.closeQuietly(this.serverChannel);
		for (Loop loop : this.loops) {
			BlockingListener.closeQuietly(loop.selector);
		}
	}

	private void accept(Loop acceptingLoop) {
		for (int i = 0; i < ACCEPT_BATCH; i++) {
			SocketChannel channel;
			try {
				channel = this.serverChannel.accept();
			}
			catch (IOException ex) {
				if (this.serverChannel.isOpen()) {
					acceptFailed(ex);
				}
				return;
			}
			if (channel == null) {
				return;
			}
			try {
				// small TLS records (handshake flights, protocol messages) must not wait for an ACK
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
			Loop target = this.loops.get(this.nextLoop);
			this.nextLoop = (this.nextLoop + 1) % this.loops.size();
			Incoming incoming = new Incoming(channel, this.core.captureContext(), peer);
			if (target == acceptingLoop) {
				acceptingLoop.begin(incoming);
			}
			else {
				target.hand(incoming);
			}
		}
	}

	private void acceptFailed(IOException ex) {
		// e.g. too many open files: do not spin on a listening socket that stays ready
		ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.core.name() + "' failed to accept a connection: " + ex);
		try {
			TimeUnit.MILLISECONDS.sleep(50);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
		}
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

	/** An admitted channel on its way to a loop, with the context current when it was accepted. */
	private record Incoming(SocketChannel channel, TlsServerContext context, @Nullable InetSocketAddress peer) {
	}

	/**
	 * One selector thread and the handshakes registered with it.
	 */
	private final class Loop implements Runnable {

		private final Selector selector;

		private final Thread thread;

		private final Queue<Incoming> incoming = new ConcurrentLinkedQueue<>();

		private final PriorityQueue<PendingHandshake.Deadline> deadlines = new PriorityQueue<>();

		private volatile boolean running = true;

		Loop(int number, Selector selector) {
			this.selector = selector;
			this.thread = SelectorListener.this.threads.newThread("selector-" + number, this);
		}

		void hand(Incoming channel) {
			this.incoming.add(channel);
			this.selector.wakeup();
			if (!this.running || !this.thread.isAlive()) {
				// raced with stop: make sure it is reported
				drainIncoming();
			}
		}

		void stop() {
			this.running = false;
			this.selector.wakeup();
			if (this.thread != Thread.currentThread() && this.thread.getState() != Thread.State.NEW) {
				try {
					this.thread.join(JOIN_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				if (this.thread.isAlive()) {
					ServerCore.logger.log(Level.WARNING,
							"TLS listener '" + SelectorListener.this.core.name() + "': " + this.thread.getName() + " did not end");
				}
			}
			else if (this.thread.getState() == Thread.State.NEW) {
				drainIncoming();
			}
		}

		@Override
		public void run() {
			try {
				while (this.running) {
					long timeout = nextTimeoutMillis();
					if (timeout < 0) {
						this.selector.selectNow();
					}
					else {
						this.selector.select(timeout);
					}
					if (!this.running) {
						break;
					}
					serveSelected();
					Incoming next;
					while ((next = this.incoming.poll()) != null) {
						begin(next);
					}
					expire();
				}
			}
			catch (Throwable ex) {
				ServerCore.logger.log(Level.ERROR, "Selector loop of TLS listener '" + SelectorListener.this.core.name()
						+ "' failed; its pending handshakes are cut", ex);
			}
			finally {
				cutAll();
			}
		}

		/**
		 * How long to select: until the nearest deadline.
		 * @return milliseconds ({@code 0}: no deadline, wait for readiness), or {@code -1} when a
		 * deadline has passed already
		 */
		private long nextTimeoutMillis() {
			PendingHandshake.Deadline head;
			while ((head = this.deadlines.peek()) != null && head.handshake() == null) {
				this.deadlines.poll();
			}
			if (head == null) {
				return 0;
			}
			long left = head.nanos - System.nanoTime();
			if (left <= 0) {
				return -1;
			}
			return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
		}

		private void serveSelected() {
			Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
			while (selected.hasNext()) {
				SelectionKey key = selected.next();
				selected.remove();
				if (!key.isValid()) {
					continue;
				}
				if (key.channel() == SelectorListener.this.serverChannel) {
					accept(this);
				}
				else if (key.attachment() instanceof PendingHandshake handshake) {
					safely(handshake, PendingHandshake::drive);
				}
			}
		}

		private void expire() {
			long now = System.nanoTime();
			PendingHandshake.Deadline head;
			while ((head = this.deadlines.peek()) != null && head.nanos - now <= 0) {
				this.deadlines.poll();
				PendingHandshake handshake = head.handshake();
				if (handshake != null) {
					safely(handshake, PendingHandshake::timeOut);
				}
			}
		}

		void begin(Incoming next) {
			PendingHandshake handshake;
			try {
				handshake = (SelectorListener.this.mode == BioMode.PAIR)
						? PairHandshake.create(SelectorListener.this.core, next.context(), next.channel(), next.peer())
						: new ChannelHandshake(SelectorListener.this.core, next.context(), next.channel(), next.peer());
			}
			catch (IOException | RuntimeException ex) {
				notStarted(next, "cannot start the handshake: " + ex.getMessage());
				return;
			}
			try {
				SelectionKey key = next.channel().register(this.selector, 0, handshake);
				PendingHandshake.Deadline deadline = handshake.register(key);
				if (deadline != null) {
					this.deadlines.add(deadline);
				}
			}
			catch (IOException | RuntimeException ex) {
				handshake.abort(ex);
			}
		}

		private void notStarted(Incoming next, String reason) {
			BlockingListener.closeQuietly(next.channel());
			SelectorListener.this.core.handshakeFinished(next.context(), SelectorListener.this.mode, next.peer(),
					Results.syscall(next.context().config().clock().instant(), reason));
		}

		private void safely(PendingHandshake handshake, Consumer<PendingHandshake> action) {
			try {
				action.accept(handshake);
			}
			catch (RuntimeException ex) {
				ServerCore.logger.log(Level.DEBUG, "TLS listener '" + SelectorListener.this.core.name()
						+ "': handshake aborted", ex);
				handshake.abort(ex);
			}
		}

		private void cutAll() {
			for (SelectionKey key : new ArrayList<>(this.selector.keys())) {
				if (key.attachment() instanceof PendingHandshake handshake && !handshake.isDone()) {
					try {
						handshake.cut();
					}
					catch (RuntimeException ex) {
						ServerCore.logger.log(Level.DEBUG, "cutting a handshake failed", ex);
					}
				}
			}
			this.deadlines.clear();
			drainIncoming();
		}

		private synchronized void drainIncoming() {
			Incoming next;
			while ((next = this.incoming.poll()) != null) {
				notStarted(next, ServerCore.CUT_REASON);
			}
		}

	}

}
