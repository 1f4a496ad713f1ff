package dev.tlsaccept.server;

/**
 * Something an {@link EventLoop} must do at a point in time: a handshake deadline, an idle or
 * lifetime check. Confined to its loop; a timer is in the loop's queue at most once, and a
 * cancelled one is dropped when it comes up.
 */
abstract class LoopTimer implements Comparable<LoopTimer> {

	long nanos;

	boolean queued;

	boolean cancelled;

	/**
	 * The time came.
	 * @param now {@link System#nanoTime()} now
	 */
	abstract void fire(long now);

	@Override
	public final int compareTo(LoopTimer other) {
		return Long.compare(this.nanos - other.nanos, 0);
	}

}
