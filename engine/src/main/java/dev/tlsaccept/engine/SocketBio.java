package dev.tlsaccept.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * The blocking BIO: a connected socket's streams. Reads wait at most the timeout the
 * state machine passes (the remaining handshake time), then the socket's own
 * {@code SO_TIMEOUT}.
 */
final class SocketBio implements Bio {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final int defaultTimeoutMillis;

	private final byte[] scratch = new byte[17 * 1024];

	private int currentTimeoutMillis;

	SocketBio(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
		this.defaultTimeoutMillis = socket.getSoTimeout();
		this.currentTimeoutMillis = this.defaultTimeoutMillis;
	}

	@Override
	public int read(ByteBuffer dst, long timeoutMillis) throws IOException {
		int timeout = (timeoutMillis > 0) ? (int) Math.min(Integer.MAX_VALUE, timeoutMillis)
				: this.defaultTimeoutMillis;
		if (timeout != this.currentTimeoutMillis) {
			this.socket.setSoTimeout(timeout);
			this.currentTimeoutMillis = timeout;
		}
		int length = Math.min(dst.remaining(), this.scratch.length);
		if (length == 0) {
			return 0;
		}
		int count = this.in.read(this.scratch, 0, length);
		if (count > 0) {
			dst.put(this.scratch, 0, count);
		}
		return count;
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		int count = src.remaining();
		if (src.hasArray()) {
			this.out.write(src.array(), src.arrayOffset() + src.position(), count);
			src.position(src.limit());
		}
		else {
			byte[] bytes = new byte[count];
			src.get(bytes);
			this.out.write(bytes);
		}
		this.out.flush();
		return count;
	}

	@Override
	public boolean isBlocking() {
		return true;
	}

	@Override
	public BioMode mode() {
		return BioMode.BLOCKING;
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		SocketAddress address = this.socket.getRemoteSocketAddress();
		return (address instanceof InetSocketAddress inet) ? inet : null;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing: nothing left to report
		}
	}

}
