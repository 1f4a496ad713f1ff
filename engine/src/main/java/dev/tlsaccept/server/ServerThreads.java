package dev.tlsaccept.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of one listener, all named {@code tlsaccept-<listener>-<role>[-N]}.
 */
final class ServerThreads {

	private static final long KEEP_ALIVE_SECONDS = 30;

	private final String prefix;

	ServerThreads(String listener) {
		this.prefix = "tlsaccept-" + listener + "-";
	}

	/**
	 * The prefix every thread of the listener starts with.
	 * @return {@code tlsaccept-<listener>-}
	 */
	String prefix() {
		return this.prefix;
	}

	/**
	 * A thread that is not started yet; non-daemon: a running listener keeps the JVM
	 * alive.
	 * @param role e.g. {@code acceptor} or {@code selector-1}
	 * @param task what the thread runs
	 * @return the new thread
	 */
	Thread newThread(String role, Runnable task) {
		Thread thread = new Thread(task, this.prefix + role);
		thread.setDaemon(false);
		return thread;
	}

	/**
	 * Daemon threads named {@code <prefix><role>-N}.
	 * @param role e.g. {@code task}
	 * @return the factory
	 */
	ThreadFactory daemonFactory(String role) {
		AtomicInteger counter = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, this.prefix + role + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * A pool of at most {@code maxThreads} platform threads named
	 * {@code <prefix><role>-N}: threads are created when no idle one is there, and die
	 * after being idle for a while. Tasks never wait in a queue: the caller bounds how
	 * many are submitted, and a task submitted while every thread is finishing its
	 * previous one waits briefly for the first to become idle.
	 * @param role e.g. {@code handshake} or {@code worker}
	 * @param maxThreads the bound
	 * @return the pool
	 */
	ExecutorService newPool(String role, int maxThreads) {
		AtomicInteger counter = new AtomicInteger();
		ThreadFactory factory = (task) -> {
			Thread thread = new Thread(task, this.prefix + role + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		return new ThreadPoolExecutor(0, maxThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
				factory, (task, pool) -> {
					// a thread that has just finished a task is about to poll for the
					// next one
					try {
						if (!pool.isShutdown() && pool.getQueue().offer(task, 2, TimeUnit.SECONDS)) {
							return;
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					throw new RejectedExecutionException(this.prefix + role + " pool is full or stopped");
				});
	}

	/**
	 * Shut a pool down and wait for its threads to end, interrupting them after
	 * {@code graceMillis}.
	 * @param pool the pool
	 * @param graceMillis how long running tasks may take to end on their own
	 * @return {@code true} when every thread ended
	 */
	static boolean shutdown(ExecutorService pool, long graceMillis) {
		pool.shutdown();
		try {
			if (pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
				return true;
			}
			pool.shutdownNow();
			return pool.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			pool.shutdownNow();
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
