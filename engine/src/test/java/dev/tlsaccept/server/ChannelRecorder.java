package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event-driven handler for tests: each callback does what the test chose
 * ({@link #onOpened}, {@link #onReceived}, {@link #onWritable}; by default an echo), and
 * every call is recorded per connection: which callback, on which thread, when, and the
 * bytes received. It also checks the {@link TlsChannelHandler} promises as the calls
 * come: calls for one connection never overlap, {@code opened} comes first and
 * {@code closed} exactly once, last ({@link #assertContractKept()}).
 */
final class ChannelRecorder implements TlsChannelHandler {

	/** What a test does on {@code opened}. */
	@FunctionalInterface
	interface OnChannel {

		void accept(TlsChannel channel) throws Exception;

	}

	/** What a test does on {@code received}. */
	@FunctionalInterface
	interface OnData {

		void accept(TlsChannel channel, ByteBuffer data) throws Exception;

	}

	static final OnData ECHO = TlsChannel::write;

	private static final Duration WAIT = Duration.ofSeconds(20);

	volatile OnChannel onOpened = (channel) -> {
	};

	volatile OnData onReceived = ECHO;

	volatile OnChannel onWritable = (channel) -> {
	};

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private final Map<TlsChannel, Connection> byChannel = new ConcurrentHashMap<>();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	@Override
	public void opened(TlsChannel channel) throws Exception {
		Connection connection = new Connection(channel);
		if (this.byChannel.putIfAbsent(channel, connection) != null) {
			this.violations.add("opened twice: " + channel);
		}
		this.connections.add(connection);
		connection.enter("opened");
		try {
			this.onOpened.accept(channel);
		}
		finally {
			connection.leave();
		}
	}

	@Override
	public void received(TlsChannel channel, ByteBuffer data) throws Exception {
		Connection connection = of(channel, "received");
		connection.enter("received");
		try {
			// the test's callback may consume the buffer: record what came first
			ByteBuffer copy = data.duplicate();
			byte[] bytes = new byte[copy.remaining()];
			copy.get(bytes);
			synchronized (connection.received) {
				connection.received.write(bytes, 0, bytes.length);
			}
			this.onReceived.accept(channel, data);
		}
		finally {
			connection.leave();
		}
	}

	@Override
	public void writable(TlsChannel channel) throws Exception {
		Connection connection = of(channel, "writable");
		connection.enter("writable");
		try {
			this.onWritable.accept(channel);
		}
		finally {
			connection.leave();
		}
	}

	@Override
	public void closed(TlsChannel channel, CloseReason reason) {
		Connection connection = of(channel, "closed");
		connection.enter("closed " + reason);
		connection.closedNanos = System.nanoTime();
		connection.reason = reason;
		connection.leave();
		if (channel.isOpen()) {
			this.violations.add("channel still open in closed(): " + channel);
		}
	}

	private Connection of(TlsChannel channel, String callback) {
		Connection connection = this.byChannel.get(channel);
		if (connection == null) {
			// record it anyway, so that the test fails on the violation rather than on a
			// null
			this.violations.add(callback + " before opened: " + channel);
			connection = new Connection(channel);
			this.byChannel.put(channel, connection);
			this.connections.add(connection);
		}
		return connection;
	}

	/**
	 * Wait (bounded) for the {@code index}-th connection (from 0) to open.
	 */
	Connection connection(int index) {
		ServerFixtures.await(WAIT, "connection " + index + " to open", () -> this.connections.size() > index);
		return this.connections.get(index);
	}

	List<Connection> connections() {
		return List.copyOf(this.connections);
	}

	/**
	 * Wait (bounded) until every connection that opened was told it closed (an offloaded
	 * handler learns it on its executor, after the server stopped).
	 */
	void awaitAllClosed() {
		ServerFixtures.await(WAIT, "every connection to be closed",
				() -> this.connections.stream().allMatch(Connection::isClosed));
	}

	/**
	 * Every connection got {@code closed} exactly once, after every other call, and no
	 * calls for one connection overlapped.
	 */
	void assertContractKept() {
		assertThat(this.violations).as("violations of the TlsChannelHandler contract").isEmpty();
		for (Connection connection : this.connections) {
			List<String> calls = connection.calls();
			assertThat(calls).as("calls of %s", connection.channel).isNotEmpty();
			assertThat(calls.get(0)).as("first call of %s", connection.channel).isEqualTo("opened");
			assertThat(calls.stream().filter((call) -> call.startsWith("closed"))).as("closes of %s", calls).hasSize(1);
			assertThat(calls.get(calls.size() - 1)).as("last call of %s", connection.channel).startsWith("closed");
		}
	}

	/** What one connection's handler saw. */
	final class Connection {

		final TlsChannel channel;

		final long openedNanos = System.nanoTime();

		private final List<String> calls = new CopyOnWriteArrayList<>();

		private final List<String> threads = new CopyOnWriteArrayList<>();

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		private final AtomicBoolean inCall = new AtomicBoolean();

		private volatile @Nullable CloseReason reason;

		private volatile long closedNanos;

		Connection(TlsChannel channel) {
			this.channel = channel;
		}

		private void enter(String call) {
			if (!this.inCall.compareAndSet(false, true)) {
				ChannelRecorder.this.violations
					.add("overlapping calls: " + call + " while in another call, " + this.calls);
			}
			if (this.reason != null) {
				ChannelRecorder.this.violations.add(call + " after closed: " + this.calls);
			}
			this.calls.add(call);
			this.threads.add(Thread.currentThread().getName());
		}

		private void leave() {
			this.inCall.set(false);
		}

		/**
		 * Wait (bounded) for the end of the connection.
		 */
		CloseReason awaitClosed() {
			ServerFixtures.await(WAIT, "the close of " + this.channel + " (calls " + this.calls + ")",
					() -> this.reason != null);
			return this.reason;
		}

		boolean isClosed() {
			return this.reason != null;
		}

		/** From {@code opened} to {@code closed}. */
		Duration lifetime() {
			awaitClosed();
			return Duration.ofNanos(this.closedNanos - this.openedNanos);
		}

		List<String> calls() {
			return List.copyOf(this.calls);
		}

		List<String> threads() {
			return List.copyOf(this.threads);
		}

		byte[] received() {
			synchronized (this.received) {
				return this.received.toByteArray();
			}
		}

		String receivedText() {
			return new String(received(), StandardCharsets.UTF_8);
		}

		/** Wait (bounded) until at least {@code count} bytes arrived. */
		byte[] awaitReceived(int count) {
			ServerFixtures.await(WAIT, count + " received bytes", () -> received().length >= count);
			return received();
		}

		int count(String call) {
			return (int) new ArrayList<>(this.calls).stream().filter(call::equals).count();
		}

	}

}
