package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A test server that drives one {@link TlsAcceptor} per connection in a given
 * {@link BioMode}, exactly as a caller of the contract would: blocking calls
 * {@code accept()} once; non-blocking waits in a selector for what {@code WANT_*} asked
 * and calls again; pair pumps socket bytes through a {@link BioPair}. Every
 * {@code accept()} result is recorded in order, so tests can assert both the final cell
 * and the turns that led to it.
 */
final class ContractServer implements AutoCloseable {

	/**
	 * Every result a connection's {@code accept()} calls returned, the last one finished.
	 */
	record Outcome(List<AcceptResult> calls, AcceptResult repeated, byte[] afterHandshake) {

		AcceptResult result() {
			return this.calls.get(this.calls.size() - 1);
		}

	}

	private final TlsServerContext context;

	private final BioMode mode;

	private final ServerSocketChannel server;

	private final Thread acceptor;

	private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

	private final List<Thread> connections = new ArrayList<>();

	private volatile boolean running = true;

	/**
	 * Where non-blocking acceptors run their delegated tasks ({@code WANT_ASYNC} while
	 * they do), as a selector loop lends them; {@code null}: on the connection's thread.
	 */
	private final @Nullable Executor tasks;

	ContractServer(TlsServerContext context, BioMode mode) throws IOException {
		this(context, mode, null);
	}

	ContractServer(TlsServerContext context, BioMode mode, @Nullable Executor tasks) throws IOException {
		this.context = context;
		this.mode = mode;
		this.tasks = tasks;
		this.server = ServerSocketChannel.open();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.acceptor = new Thread(this::acceptLoop, "contract-acceptor");
		this.acceptor.start();
	}

	/** How many renegotiations the server's context refused. */
	long renegotiationsRefused() {
		return this.context.renegotiationsRefused();
	}

	int port() {
		return this.server.socket().getLocalPort();
	}

	/**
	 * The outcome of the next connection that finished its handshake.
	 * @param timeout how long to wait
	 * @return the outcome
	 */
	Outcome next(Duration timeout) throws InterruptedException {
		Outcome outcome = this.outcomes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (outcome == null) {
			throw new AssertionError("no handshake finished within " + timeout);
		}
		return outcome;
	}

