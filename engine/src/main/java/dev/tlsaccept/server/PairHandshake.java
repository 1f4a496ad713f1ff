package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioPair;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A pending handshake in {@code pair} mode: the acceptor talks to a {@link BioPair}, and this
 * class pumps the pair over the non-blocking channel: channel to
 * {@link BioPair#writeFromNetwork}, {@link BioPair#readToNetwork} to channel, with partial
 * writes kept for later and interest taken from what is pending.
 */
final class PairHandshake extends PendingHandshake {

	private static final int BUFFER_SIZE = 16 * 1024 + 5;

	private final BioPair pair;

	/** Bytes read from the channel not yet taken by the pair; kept in read mode. */
	private final ByteBuffer fromNetwork = ByteBuffer.allocate(BUFFER_SIZE).flip();

	/** Bytes taken from the pair not yet written to the channel; kept in read mode. */
	private final ByteBuffer toNetwork = ByteBuffer.allocate(BUFFER_SIZE).flip();

	private boolean inputEnded;

	private boolean outputFailed;

	private PairHandshake(ServerCore core, TlsServerContext context, SocketChannel channel, BioPair pair,
			TlsAcceptor acceptor, @Nullable InetSocketAddress peer) {
		super(core, context, channel, acceptor, peer);
		this.pair = pair;
	}

	static PairHandshake create(ServerCore core, TlsServerContext context, SocketChannel channel,
			@Nullable InetSocketAddress peer) throws IOException {
		channel.configureBlocking(false);
		BioPair pair = BioPair.create();
		return new PairHandshake(core, context, channel, pair, context.newPairAcceptor(pair, peer), peer);
	}

	@Override
	void drive() {
		AcceptResult result;
		boolean progress;
		do {
			progress = fill();
			result = this.acceptor.accept();
			progress |= flush();
		}
		while (!result.isFinished() && progress);
		if (result.isFinished()) {
			finish(result);
		}
		else {
			interest(result, hasOutput());
		}
	}

	/**
	 * Move what the channel has into the pair, without blocking.
	 * @return {@code true} when bytes moved or the input ended
	 */
	private boolean fill() {
		boolean progress = false;
		while (!this.inputEnded) {
			if (!this.fromNetwork.hasRemaining()) {
				this.fromNetwork.clear();
				int count;
				try {
					count = this.channel.read(this.fromNetwork);
				}
				catch (IOException ex) {
					this.pair.inputFailed(ex);
					this.inputEnded = true;
					return true;
				}
				finally {
					this.fromNetwork.flip();
				}
				if (count < 0) {
					this.pair.endOfInput();
					this.inputEnded = true;
					return true;
				}
				if (count == 0) {
					return progress;
				}
			}
			if (this.pair.writeFromNetwork(this.fromNetwork) == 0) {
				return progress;
			}
			progress = true;
		}
		return progress;
	}

	/**
	 * Move what the pair holds for the network to the channel, without blocking.
	 * @return {@code true} when bytes left the pair (so the acceptor may write again)
	 */
	private boolean flush() {
		boolean progress = false;
		while (true) {
			if (!this.toNetwork.hasRemaining()) {
				this.toNetwork.clear();
				int count = this.pair.readToNetwork(this.toNetwork);
				this.toNetwork.flip();
				if (count == 0) {
					return progress;
				}
				progress = true;
			}
			if (this.outputFailed) {
				// the peer is gone: drop the bytes, the acceptor learns of it on its next read
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

	private boolean hasOutput() {
		return !this.outputFailed && (this.toNetwork.hasRemaining() || this.pair.pendingToNetwork() > 0);
	}

	@Override
	void established(AcceptResult result) {
		if (this.core.hasHandler() && !this.outputFailed && switchToBlocking()) {
			this.core.handOff(new PairConnection(this.core, result, this.acceptor, this.pair, this.channel,
					this.fromNetwork, this.toNetwork, this.inputEnded));
			return;
		}
		// a handshake probe: close_notify if the socket takes it, close
		try {
			this.acceptor.shutdown();
			flush();
		}
		finally {
			close();
			this.core.closedWithoutHandler();
		}
	}

	@Override
	void failed() {
		try {
			// the alert the acceptor queued, if any
			flush();
		}
		finally {
			close();
		}
	}

	private void close() {
		this.acceptor.close();
		BlockingListener.closeQuietly(this.channel);
	}

}
