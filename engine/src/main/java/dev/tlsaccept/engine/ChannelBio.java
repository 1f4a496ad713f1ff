package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import org.jspecify.annotations.Nullable;

/**
 * The non-blocking BIO: a {@link SocketChannel} in non-blocking mode. A read or write
 * that cannot make progress returns {@code 0}, which the state machine turns into
 * {@code WANT_READ} or {@code WANT_WRITE}. After the handshake the owner may switch the
 * channel to blocking mode; the BIO then reports itself blocking.
 */
final class ChannelBio implements Bio {

	private final SocketChannel channel;

	ChannelBio(SocketChannel channel) throws IOException {
		if (channel.isBlocking()) {
			channel.configureBlocking(false);
		}
		this.channel = channel;
	}

	@Override
	public int read(ByteBuffer dst, long timeoutMillis) throws IOException {
		return this.channel.read(dst);
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		return this.channel.write(src);
	}

	@Override
	public boolean isBlocking() {
		// a listener switches the channel back to blocking mode for the data phase
		return this.channel.isBlocking();
	}

	@Override
	public BioMode mode() {
		return BioMode.NON_BLOCKING;
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		try {
			SocketAddress address = this.channel.getRemoteAddress();
			return (address instanceof InetSocketAddress inet) ? inet : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing: nothing left to report
		}
	}

}
