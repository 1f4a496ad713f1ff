package dev.tlsaccept.server;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link TlsChannelHandler#offloaded}: the callbacks of each connection run on an
 * executor, one at a time and in order (a serial queue per connection). Received bytes
 * are copied; while more than {@link #PAUSE_BYTES} wait for the executor, reading from
 * the peer pauses (inbound back-pressure).
 */
final class OffloadedChannelHandler implements TlsChannelHandler {

	/** Copied input waiting for the executor above which reading from the peer pauses. */
	static final int PAUSE_BYTES = 64 * 1024;

	private final Executor executor;

	private final TlsChannelHandler handler;

	private final Map<TlsChannel, Serial> serials = new ConcurrentHashMap<>();

	OffloadedChannelHandler(Executor executor, TlsChannelHandler handler) {
		this.executor = executor;
		this.handler = handler;
	}

	@Override
	public void opened(TlsChannel channel) {
		Serial serial = new Serial(channel);
		this.serials.put(channel, serial);
		serial.submit(0, () -> this.handler.opened(channel));
	}

	@Override
	public void received(TlsChannel channel, ByteBuffer data) {
		ByteBuffer copy = ByteBuffer.allocate(data.remaining());
		copy.put(data).flip();
		ByteBuffer readOnly = copy.asReadOnlyBuffer();
		serial(channel).submit(copy.capacity(), () -> this.handler.received(channel, readOnly));
	}

	@Override
	public void writable(TlsChannel channel) {
		serial(channel).submit(0, () -> this.handler.writable(channel));
	}

	@Override
	public void closed(TlsChannel channel, CloseReason reason) {
		Serial serial = this.serials.remove(channel);
		if (serial == null) {
			serial = new Serial(channel);
		}
		serial.submit(0, () -> this.handler.closed(channel, reason), true);
	}

	private Serial serial(TlsChannel channel) {
		return this.serials.computeIfAbsent(channel, Serial::new);
	}

	@FunctionalInterface
	private interface Callback {

		void run() throws Exception;

	}

	/** The callbacks of one connection, run one after the other on the executor. */
	private final class Serial implements Runnable {

		private final TlsChannel channel;

		private final Queue<Task> tasks = new ArrayDeque<>();

		private long queuedBytes;

		private boolean running;

		private boolean paused;

		Serial(TlsChannel channel) {
			this.channel = channel;
		}

		void submit(int bytes, Callback callback) {
			submit(bytes, callback, false);
		}

		/**
		 * @param closing whether this is the connection's {@code closed()} callback: owed
		 * exactly once, so when the executor refuses it (shut down before the listener
		 * stopped), it runs on the calling thread instead of being lost with the
		 * handler's resources
		 */
		void submit(int bytes, Callback callback, boolean closing) {
			boolean start;
			boolean pause = false;
			synchronized (this) {
				this.tasks.add(new Task(bytes, callback));
				this.queuedBytes += bytes;
				if (this.queuedBytes > PAUSE_BYTES && !this.paused) {
					this.paused = true;
					pause = true;
				}
				start = !this.running;
				this.running = true;
			}
			if (pause) {
				this.channel.pauseReading();
			}
			if (start) {
				try {
					OffloadedChannelHandler.this.executor.execute(this);
				}
				catch (RejectedExecutionException ex) {
					synchronized (this) {
						this.running = false;
						this.tasks.clear();
					}
					if (closing) {
						runRefusedClosed(callback);
						return;
					}
					ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.channel.listenerName()
							+ "': the handler's executor refused a callback (" + ex.getMessage() + "); closing");
					this.channel.close();
				}
			}
		}

		private void runRefusedClosed(Callback closed) {
			try {
				closed.run();
			}
			catch (Throwable ex) {
				EventConnection.handlerFailed(this.channel, ex);
			}
		}

		@Override
		public void run() {
			while (true) {
				Task task;
				boolean resume = false;
				synchronized (this) {
					task = this.tasks.poll();
					if (task == null) {
						this.running = false;
						return;
					}
				}
				try {
					task.callback().run();
				}
				catch (Throwable ex) {
					EventConnection.handlerFailed(this.channel, ex);
				}
				synchronized (this) {
					this.queuedBytes -= task.bytes();
					if (this.paused && this.queuedBytes <= PAUSE_BYTES / 2) {
						this.paused = false;
						resume = true;
					}
				}
				if (resume) {
					this.channel.resumeReading();
				}
			}
		}

	}

	private record Task(int bytes, Callback callback) {
	}

}
