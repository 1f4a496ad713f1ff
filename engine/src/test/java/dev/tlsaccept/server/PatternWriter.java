package dev.tlsaccept.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Writes a known byte pattern to an event-driven channel as a well-behaved producer does:
 * chunk after chunk until {@link TlsChannel#write} says {@code false}, then again when
 * {@link TlsChannelHandler#writable} is called; closes the channel once everything is
 * written. Call {@link #writeSome} from {@code opened} and {@code writable} (the loop
 * thread: no locking). It records how far the queue grew, so that a test can prove
 * back-pressure bounds it.
 */
final class PatternWriter {

	private final int chunkSize;

	private volatile long total;

	private volatile long written;

	private volatile long maxQueued;

	private volatile long queuedAtFirstRefusal = -1;

	private volatile boolean writableAtFirstRefusal;

	private volatile int refusals;

	private volatile boolean stopped;

	PatternWriter(long total, int chunkSize) {
		this.total = total;
		this.chunkSize = chunkSize;
	}

	/**
	 * The byte at {@code offset} of the pattern: period 251 (prime), so a lost or
	 * repeated chunk shows.
	 */
	static byte at(long offset) {
		return (byte) (offset % 251);
	}

	static ByteBuffer chunk(long offset, int size) {
		ByteBuffer chunk = ByteBuffer.allocate(size);
		for (int i = 0; i < size; i++) {
			chunk.put(at(offset + i));
		}
		return chunk.flip();
	}

	/**
	 * Read the pattern from a stream until its end, checking every byte.
	 * @return how many bytes came, all in order
	 * @throws AssertionError at the first byte out of order
	 */
	static long readAndCheck(InputStream in) throws IOException {
		byte[] buffer = new byte[16 * 1024];
		long offset = 0;
		int count;
		while ((count = in.read(buffer)) >= 0) {
			for (int i = 0; i < count; i++) {
				if (buffer[i] != at(offset + i)) {
					throw new AssertionError(
							"byte " + (offset + i) + " is " + buffer[i] + ", expected " + at(offset + i));
				}
			}
			offset += count;
		}
		return offset;
	}

	/**
	 * Write until the channel says {@code false} or everything is written (then close
	 * it).
	 */
	void writeSome(TlsChannel channel) {
		while (!this.stopped && this.written < this.total) {
			int size = (int) Math.min(this.chunkSize, this.total - this.written);
			boolean more = channel.write(chunk(this.written, size));
			this.written += size;
			this.maxQueued = Math.max(this.maxQueued, channel.queuedBytes());
			if (!more) {
				if (this.refusals++ == 0) {
					this.queuedAtFirstRefusal = channel.queuedBytes();
					this.writableAtFirstRefusal = channel.isWritable();
				}
				return;
			}
		}
		channel.close();
	}

	/** Write nothing more, and close on the next {@link #writeSome} (any thread). */
	void stop() {
		this.stopped = true;
	}

	/** Stop at {@code total} bytes instead (loop thread). */
	void limitTo(long total) {
		this.total = total;
	}

	int chunkSize() {
		return this.chunkSize;
	}

	long total() {
		return this.total;
	}

	long written() {
		return this.written;
	}

	long maxQueued() {
		return this.maxQueued;
	}

	long queuedAtFirstRefusal() {
		return this.queuedAtFirstRefusal;
	}

	boolean writableAtFirstRefusal() {
		return this.writableAtFirstRefusal;
	}

	/** How many writes returned {@code false}. */
	int refusals() {
		return this.refusals;
	}

}
