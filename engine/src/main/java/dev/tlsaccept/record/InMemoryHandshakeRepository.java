package dev.tlsaccept.record;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link HandshakeRepository} that keeps the most recent records in memory, up to a
 * capacity; the oldest record is forgotten when a new one would exceed it. Thread-safe;
 * reads return immutable snapshots, newest first.
 */
public final class InMemoryHandshakeRepository implements HandshakeRepository {

	/** Records kept unless configured. */
	public static final int DEFAULT_CAPACITY = 500;

	private final int capacity;

	private final Deque<HandshakeRecord> records = new ArrayDeque<>();

	/**
	 * A repository that keeps the {@value #DEFAULT_CAPACITY} most recent records.
	 */
	public InMemoryHandshakeRepository() {
		this(DEFAULT_CAPACITY);
	}

	/**
	 * A repository that keeps the most recent records up to a capacity.
	 * @param capacity how many records to keep, at least 1
	 */
	public InMemoryHandshakeRepository(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, was " + capacity
					+ ": set tlsaccept.handshakes.capacity to a positive number");
		}
		this.capacity = capacity;
	}

	/**
	 * How many records are kept at most.
	 * @return the capacity
	 */
	public int capacity() {
		return this.capacity;
	}

	@Override
	public void add(HandshakeRecord record) {
		Objects.requireNonNull(record, "record must not be null");
		synchronized (this.records) {
			while (this.records.size() >= this.capacity) {
				this.records.removeLast();
			}
			this.records.addFirst(record);
		}
	}

	@Override
	public List<HandshakeRecord> findAll() {
		synchronized (this.records) {
			return List.copyOf(this.records);
		}
	}

	@Override
	public Optional<HandshakeRecord> findById(String id) {
		Objects.requireNonNull(id, "id must not be null");
		synchronized (this.records) {
			for (HandshakeRecord record : this.records) {
				if (record.id().equals(id)) {
					return Optional.of(record);
				}
			}
		}
		return Optional.empty();
	}

	@Override
	public void clear() {
		synchronized (this.records) {
			this.records.clear();
		}
	}

	@Override
	public String toString() {
		synchronized (this.records) {
			return "InMemoryHandshakeRepository[capacity=" + this.capacity + ", size=" + this.records.size() + "]";
		}
	}

}
