package dev.tlsaccept.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.IoResult;
import dev.tlsaccept.engine.TlsAcceptor;

/**
 * An established connection in {@code blocking} or {@code non-blocking} mode: the
 * acceptor's BIO is a blocking socket (or a channel switched back to blocking mode), so
 * {@code SSL_read} and {@code SSL_write} block by themselves. Full duplex: one thread may
 * read while another writes (the acceptor reads and writes under separate locks); one
 * lock per direction here lets close wait for, or wake, whichever is in progress.
 */
final class AcceptorConnection extends ServerConnection {

	/** The acceptor's socket or channel, for waking a handler blocked on it. */
	interface Transport {

		/**
		 * Shut the input down: a thread blocked reading sees end of stream.
		 * @throws IOException when the transport is closed or failed already
		 */
		void shutdownInput() throws IOException;

		/**
		 * Close the transport: a thread blocked reading or writing fails.
		 * @throws IOException on failure
		 */
		void close() throws IOException;

	}

	private final TlsAcceptor acceptor;

	private final Transport transport;

	private final ReentrantLock readLock = new ReentrantLock();

	private final ReentrantLock writeLock = new ReentrantLock();

	AcceptorConnection(ServerCore core, AcceptResult handshake, TlsAcceptor acceptor, Transport transport) {
		super(core, handshake, acceptor.peerAddress());
		this.acceptor = acceptor;
		this.transport = transport;
	}

	@Override
	IoResult readBlocking(byte[] bytes, int offset, int length) {
		this.readLock.lock();
		try {
			return this.acceptor.read(ByteBuffer.wrap(bytes, offset, length));
		}
		finally {
			this.readLock.unlock();
		}
	}

	@Override
	void writeBlocking(byte[] bytes, int offset, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
		this.writeLock.lock();
		try {
			while (buffer.hasRemaining()) {
				IoResult result = this.acceptor.write(buffer);
				if (!result.isOk()) {
					throw failure("write", result);
				}
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	@Override
	boolean busy() {
		return this.readLock.isLocked() || this.writeLock.isLocked();
	}

	@Override
	void wake() {
		try {
			this.transport.shutdownInput();
		}
		catch (IOException | RuntimeException ex) {
			// already closed or reset: closing finishes the job
		}
	}

	@Override
	void abort() {
		try {
			this.transport.close();
		}
		catch (IOException | RuntimeException ex) {
			// closing: nothing left to report
		}
	}

	@Override
	void closeTransport(long deadlineNanos) {
		boolean aborted = false;
		boolean reading = this.readLock.tryLock();
		if (!reading) {
			// the handler is in a read on another thread: wake it with end of stream
			wake();
			reading = tryLockUntil(this.readLock, deadlineNanos);
		}
		boolean writing = this.writeLock.tryLock() || tryLockUntil(this.writeLock, deadlineNanos);
		if (!reading || !writing) {
			// a write the peer does not read, or a read that did not wake: fail it, and
			// let it
			// leave the acceptor before release
			abort();
			aborted = true;
			long abortDeadline = System.nanoTime() + ABORT_WAIT_NANOS;
			reading = reading || tryLockUntil(this.readLock, abortDeadline);
			writing = writing || tryLockUntil(this.writeLock, abortDeadline);
		}
		try {
			if (reading && writing && !aborted) {
				this.acceptor.shutdown();
			}
		}
		catch (RuntimeException ex) {
			// close_notify is best effort
		}
		finally {
			this.acceptor.close();
			if (writing) {
				this.writeLock.unlock();
			}
			if (reading) {
				this.readLock.unlock();
			}
		}
	}

}
