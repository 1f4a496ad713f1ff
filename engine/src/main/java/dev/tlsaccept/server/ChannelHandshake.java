package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A pending handshake in {@code non-blocking} mode: the acceptor reads and writes the
 * non-blocking channel itself and says {@code WANT_READ} or {@code WANT_WRITE}.
 */
final class ChannelHandshake extends PendingHandshake {

	ChannelHandshake(ServerCore core, EventLoop loop, TlsServerContext context, SocketChannel channel,
			@Nullable InetSocketAddress peer) throws IOException {
		super(core, loop, context, channel, peer);
		channel.configureBlocking(false);
	}

	@Override
	TlsAcceptor newAcceptor(ByteBuffer prefix) {
		// behind a trusted proxy the handler's remote address is the client the header
		// named
		return this.context.newNonBlockingAcceptor(this.channel, prefix, proxied() ? this.peer : null);
	}

	@Override
	void drive() {
		AcceptResult result = acceptor().accept();
		if (result.isFinished()) {
			finish(result);
		}
		else {
			interest(result, false);
		}
	}

	@Override
	void established(AcceptResult result) {
		TlsAcceptor acceptor = acceptor();
		if (handOff(() -> new EventConnection(this.core, this.loop, key(), acceptor, result, null),
				() -> new AcceptorConnection(this.core, result, acceptor, channelTransport()))) {
			return;
		}
		cancelKey();
		// a handshake probe (or a channel that cannot block): close_notify if the socket
		// takes it, close
		try {
			acceptor.shutdown();
		}
		finally {
			acceptor.close();
			this.core.closedWithoutHandler();
		}
	}

	private AcceptorConnection.Transport channelTransport() {
		SocketChannel channel = this.channel;
		return new AcceptorConnection.Transport() {

			@Override
			public void shutdownInput() throws IOException {
				channel.shutdownInput();
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

	@Override
	void failed() {
		TlsAcceptor acceptor = acceptorIfStarted();
		if (acceptor != null) {
			acceptor.close();
		}
		else {
			BlockingListener.closeQuietly(this.channel);
		}
	}

}
