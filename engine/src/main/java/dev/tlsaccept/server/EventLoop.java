package dev.tlsaccept.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * One selector thread: readiness of its channels (pending handshakes and established
 * event-driven connections), tasks posted from other threads, and timers (handshake
 * deadlines, idle and lifetime checks). It only does I/O and bookkeeping: delegated
 * engine tasks, observers and offloaded handlers run elsewhere.
 *
 * <p>
 * It also keeps its pending handshakes in order of their last activity (the longest
 * silent first), so that under pressure the stalled ones are cut first
 * ({@link #cutStalled}).
 */
final class EventLoop implements Runnable {

	private static final long JOIN_MILLIS = 10_000;

	/**
	 * Room for one decrypted record: SunJSSE asks for 16,709 bytes, BCJSSE and BoringSSL
	 * less. One per loop, shared by its connections (a connection keeps no application
	 * buffer).
	 */
	private static final int SCRATCH_SIZE = 17 * 1024;

	private final String listener;

	final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final TimerHeap timers = new TimerHeap();

	private final Runnable beforeTasks;

	private @Nullable ByteBuffer scratch;

	/** Pending handshakes, least recently active first. */
	private @Nullable PendingHandshake oldest;

	private @Nullable PendingHandshake newest;

	private int pendingCount;

	private volatile boolean running = true;

	/**
	 * @param listener the listener name, for logs
	 * @param threads names the thread
	 * @param number the loop number, for the thread name
	 * @param beforeTasks run on each turn before the posted tasks (the listener takes its
	 * incoming connections there)
	 */
	EventLoop(String listener, ServerThreads threads, int number, Runnable beforeTasks) throws IOException {
		this.listener = listener;
		this.selector = Selector.open();
		this.thread = threads.newThread("selector-" + number, this);
		this.beforeTasks = beforeTasks;
	}

	void start() {
		this.thread.start();
	}

	boolean isRunning() {
		return this.running && this.thread.isAlive();
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Run a task on the loop thread: at once when called on it, else on its next turn.
	 * Tasks posted after the loop stopped do not run.
	 * @param task the task
	 */
	void execute(Runnable task) {
		if (inLoop()) {
			task.run();
			return;
		}
		post(task);
	}

	/**
	 * Run a task on the loop's next turn, even when called on the loop thread.
	 * @param task the task
	 */
	void post(Runnable task) {
		this.tasks.add(task);
		wakeup();
	}

	void wakeup() {
		if (this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	SelectionKey register(SelectableChannel channel, int ops, Selectable attachment) throws IOException {
		return channel.register(this.selector, ops, attachment);
	}

	/**
	 * Queue a timer (loop thread only); a timer already queued moves to its new time (its
	 * {@code nanos} may have been changed in place).
	 * @param timer the timer, its {@code nanos} set
	 */
	void schedule(LoopTimer timer) {
		if (timer.isQueued()) {
			this.timers.remove(timer);
		}
		this.timers.add(timer);
	}

	/**
	 * Take a timer out of the queue (loop thread only): it will not fire, and the loop no
	 * longer holds what it refers to.
	 * @param timer the timer; one not queued is left alone
	 */
	void cancel(LoopTimer timer) {
		this.timers.remove(timer);
	}

	/**
	 * The loop's buffer for decrypted bytes, valid until the next call on the loop
	 * thread.
	 * @return the cleared buffer
	 */
	ByteBuffer scratch() {
		ByteBuffer buffer = this.scratch;
		if (buffer == null) {
			buffer = ByteBuffer.allocate(SCRATCH_SIZE);
			this.scratch = buffer;
		}
		buffer.clear();
		return buffer;
	}

	// ---- pending handshakes by activity -----------------------------------------------

	void pendingStarted(PendingHandshake handshake, long now) {
		handshake.lastActivityNanos = now;
		append(handshake);
		this.pendingCount++;
	}

	void pendingActive(PendingHandshake handshake, long now) {
		handshake.lastActivityNanos = now;
		if (this.newest != handshake && isListed(handshake)) {
			unlink(handshake);
			append(handshake);
		}
	}

	void pendingEnded(PendingHandshake handshake) {
		if (isListed(handshake)) {
			unlink(handshake);
			this.pendingCount--;
		}
	}

	/** On this loop's thread: how many pending handshakes it holds. */
	int pendingCount() {
		return this.pendingCount;
	}

	/**
	 * The pending handshake silent for the longest time, of those waiting for their peer
	 * (one whose delegated task runs waits for the server and is passed over).
	 * @return it, or {@code null} when the loop has none
	 */
	@Nullable PendingHandshake mostSilent() {
		PendingHandshake candidate = this.oldest;
		while (candidate != null && candidate.awaitingTask) {
			candidate = candidate.newer;
		}
		return candidate;
	}

	/**
	 * Cut every pending handshake silent for at least {@code silenceNanos}, the longest
	 * silent first (passing over those whose delegated task runs).
	 * @param now {@link System#nanoTime()} now
	 * @param silenceNanos the silence that is too long
	 * @param reason why, in the record
	 * @return how many were cut
	 */
	int cutStalled(long now, long silenceNanos, String reason) {
		int cut = 0;
		PendingHandshake candidate = this.oldest;
		while (candidate != null && now - candidate.lastActivityNanos >= silenceNanos) {
			PendingHandshake next = candidate.newer;
			if (!candidate.awaitingTask) {
				candidate.cutStalled(reason + ", silent "
						+ TimeUnit.NANOSECONDS.toMillis(now - candidate.lastActivityNanos) + " ms");
				// removed by its end already; never keep a cut one listed
				pendingEnded(candidate);
				cut++;
			}
			candidate = next;
		}
		return cut;
	}

	private boolean isListed(PendingHandshake handshake) {
		return handshake.newer != null || handshake.older != null || this.oldest == handshake;
	}

	private void append(PendingHandshake handshake) {
		handshake.older = this.newest;
		handshake.newer = null;
		if (this.newest != null) {
			this.newest.newer = handshake;
		}
		this.newest = handshake;
		if (this.oldest == null) {
			this.oldest = handshake;
		}
	}

	private void unlink(PendingHandshake handshake) {
		PendingHandshake older = handshake.older;
		PendingHandshake newer = handshake.newer;
		if (older != null) {
			older.newer = newer;
		}
		else {
			this.oldest = newer;
		}
		if (newer != null) {
			newer.older = older;
		}
		else {
			this.newest = older;
		}
		handshake.older = null;
		handshake.newer = null;
	}

	// ---- the loop ---------------------------------------------------------------------

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
						"TLS listener '" + this.listener + "': " + this.thread.getName() + " did not end");
			}
		}
		BlockingListener.closeQuietly(this.selector);
	}

	@Override
	public void run() {
		try {
			while (this.running) {
				long timeout = nextTimeoutMillis();
				if (timeout < 0 || !this.tasks.isEmpty()) {
					this.selector.selectNow();
				}
				else {
					this.selector.select(timeout);
				}
				this.wakeupPending.set(false);
				if (!this.running) {
					break;
				}
				serveSelected();
				this.beforeTasks.run();
				runTasks();
				fireTimers();
			}
		}
		catch (Throwable ex) {
			ServerCore.logger.log(Level.ERROR, "Selector loop of TLS listener '" + this.listener
					+ "' failed; its handshakes and connections are cut", ex);
		}
		finally {
			this.running = false;
			stopAll();
		}
	}

	/**
	 * How long to select: until the nearest timer.
	 * @return milliseconds ({@code 0}: no timer, wait for readiness), or {@code -1} when
	 * a timer is due
	 */
	private long nextTimeoutMillis() {
		LoopTimer head = this.timers.peek();
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
			int ready;
			try {
				ready = key.readyOps();
			}
			catch (RuntimeException ex) {
				continue;
			}
			if (key.attachment() instanceof Selectable selectable) {
				try {
					selectable.ready(ready);
				}
				catch (RuntimeException ex) {
					ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.listener + "': a channel failed", ex);
					selectable.loopStopped();
				}
			}
		}
	}

	private void runTasks() {
		// only the tasks there now: a task that posts another does not keep the loop from
		// selecting
		for (int count = this.tasks.size(); count > 0; count--) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				return;
			}
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.listener + "': a loop task failed", ex);
			}
		}
	}

	private void fireTimers() {
		long now = System.nanoTime();
		LoopTimer head;
		while ((head = this.timers.peek()) != null && head.nanos - now <= 0) {
			this.timers.poll();
			try {
				head.fire(now);
			}
			catch (RuntimeException ex) {
				ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.listener + "': a timer failed", ex);
			}
		}
	}

	private void stopAll() {
		for (SelectionKey key : new ArrayList<>(this.selector.keys())) {
			if (key.attachment() instanceof Selectable selectable) {
				try {
					selectable.loopStopped();
				}
				catch (RuntimeException ex) {
					ServerCore.logger.log(Level.DEBUG, "stopping a channel failed", ex);
				}
			}
		}
		this.timers.clear();
		this.tasks.clear();
	}

}
