package dev.tlsaccept.server;

/**
 * Something an {@link EventLoop} must do at a point in time: a handshake deadline, an
 * idle or lifetime check. Confined to its loop; a timer is in the loop's
 * {@link TimerHeap} at most once, and a cancelled one leaves it at once.
 */
abstract class LoopTimer {

	/** When it is due, in {@link System#nanoTime()} terms; set before it is scheduled. */
	long nanos;

	/** Its place in the loop's heap; {@code -1} when not queued. */
	int index = -1;

	final boolean isQueued() {
		return this.index >= 0;
	}

	/**
	 * The time came.
	 * @param now {@link System#nanoTime()} now
	 */
	abstract void fire(long now);

}
