package dev.tlsaccept.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@code blocking} mode: one acceptor thread on a {@link ServerSocket}; each
 * handshake runs {@link TlsAcceptor#accept()} over the blocking socket on a bounded pool
 * of handshake threads, so a pending handshake holds one thread until it finishes or
 * times out.
 */
final class BlockingListener implements Listener {

	private static final long JOIN_MILLIS = 10_000;

	private final ServerCore core;

	private final ServerThreads threads;

	private final ServerSocket serverSocket;

	private final Set<Handshake> pending = ConcurrentHashMap.newKeySet();

	private @Nullable ExecutorService handshakes;

	private @Nullable Thread acceptorThread;

	private volatile boolean stopping;

	private BlockingListener(ServerCore core, ServerThreads threads, ServerSocket serverSocket) {
		this.core = core;
		this.threads = threads;
		this.serverSocket = serverSocket;
	}

	static BlockingListener bind(ServerCore core, ServerThreads threads, InetSocketAddress address, int backlog)
			throws IOException {
		ServerSocket serverSocket = new ServerSocket();
		try {
			serverSocket.setReuseAddress(true);
			serverSocket.bind(address, backlog);
			return new BlockingListener(core, threads, serverSocket);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(serverSocket);
			throw ex;
		}
	}

	@Override
	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.serverSocket.getLocalSocketAddress();
	}

	@Override
	public void start() {
		this.handshakes = this.threads.newPool("handshake", this.core.settings().maxPendingHandshakes());
		Thread thread = this.threads.newThread("acceptor", this::acceptLoop);
		this.acceptorThread = thread;
		try {
			thread.start();
		}
		catch (RuntimeException | Error ex) {
			this.acceptorThread = null;
			stop();
			throw ex;
		}
	}

	private void acceptLoop() {
		while (!this.stopping) {
			Socket socket;
			try {
				socket = this.serverSocket.accept();
			}
			catch (IOException ex) {
				if (this.stopping || this.serverSocket.isClosed()) {
					return;
				}
				acceptFailed(ex);
				continue;
			}
			try {
				// small TLS records (handshake flights, protocol messages) must not wait
				// for an ACK
				socket.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				// the peer is already gone: the handshake will say so
			}
			try {
				dispatch(socket);
			}
			catch (RuntimeException ex) {
				ServerCore.logger.log(Level.ERROR,
						"TLS listener '" + this.core.name() + "' failed to dispatch a connection", ex);
				closeQuietly(socket);
			}
		}
	}

	private void acceptFailed(IOException ex) {
		// e.g. too many open files: do not spin, let connections close
		ServerCore.logger.log(Level.WARNING,
				"TLS listener '" + this.core.name() + "' failed to accept a connection: " + ex);
		try {
			TimeUnit.MILLISECONDS.sleep(50);
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void dispatch(Socket socket) {
		InetSocketAddress peer = peerOf(socket);
		if (!this.core.admit(peer)) {
			closeQuietly(socket);
			return;
		}
		Handshake handshake = new Handshake(socket, this.core.captureContext(), peer);
		this.pending.add(handshake);
		ExecutorService pool = this.handshakes;
		try {
			if (pool == null) {
				throw new RejectedExecutionException("not started");
			}
			pool.execute(handshake);
		}
		catch (RejectedExecutionException ex) {
			handshake.cut();
			handshake.run();
		}
	}

	@Override
	public void stopAccepting() {
		// established connections are the workers': nothing of this listener serves them
		stop();
	}

	@Override
	public void stop() {
		this.stopping = true;
		closeQuietly(this.serverSocket);
		Thread thread = this.acceptorThread;
		if (thread != null && thread != Thread.currentThread()) {
			join(thread);
		}
		for (Handshake handshake : new ArrayList<>(this.pending)) {
			handshake.cut();
		}
		ExecutorService pool = this.handshakes;
		if (pool != null && !ServerThreads.shutdown(pool, JOIN_MILLIS)) {
			ServerCore.logger.log(Level.WARNING,
					"TLS listener '" + this.core.name() + "': handshake threads did not end");
		}
	}

	private void join(Thread thread) {
		try {
			thread.join(JOIN_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			ServerCore.logger.log(Level.WARNING,
					"TLS listener '" + this.core.name() + "': " + thread.getName() + " did not end");
		}
	}

	private static AcceptorConnection.Transport socketTransport(Socket socket) {
		return new AcceptorConnection.Transport() {

			@Override
			public void shutdownInput() throws IOException {
				socket.shutdownInput();
			}

			@Override
			public void close() throws IOException {
				socket.close();
			}

		};
	}

	static @Nullable InetSocketAddress peerOf(Socket socket) {
		SocketAddress address = socket.getRemoteSocketAddress();
		return (address instanceof InetSocketAddress inet) ? inet : null;
	}

	static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// closing: nothing left to report
			}
		}
	}

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/**
	 * One pending handshake over a blocking socket, run on a handshake thread.
	 */
	private final class Handshake implements Runnable {

		private final Socket socket;

		private final TlsServerContext context;

		private final @Nullable InetSocketAddress peer;

		private volatile boolean cut;

		Handshake(Socket socket, TlsServerContext context, @Nullable InetSocketAddress peer) {
			this.socket = socket;
			this.context = context;
			this.peer = peer;
		}

		/**
		 * Read the PROXY protocol header on this thread, each read bounded by what is
		 * left of the handshake timeout; the socket's own timeout is restored for the
		 * handshake.
		 */
		private ProxyPhase.Outcome readProxyHeader() {
			ServerCore core = BlockingListener.this.core;
			ProxyPhase phase = new ProxyPhase(core.settings().proxyProtocol(),
					core.settings().trustsProxy((this.peer != null) ? this.peer.getAddress() : null), this.peer);
			Clock clock = this.context.config().clock();
			long deadline = System.nanoTime() + this.context.config().handshakeTimeout().toNanos();
			try {
				int timeout = this.socket.getSoTimeout();
				try {
					InputStream in = this.socket.getInputStream();
					while (true) {
						ProxyPhase.Outcome outcome = phase.decide(clock.instant());
						if (outcome != null) {
							return phase.admit(outcome, core, clock.instant());
						}
						long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
						if (left <= 0) {
							return phase.timedOut(clock.instant());
						}
						this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
						ByteBuffer buffer = phase.buffer();
						int count = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(),
								buffer.remaining());
						if (count < 0) {
							return phase.endOfStream(clock.instant());
						}
						buffer.position(buffer.position() + count);
					}
				}
				finally {
					if (!this.socket.isClosed()) {
						this.socket.setSoTimeout(timeout);
					}
				}
			}
			catch (SocketTimeoutException ex) {
				return phase.timedOut(clock.instant());
			}
			catch (IOException ex) {
				return phase.readFailed(clock.instant(), ex);
			}
		}

		/**
		 * End the handshake from another thread: closing the socket fails its blocked
		 * read.
		 */
		void cut() {
			this.cut = true;
			closeQuietly(this.socket);
		}

		@Override
		public void run() {
			TlsAcceptor acceptor = null;
			AcceptResult result;
			InetSocketAddress peer = this.peer;
			ProxyPhase.Outcome proxied = null;
			ServerCore core = BlockingListener.this.core;
			Instant startedAt = core.startTime();
			try {
				ByteBuffer prefix = EMPTY;
				if (ProxyPhase.applies(core.settings().proxyProtocol())) {
					proxied = readProxyHeader();
					peer = proxied.peer();
					prefix = proxied.prefix();
					if (proxied.failure() == null) {
						// once the header said who the client is, and whether it is a
						// health check
						core.handshakeStarted(this.peer, peer, proxied.header(), startedAt);
					}
				}
				else {
					core.handshakeStarted(peer, null, null, startedAt);
				}
				if (proxied != null && proxied.failure() != null) {
					result = proxied.failure();
				}
				else {
					acceptor = this.context.newBlockingAcceptor(this.socket, prefix, (proxied != null) ? peer : null);
					result = acceptor.accept();
				}
			}
			catch (RuntimeException ex) {
				result = Results.syscall(this.context.config().clock().instant(),
						"cannot start the handshake: " + ex.getMessage());
			}
			if (this.cut && !result.isSuccess()) {
				result = Results.relabel(result, ServerCore.CUT_REASON);
			}
			BlockingListener.this.pending.remove(this);
			BlockingListener.this.core.handshakeFinished(this.context, BioMode.BLOCKING, peer,
					(proxied != null) ? proxied.proxy() : null, (proxied != null) ? proxied.header() : null,
					proxied != null && proxied.refused() && !this.cut, result);
			if (!result.isSuccess() || acceptor == null) {
				closeQuietly(acceptor);
				closeQuietly(this.socket);
				return;
			}
			if (BlockingListener.this.core.hasHandler()) {
				BlockingListener.this.core.handOff(new AcceptorConnection(BlockingListener.this.core, result, acceptor,
						socketTransport(this.socket)));
			}
			else {
				// a handshake probe: close_notify, then close
				try {
					acceptor.shutdown();
				}
				finally {
					acceptor.close();
					BlockingListener.this.core.closedWithoutHandler();
				}
			}
		}

	}

}
