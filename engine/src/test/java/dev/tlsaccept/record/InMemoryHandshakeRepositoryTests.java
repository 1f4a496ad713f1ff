package dev.tlsaccept.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class InMemoryHandshakeRepositoryTests {

	private static HandshakeRecord record(int n) {
		return new HandshakeRecord(Integer.toString(n), HandshakeRecordTests.T0.plusMillis(n), "edge", "jdk",
				BioMode.NON_BLOCKING, null, HandshakeRecordTests.success());
	}

	@Test
	void defaultCapacityIs500() {
		assertThat(new InMemoryHandshakeRepository().capacity()).isEqualTo(500);
	}

	@Test
	void findAllReturnsNewestFirst() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(10);
		repository.add(record(1));
		repository.add(record(2));
		repository.add(record(3));
		assertThat(repository.findAll()).extracting(HandshakeRecord::id).containsExactly("3", "2", "1");
	}

	@Test
	void addEvictsTheOldestRecordWhenCapacityIsReached() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(3);
		for (int i = 1; i <= 5; i++) {
			repository.add(record(i));
		}
		assertThat(repository.findAll()).extracting(HandshakeRecord::id).containsExactly("5", "4", "3");
		assertThat(repository.findById("2")).isEmpty();
		assertThat(repository.findById("3")).get().extracting(HandshakeRecord::id).isEqualTo("3");
	}

	@Test
	void findAllReturnsAnImmutableSnapshot() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(10);
		repository.add(record(1));
		List<HandshakeRecord> snapshot = repository.findAll();
		repository.add(record(2));
		assertThat(snapshot).extracting(HandshakeRecord::id).containsExactly("1");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> snapshot.add(record(3)));
	}

	@Test
	void clearForgetsEveryRecord() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(10);
		repository.add(record(1));
		repository.clear();
		assertThat(repository.findAll()).isEmpty();
		assertThat(repository.findById("1")).isEmpty();
	}

	@Test
	void constructorRejectsCapacityBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryHandshakeRepository(0))
			.withMessageContaining("tlsaccept.handshakes.capacity");
	}

	@Test
	void concurrentAddAndReadNeverFailAndKeepTheCapacity() throws Exception {
		int capacity = 100;
		int writers = 4;
		int perWriter = 20_000;
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(capacity);
		ExecutorService executor = Executors.newFixedThreadPool(writers + 2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			AtomicBoolean writing = new AtomicBoolean(true);
			List<Future<?>> writes = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				int base = w * perWriter;
				writes.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < perWriter; i++) {
						repository.add(record(base + i));
					}
					return null;
				}));
			}
			List<Future<Integer>> reads = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				reads.add(executor.submit(() -> {
					start.await();
					int snapshots = 0;
					while (writing.get()) {
						List<HandshakeRecord> all = repository.findAll();
						assertThat(all.size()).isLessThanOrEqualTo(capacity);
						for (HandshakeRecord record : all) {
							repository.findById(record.id());
						}
						snapshots++;
					}
					return snapshots;
				}));
			}
			start.countDown();
			for (Future<?> write : writes) {
				write.get(60, TimeUnit.SECONDS);
			}
			writing.set(false);
			for (Future<Integer> read : reads) {
				assertThat(read.get(60, TimeUnit.SECONDS)).isPositive();
			}
			assertThat(repository.findAll()).hasSize(capacity).doesNotContainNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

}
