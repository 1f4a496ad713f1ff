package dev.tlsaccept.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.tlsaccept.engine.BioPair;

/**
 * Moves bytes between a non-blocking channel and a {@link BioPair} ({@code pair} mode):
 * channel to {@link BioPair#writeFromNetwork}, {@link BioPair#readToNetwork} to channel,
 * partial writes kept for later. Its two buffers exist only while they hold bytes: an
 * idle connection keeps none. Confined to one thread at a time.
 */
final class PairPump {

	private static final int BUFFER_SIZE = 16 * 1024 + 5;

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final BioPair pair;

	private final SocketChannel channel;

	/** Bytes read from the channel not yet taken by the pair; kept in read mode. */
	private ByteBuffer fromNetwork = EMPTY;

	/** Bytes taken from the pair not yet written to the channel; kept in read mode. */
	private ByteBuffer toNetwork = EMPTY;

	private boolean inputEnded;

	private boolean outputFailed;

	PairPump(BioPair pair, SocketChannel channel) {
		this.pair = pair;
		this.channel = channel;
	}

	BioPair pair() {
		return this.pair;
	}

	boolean inputEnded() {
		return this.inputEnded;
	}

	boolean outputFailed() {
		return this.outputFailed;
	}

	/**
	 * Move what the channel has into the pair, without blocking.
	 * @return {@code true} when bytes moved or the input ended
	 */
	boolean fill() {
		boolean progress = false;
		while (!this.inputEnded) {
			if (!this.fromNetwork.hasRemaining()) {
				if (this.pair.spaceFromNetwork() == 0) {
					return progress;
				}
				ByteBuffer buffer = (this.fromNetwork.capacity() > 0) ? this.fromNetwork
						: ByteBuffer.allocate(BUFFER_SIZE);
				buffer.clear();
				int count;
				try {
					count = this.channel.read(buffer);
				}
				catch (IOException ex) {
					this.pair.inputFailed(ex);
					this.inputEnded = true;
					this.fromNetwork = EMPTY;
					return true;
				}
				buffer.flip();
				this.fromNetwork = buffer;
				if (count < 0) {
					this.pair.endOfInput();
					this.inputEnded = true;
					this.fromNetwork = EMPTY;
					return true;
				}
				if (count == 0) {
					this.fromNetwork = EMPTY;
					return progress;
				}
			}
			if (this.pair.writeFromNetwork(this.fromNetwork) == 0) {
				return progress;
			}
			if (!this.fromNetwork.hasRemaining()) {
				this.fromNetwork = EMPTY;
			}
			progress = true;
		}
		return progress;
	}

	/**
	 * Move what the pair holds for the network to the channel, without blocking.
	 * @return {@code true} when bytes left the pair (so the acceptor may write again)
	 */
	boolean flush() {
		boolean progress = false;
		while (true) {
			if (!this.toNetwork.hasRemaining()) {
				if (this.pair.pendingToNetwork() == 0) {
					this.toNetwork = EMPTY;
					return progress;
				}
				ByteBuffer buffer = (this.toNetwork.capacity() > 0) ? this.toNetwork : ByteBuffer.allocate(BUFFER_SIZE);
				buffer.clear();
				this.pair.readToNetwork(buffer);
				buffer.flip();
				this.toNetwork = buffer;
				progress = true;
			}
			if (this.outputFailed) {
				// the peer is gone: drop the bytes, the acceptor learns of it on its next
				// read
				this.toNetwork.position(this.toNetwork.limit());
				continue;
			}
			try {
				if (this.channel.write(this.toNetwork) == 0) {
					return progress;
				}
			}
			catch (IOException ex) {
				this.outputFailed = true;
				if (!this.inputEnded) {
					this.pair.inputFailed(ex);
					this.inputEnded = true;
				}
				progress = true;
			}
		}
	}

	/**
	 * Whether bytes wait to be written to the channel.
	 * @return {@code true} while the pump or the pair holds output and the channel has
	 * not failed
	 */
	boolean hasOutput() {
		return !this.outputFailed && (this.toNetwork.hasRemaining() || this.pair.pendingToNetwork() > 0);
	}

	/**
	 * Hand the buffers over for a blocking connection.
	 * @return bytes read but not taken by the pair, in read mode
	 */
	ByteBuffer fromNetwork() {
		return (this.fromNetwork.capacity() > 0) ? this.fromNetwork : ByteBuffer.allocate(BUFFER_SIZE).flip();
	}

	/**
	 * Hand the buffers over for a blocking connection.
	 * @return bytes taken from the pair but not written, in read mode
	 */
	ByteBuffer toNetwork() {
		return (this.toNetwork.capacity() > 0) ? this.toNetwork : ByteBuffer.allocate(BUFFER_SIZE).flip();
	}

}
