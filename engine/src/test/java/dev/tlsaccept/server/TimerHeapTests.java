package dev.tlsaccept.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimerHeapTests {

	@Test
	void timersComeOutInDueOrderAndACancelledOneLeavesAtOnce() {
		TimerHeap heap = new TimerHeap();
		Timer late = timer(300);
		Timer early = timer(100);
		Timer middle = timer(200);
		heap.add(late);
		heap.add(early);
		heap.add(middle);
		heap.remove(middle);
		assertThat(middle.isQueued()).isFalse();
		assertThat(heap.size()).isEqualTo(2);
		assertThat(heap.poll()).isSameAs(early);
		assertThat(heap.poll()).isSameAs(late);
		assertThat(heap.poll()).isNull();
		assertThat(early.isQueued()).isFalse();
	}

	@Test
	void dueTimesCompareByDifferenceAcrossTheNanoTimeWrap() {
		TimerHeap heap = new TimerHeap();
		Timer beforeWrap = timer(Long.MAX_VALUE - 10);
		Timer afterWrap = timer(Long.MIN_VALUE + 10);
		heap.add(afterWrap);
		heap.add(beforeWrap);
		assertThat(heap.poll()).isSameAs(beforeWrap);
	}

	@Test
	void manyAddsRemovesAndPollsKeepTheHeapOrderAndEveryIndex() {
		Random random = new Random(42);
		TimerHeap heap = new TimerHeap();
		List<Timer> queued = new ArrayList<>();
		for (int round = 0; round < 20_000; round++) {
			int action = random.nextInt(10);
			if (action < 5 || queued.isEmpty()) {
				Timer timer = timer(random.nextInt(1_000));
				heap.add(timer);
				queued.add(timer);
			}
			else if (action < 8) {
				Timer timer = queued.remove(random.nextInt(queued.size()));
				heap.remove(timer);
				assertThat(timer.isQueued()).isFalse();
			}
			else {
				Timer first = (Timer) heap.poll();
				long earliest = queued.stream().mapToLong((t) -> t.nanos).min().orElseThrow();
				assertThat(first.nanos).isEqualTo(earliest);
				queued.remove(first);
			}
			assertThat(heap.size()).isEqualTo(queued.size());
		}
		queued.sort(Comparator.comparingLong((t) -> t.nanos));
		for (Timer expected : queued) {
			assertThat(((Timer) heap.poll()).nanos).isEqualTo(expected.nanos);
		}
		assertThat(heap.peek()).isNull();
	}

	@Test
	void clearForgetsEveryTimer() {
		TimerHeap heap = new TimerHeap();
		Timer timer = timer(1);
		heap.add(timer);
		heap.clear();
		assertThat(heap.size()).isZero();
		assertThat(timer.isQueued()).isFalse();
		heap.add(timer);
		assertThat(heap.peek()).isSameAs(timer);
	}

	private static Timer timer(long nanos) {
		Timer timer = new Timer();
		timer.nanos = nanos;
		return timer;
	}

	private static final class Timer extends LoopTimer {

		@Override
		void fire(long now) {
		}

	}

}
