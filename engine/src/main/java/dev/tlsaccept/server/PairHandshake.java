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
 * A pending handshake in {@code pair} mode: the acceptor talks to a {@link BioPair}, and
 * a {@link PairPump} moves the bytes between the pair and the non-blocking channel, with
 * interest taken from what is pending.
 */
final class PairHandshake extends PendingHandshake {

	private final PairPump pump;

	private PairHandshake(ServerCore core, EventLoop loop, TlsServerContext context, SocketChannel channel,
			BioPair pair, @Nullable InetSocketAddress peer) {
		super(core, loop, context, channel, peer);
		this.pump = new PairPump(pair, channel);
	}

	static PairHandshake create(ServerCore core, EventLoop loop, TlsServerContext context, SocketChannel channel,
			@Nullable InetSocketAddress peer) throws IOException {
		channel.configureBlocking(false);
		return new PairHandshake(core, loop, context, channel, BioPair.create(), peer);
	}

	/**
	 * The bytes after a PROXY protocol header go into the pair first (an empty pair takes
	 * them all).
	 */
	@Override
	TlsAcceptor newAcceptor(ByteBuffer prefix) {
		BioPair pair = this.pump.pair();
		pair.writeFromNetwork(prefix);
		if (prefix.hasRemaining()) {
			throw new IllegalStateException(
					"the pair cannot take the " + prefix.remaining() + " bytes read after the PROXY protocol header");
		}
		return this.context.newPairAcceptor(pair, this.peer);
	}

	@Override
	void drive() {
		AcceptResult result;
		boolean progress;
		do {
			progress = this.pump.fill();
			result = acceptor().accept();
			progress |= this.pump.flush();
		}
		while (!result.isFinished() && progress && result.error() != dev.tlsaccept.engine.SslError.WANT_ASYNC);
		if (result.isFinished()) {
			finish(result);
		}
		else {
			interest(result, this.pump.hasOutput());
		}
	}

	@Override
	void established(AcceptResult result) {
		if (!this.pump.outputFailed()
				&& handOff(() -> new EventConnection(this.core, this.loop, key(), acceptor(), result, this.pump),
						() -> new PairConnection(this.core, result, acceptor(), this.pump.pair(), this.channel,
								this.pump.fromNetwork(), this.pump.toNetwork(), this.pump.inputEnded()))) {
			return;
		}
		cancelKey();
		// a handshake probe: close_notify if the socket takes it, close
		try {
			acceptor().shutdown();
			this.pump.flush();
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
			this.pump.flush();
		}
		finally {
			close();
		}
	}

	private void close() {
		TlsAcceptor acceptor = acceptorIfStarted();
		if (acceptor != null) {
			acceptor.close();
		}
		BlockingListener.closeQuietly(this.channel);
	}

}
