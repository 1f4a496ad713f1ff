package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A BIO whose first bytes were already read from its connection by someone else (a
 * listener that read a PROXY protocol header and, with it, the start of the ClientHello):
 * reads return those bytes first, then what the connection supplies.
 */
final class PrefixedBio implements Bio {

	private final Bio bio;

	private @Nullable ByteBuffer prefix;

	/**
	 * The client, when not the connection's peer (the one a PROXY protocol header named).
	 */
	private final @Nullable InetSocketAddress peer;

	PrefixedBio(Bio bio, ByteBuffer prefix, @Nullable InetSocketAddress peer) {
		this.bio = bio;
		this.prefix = prefix.hasRemaining() ? copy(prefix) : null;
		this.peer = peer;
	}

	private static ByteBuffer copy(ByteBuffer prefix) {
		ByteBuffer copy = ByteBuffer.allocate(prefix.remaining());
		copy.put(prefix.duplicate()).flip();
		return copy;
	}

	@Override
	public int read(ByteBuffer dst, long timeoutMillis) throws IOException {
		ByteBuffer prefix = this.prefix;
		if (prefix == null) {
			return this.bio.read(dst, timeoutMillis);
		}
		int count = Math.min(prefix.remaining(), dst.remaining());
		dst.put(dst.position(), prefix, prefix.position(), count).position(dst.position() + count);
		prefix.position(prefix.position() + count);
		if (!prefix.hasRemaining()) {
			// released once read
			this.prefix = null;
		}
		return count;
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		return this.bio.write(src);
	}

	@Override
	public boolean isBlocking() {
		return this.bio.isBlocking();
	}

	@Override
	public BioMode mode() {
		return this.bio.mode();
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return (this.peer != null) ? this.peer : this.bio.remoteAddress();
	}

	@Override
	public void close() {
		this.bio.close();
	}

}