	private void acceptLoop() {
		while (this.running) {
			try {
				SocketChannel channel = this.server.accept();
				Thread connection = new Thread(() -> serve(channel), "contract-connection");
				synchronized (this.connections) {
					this.connections.add(connection);
				}
				connection.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(SocketChannel channel) {
		List<AcceptResult> calls = new ArrayList<>();
		AcceptResult[] repeated = new AcceptResult[1];
		byte[] received = new byte[0];
		try {
			switch (this.mode) {
				case BLOCKING -> {
					Socket socket = channel.socket();
					try (TlsAcceptor acceptor = this.context.newBlockingAcceptor(socket)) {
						calls.add(acceptor.accept());
						repeated[0] = acceptor.accept();
						received = afterHandshake(acceptor, calls);
					}
				}
				case NON_BLOCKING -> {
					try (TlsAcceptor acceptor = this.context.newNonBlockingAcceptor(channel);
							Selector selector = Selector.open()) {
						SelectionKey key = channel.register(selector, 0);
						if (this.tasks != null) {
							acceptor.delegateTasks(this.tasks, selector::wakeup);
						}
						AcceptResult result = acceptor.accept();
						calls.add(result);
						while (result.error().isRetryable()) {
							key.interestOps(switch (result.error()) {
								case WANT_READ -> SelectionKey.OP_READ;
								case WANT_WRITE -> SelectionKey.OP_WRITE;
								default -> 0;
							});
							long waitMillis = TimeUnit.NANOSECONDS
								.toMillis(acceptor.deadlineNanos() - System.nanoTime());
							if (waitMillis <= 0 || selector.select(waitMillis) == 0
									&& System.nanoTime() - acceptor.deadlineNanos() >= 0) {
								result = acceptor.timeOut();
							}
							else {
								selector.selectedKeys().clear();
								result = acceptor.accept();
							}
							calls.add(result);
						}
						repeated[0] = acceptor.accept();
						key.cancel();
						selector.selectNow();
						channel.configureBlocking(true);
						received = afterHandshake(acceptor, calls);
					}
				}
				case PAIR -> {
					BioPair pair = BioPair.create();
					try (TlsAcceptor acceptor = this.context.newPairAcceptor(pair,
							(InetSocketAddress) channel.getRemoteAddress()); channel) {
						PairPump pump = new PairPump(channel, pair);
						AcceptResult result = acceptor.accept();
						calls.add(result);
						while (result.error().isRetryable()) {
							if (!pump.pump(result.error(), acceptor.deadlineNanos())) {
								result = acceptor.timeOut();
							}
							else {
								result = acceptor.accept();
							}
							calls.add(result);
						}
						repeated[0] = acceptor.accept();
						pump.flush();
						if (result.isSuccess()) {
							received = pairAfterHandshake(acceptor, pair, pump, calls);
						}
					}
				}
			}
		}
		catch (Exception ex) {
			calls.add(AcceptResult.builder(-99, SslError.SYSCALL)
				.engineMessage(ex.toString())
				.reason("test harness failure")
				.build());
		}
		this.outcomes.add(new Outcome(List.copyOf(calls),
				(repeated[0] != null) ? repeated[0] : calls.get(calls.size() - 1), received));
	}

	/** Blocking data phase: read one chunk, echo it, shut down. */
	private static byte[] afterHandshake(TlsAcceptor acceptor, List<AcceptResult> calls) {
		if (!calls.get(calls.size() - 1).isSuccess()) {
			return new byte[0];
		}
		ByteBuffer buffer = ByteBuffer.allocate(1024);
		IoResult read = acceptor.read(buffer);
		if (read.code() > 0) {
			buffer.flip();
			acceptor.write(buffer.duplicate());
		}
		acceptor.shutdown();
		return copy(buffer);
	}

	private static byte[] pairAfterHandshake(TlsAcceptor acceptor, BioPair pair, PairPump pump,
			List<AcceptResult> calls) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(1024);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		IoResult read;
		while ((read = acceptor.read(buffer)).error().isRetryable()) {
			if (!pump.pump(read.error(), deadline)) {
				return new byte[0];
			}
		}
		if (read.code() > 0) {
			buffer.flip();
			acceptor.write(buffer.duplicate());
		}
		acceptor.shutdown();
		pump.flush();
		return copy(buffer);
	}

	private static byte[] copy(ByteBuffer buffer) {
		ByteBuffer view = buffer.duplicate();
		if (view.position() != 0) {
			view.flip();
		}
		byte[] bytes = new byte[view.remaining()];
		view.get(bytes);
		return bytes;
	}

	@Override
	public void close() throws Exception {
		this.running = false;
		this.server.close();
		this.acceptor.join(5000);
		List<Thread> threads;
		synchronized (this.connections) {
			threads = List.copyOf(this.connections);
		}
		for (Thread thread : threads) {
			thread.join(15_000);
		}
	}

	/**
	 * Moves bytes between a non-blocking socket channel and a pair, as a pair's caller
	 * does.
	 */
	static final class PairPump {

		private final SocketChannel channel;

		private final BioPair pair;

		private final ByteBuffer in = ByteBuffer.allocate(BioPair.DEFAULT_CAPACITY);

		private final ByteBuffer out = ByteBuffer.allocate(BioPair.DEFAULT_CAPACITY);

		private final Selector selector;

		private boolean eof;

		PairPump(SocketChannel channel, BioPair pair) throws IOException {
			this.channel = channel;
			this.pair = pair;
			channel.configureBlocking(false);
			this.selector = Selector.open();
			channel.register(this.selector, SelectionKey.OP_READ);
		}

		/**
		 * Satisfy what the acceptor wants.
		 * @return {@code false} when the deadline passed first
		 */
		boolean pump(SslError want, long deadlineNanos) throws IOException {
			flush();
			if (want == SslError.WANT_WRITE) {
				return true;
			}
			while (true) {
				int read = readIntoPair();
				if (read != 0) {
					return true;
				}
				long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
				if (waitMillis <= 0) {
					return false;
				}
				this.selector.select(waitMillis);
				this.selector.selectedKeys().clear();
			}
		}

		private int readIntoPair() throws IOException {
			if (this.eof) {
				return -1;
			}
			int count;
			try {
				count = this.channel.read(this.in);
			}
			catch (IOException ex) {
				this.pair.inputFailed(ex);
				this.eof = true;
				return -1;
			}
			if (count < 0) {
				this.pair.endOfInput();
				this.eof = true;
			}
			this.in.flip();
			this.pair.writeFromNetwork(this.in);
			this.in.compact();
			return count;
		}

		void flush() throws IOException {
			while (this.pair.pendingToNetwork() > 0 || this.out.position() > 0) {
				this.pair.readToNetwork(this.out);
				this.out.flip();
				try {
					while (this.out.hasRemaining()) {
						if (this.channel.write(this.out) == 0) {
							Thread.onSpinWait();
						}
					}
				}
				catch (IOException ex) {
					this.out.clear();
					return;
				}
				this.out.clear();
			}
		}

	}

}
