package dev.tlsaccept.engine;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

/**
 * An engine's delegated tasks (the signature, the key exchange: the CPU of a handshake),
 * run on the calling thread or lent to an executor. While they run elsewhere the engine
 * is theirs: releasing it waits until they are done ({@link #releaseNowOrWhenDone}). The
 * acceptor's thread calls everything but {@link #isRunning()} and
 * {@link #releaseNowOrWhenDone}, which any thread may call.
 */
final class DelegatedTasks {

	private final SSLEngine engine;

	/** Gives the engine back to its context; idempotent. */
	private final Runnable releaseEngine;

	private @Nullable Executor executor;

	private @Nullable Runnable whenDone;

	/**
	 * Tasks ran since {@link #unwrapDue} was last asked: SunJSSE throws a task's failure
	 * (a ClientHello it cannot parse) only from the next wrap or unwrap, so unwrap once
	 * even without input.
	 */
	private boolean ran;

	/** Guarded by {@code this}: tasks run on the executor now. */
	private boolean running;

	/**
	 * Guarded by {@code this}: the acceptor was closed while they ran: release the engine
	 * when done.
	 */
	private boolean releaseWhenDone;

	DelegatedTasks(SSLEngine engine, Runnable releaseEngine) {
		this.engine = engine;
		this.releaseEngine = releaseEngine;
	}

	/**
	 * Run the tasks on {@code executor} from now on, and tell {@code whenDone} (on the
	 * executor's thread) when they are done, unless the acceptor was closed meanwhile.
	 */
	void delegateTo(Executor executor, Runnable whenDone) {
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
		this.whenDone = Objects.requireNonNull(whenDone, "whenDone must not be null");
	}

	/**
	 * The handshake is over: the data phase runs its rare tasks (a KeyUpdate) inline;
	 * drop the caller's executor and callback with whatever they hold.
	 */
	void runInlineFromNow() {
		this.executor = null;
		this.whenDone = null;
	}

	/**
	 * Run the engine's pending tasks: here, or on the executor.
	 * @return {@code true} when they run elsewhere now ({@code accept()} answers
	 * {@code WANT_ASYNC} until they are done); {@code false} when they ran here
	 */
	boolean run() {
		Executor executor = this.executor;
		if (executor == null) {
			runHere();
			return false;
		}
		synchronized (this) {
			this.running = true;
		}
		Runnable whenDone = this.whenDone;
		Runnable tasks = () -> {
			boolean closed;
			try {
				runHere();
			}
			finally {
				synchronized (this) {
					this.running = false;
					closed = this.releaseWhenDone;
				}
				if (closed) {
					this.releaseEngine.run();
				}
			}
			if (!closed && whenDone != null) {
				whenDone.run();
			}
		};
		try {
			executor.execute(tasks);
		}
		catch (RejectedExecutionException ex) {
			tasks.run();
		}
		return true;
	}

	/**
	 * Whether the tasks go to an executor ({@link #delegateTo}), rather than run on the
	 * calling thread.
	 */
	boolean delegates() {
		return this.executor != null;
	}

	/**
	 * Run the engine's pending tasks here, even when an executor was given: the caller
	 * knows they are cheap.
	 */
	void runHere() {
		Runnable task;
		while ((task = this.engine.getDelegatedTask()) != null) {
			task.run();
			this.ran = true;
		}
	}

	/**
	 * Whether to unwrap now, in the handshake or the data phase: when input is buffered,
	 * or when tasks ran since the last time this was asked (the engine may have a failure
	 * to report, or may finish without input); forgets that they ran.
	 * @param buffers the connection's buffers
	 * @return {@code true} when an unwrap is due
	 */
	boolean unwrapDue(RecordBuffers buffers) {
		boolean ran = this.ran;
		this.ran = false;
		return ran || buffers.netIn.position() > 0;
	}

	synchronized boolean isRunning() {
		return this.running;
	}

	/**
	 * Release the engine now, or, while tasks still use it, when they are done.
	 */
	void releaseNowOrWhenDone() {
		synchronized (this) {
			if (this.running) {
				this.releaseWhenDone = true;
				return;
			}
		}
		this.releaseEngine.run();
	}

}
