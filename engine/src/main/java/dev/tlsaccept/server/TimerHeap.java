package dev.tlsaccept.server;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * An {@link EventLoop}'s timers by due time: a binary min-heap in which every timer knows
 * its place, so that a cancelled timer leaves at once, in {@code O(log n)}, instead of
 * staying queued until its time with the handshake or connection it refers to (a closed
 * connection's idle timer would keep the connection for the whole idle timeout). Confined
 * to its loop's thread.
 */
final class TimerHeap {

	private LoopTimer[] heap = new LoopTimer[64];

	private int size;

	/** Queue a timer that is not queued yet. */
	void add(LoopTimer timer) {
		if (timer.index >= 0) {
			throw new IllegalStateException("timer already queued");
		}
		if (this.size == this.heap.length) {
			this.heap = Arrays.copyOf(this.heap, this.size * 2);
		}
		this.heap[this.size] = timer;
		timer.index = this.size;
		this.size++;
		siftUp(timer.index);
	}

	/** The timer due first, or {@code null} when none is queued. */
	@Nullable LoopTimer peek() {
		return (this.size > 0) ? this.heap[0] : null;
	}

	/** Take the timer due first out of the heap. */
	@Nullable LoopTimer poll() {
		LoopTimer head = peek();
		if (head != null) {
			removeAt(0);
		}
		return head;
	}

	/** Take a timer out, wherever it is; a timer not queued is left alone. */
	void remove(LoopTimer timer) {
		int index = timer.index;
		if (index >= 0 && index < this.size && this.heap[index] == timer) {
			removeAt(index);
		}
	}

	int size() {
		return this.size;
	}

	void clear() {
		for (int i = 0; i < this.size; i++) {
			this.heap[i].index = -1;
			this.heap[i] = null;
		}
		this.size = 0;
	}

	private void removeAt(int index) {
		LoopTimer removed = this.heap[index];
		removed.index = -1;
		this.size--;
		if (index == this.size) {
			this.heap[index] = null;
			return;
		}
		LoopTimer last = this.heap[this.size];
		this.heap[this.size] = null;
		this.heap[index] = last;
		last.index = index;
		siftDown(index);
		if (this.heap[index] == last) {
			siftUp(index);
		}
		if (this.heap.length > 64 && this.size < this.heap.length / 4) {
			// give back what a burst of handshakes grew
			this.heap = Arrays.copyOf(this.heap, this.heap.length / 2);
		}
	}

	private void siftUp(int index) {
		LoopTimer timer = this.heap[index];
		while (index > 0) {
			int parent = (index - 1) >>> 1;
			LoopTimer above = this.heap[parent];
			if (!before(timer, above)) {
				break;
			}
			this.heap[index] = above;
			above.index = index;
			index = parent;
		}
		this.heap[index] = timer;
		timer.index = index;
	}

	private void siftDown(int index) {
		LoopTimer timer = this.heap[index];
		int half = this.size >>> 1;
		while (index < half) {
			int child = 2 * index + 1;
			int right = child + 1;
			if (right < this.size && before(this.heap[right], this.heap[child])) {
				child = right;
			}
			LoopTimer below = this.heap[child];
			if (!before(below, timer)) {
				break;
			}
			this.heap[index] = below;
			below.index = index;
			index = child;
		}
		this.heap[index] = timer;
		timer.index = index;
	}

	/**
	 * Whether {@code a} is due before {@code b} ({@code nanoTime} values compare by
	 * difference).
	 */
	private static boolean before(LoopTimer a, LoopTimer b) {
		return a.nanos - b.nanos < 0;
	}

}
