package dev.tlsaccept.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioPair;
import dev.tlsaccept.engine.IoResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;

/**
 * An established connection in {@code pair} mode: the acceptor talks to a
 * {@link BioPair}, and the streams pump the pair over the channel (switched to blocking
 * mode) themselves. Socket I/O happens outside the acceptor's lock, so one thread may
 * read while another writes.
 */
final class PairConnection extends ServerConnection {

	private final TlsAcceptor acceptor;

	private final BioPair pair;

	private final SocketChannel channel;

	/** Guards the acceptor, which is not thread-safe. */
	private final ReentrantLock engineLock = new ReentrantLock();

	/** One reader of the channel at a time. */
	private final ReentrantLock readLock = new ReentrantLock();

	/** One writer of the channel at a time, and the order of outbound bytes. */
	private final ReentrantLock writeLock = new ReentrantLock();

	/** Bytes from the channel not yet taken by the pair; kept in read mode. */
	private final ByteBuffer fromNetwork;

	/** Bytes from the pair not yet written to the channel; kept in read mode. */
	private final ByteBuffer toNetwork;

	private boolean inputEnded;

	/**
	 * Create the connection over a channel switched to blocking mode.
	 * @param fromNetwork bytes the handshake read but the pair did not take yet, in read
	 * mode
	 * @param toNetwork bytes the handshake left unsent, in read mode
	 * @param inputEnded whether the channel reached end of stream (or failed) already
	 */
	PairConnection(ServerCore core, AcceptResult handshake, TlsAcceptor acceptor, BioPair pair, SocketChannel channel,
			ByteBuffer fromNetwork, ByteBuffer toNetwork, boolean inputEnded) {
		super(core, handshake, acceptor.peerAddress());
		this.acceptor = acceptor;
		this.pair = pair;
		this.channel = channel;
		this.fromNetwork = fromNetwork;
		this.toNetwork = toNetwork;
		this.inputEnded = inputEnded;
	}

	@Override
	IoResult readBlocking(byte[] bytes, int offset, int length) throws IOException {
		ByteBuffer destination = ByteBuffer.wrap(bytes, offset, length);
		this.readLock.lock();
		try {
			while (true) {
				IoResult result;
				this.engineLock.lock();
				try {
					result = this.acceptor.read(destination);
				}
				finally {
					this.engineLock.unlock();
				}
				// a read may produce records (a TLS 1.3 KeyUpdate answer): send them
				flush();
				if (result.error() == SslError.WANT_READ) {
					fill();
				}
				else if (result.error() != SslError.WANT_WRITE) {
					return result;
				}
			}
		}
		finally {
			this.readLock.unlock();
		}
	}

	/**
	 * Move bytes from the channel into the pair, blocking for them.
	 */
	private void fill() {
		if (!this.fromNetwork.hasRemaining()) {
			if (this.inputEnded) {
				return;
			}
			this.fromNetwork.clear();
			try {
				int count = this.channel.read(this.fromNetwork);
				if (count < 0) {
					this.pair.endOfInput();
					this.inputEnded = true;
				}
			}
			catch (IOException ex) {
				this.pair.inputFailed(ex);
				this.inputEnded = true;
			}
			finally {
				this.fromNetwork.flip();
			}
		}
		if (this.fromNetwork.hasRemaining()) {
			this.pair.writeFromNetwork(this.fromNetwork);
		}
	}

	@Override
	void writeBlocking(byte[] bytes, int offset, int length) throws IOException {
		ByteBuffer source = ByteBuffer.wrap(bytes, offset, length);
		while (source.hasRemaining()) {
			IoResult result;
			this.engineLock.lock();
			try {
				result = this.acceptor.write(source);
			}
			finally {
				this.engineLock.unlock();
			}
			if (!result.isOk() && result.error() != SslError.WANT_WRITE) {
				throw failure("write", result);
			}
			flush();
		}
	}

	/**
	 * Write everything the pair holds for the network to the channel, blocking.
	 * @throws IOException when the channel fails
	 */
	private void flush() throws IOException {
		this.writeLock.lock();
		try {
			while (true) {
				while (this.toNetwork.hasRemaining()) {
					this.channel.write(this.toNetwork);
				}
				this.toNetwork.clear();
				int count = this.pair.readToNetwork(this.toNetwork);
				this.toNetwork.flip();
				if (count == 0) {
					return;
				}
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	@Override
	boolean busy() {
		return this.readLock.isLocked() || this.writeLock.isLocked() || this.engineLock.isLocked();
	}

	@Override
	void wake() {
		try {
			this.channel.shutdownInput();
		}
		catch (IOException | RuntimeException ex) {
			// already closed or reset
		}
	}

	@Override
	void abort() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing: nothing left to report
		}
	}

	@Override
	void closeTransport(long deadlineNanos) {
		boolean engine = this.engineLock.tryLock();
		boolean write = engine && this.writeLock.tryLock();
		if (!write) {
			// a handler thread is writing to the channel: wake readers with end of stream
			wake();
			engine = engine || tryLockUntil(this.engineLock, deadlineNanos);
			write = engine && tryLockUntil(this.writeLock, deadlineNanos);
		}
		try {
			if (write) {
				this.acceptor.shutdown();
				flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			// close_notify is best effort
		}
		finally {
			// closing the channel fails a read or a write still blocked on it
			abort();
			engine = engine || tryLockUntil(this.engineLock, System.nanoTime() + ABORT_WAIT_NANOS);
			this.acceptor.close();
			if (write) {
				this.writeLock.unlock();
			}
			if (engine) {
				this.engineLock.unlock();
			}
		}
	}

}
