package dev.tlsaccept.engine;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.Buffer;
import io.netty.internal.tcnative.SSL;
import org.jspecify.annotations.Nullable;

/**
 * Netty's OpenSSL engine reports a handshake failure one call late: it first wraps
 * BoringSSL's alert as if all were well, and throws on the next call. This adapter asks
 * at once, holds the alert back and throws, then hands the alert out on the next
 * {@code wrap} — the order every JSSE engine follows, so the state machine sends and
 * names the alert the same way for all engines.
 */
final class OpenSslEngineAdapter extends ForwardingSslEngine {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private static final byte HANDSHAKE_RECORD = 22;

	/**
	 * The buffer of a zero-byte {@code SSL_write}: never read, tcnative refuses a null
	 * address.
	 */
	private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(1);

	private @Nullable ByteBuffer pending;

	private boolean failed;

	/** The zero-byte write that flushes BoringSSL's TLS 1.3 session tickets was done. */
	private boolean ticketsFlushed;

	OpenSslEngineAdapter(SSLEngine delegate) {
		super(delegate);
	}

	@Override
	public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
		if (this.pending != null) {
			return drainPending(dst);
		}
		if (!this.ticketsFlushed && !this.failed && isEmpty(srcs, offset, length)
				&& delegate().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
				&& "TLSv1.3".equals(getSession().getProtocol())) {
			this.ticketsFlushed = true;
			writeZeroBytes();
		}
		int start = dst.position();
		SSLEngineResult result;
		try {
			result = delegate().wrap(srcs, offset, length, dst);
		}
		catch (SSLException failure) {
			// Netty may wrap the alert and throw in the same call
			holdBack(dst, start);
			throw failure;
		}
		if (result.getStatus() != Status.OK || result.bytesProduced() == 0
				|| result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
			return result;
		}
		ByteBuffer more = ByteBuffer.allocate(Math.max(dst.capacity(), getSession().getPacketBufferSize()));
		SSLEngineResult next;
		try {
			next = delegate().wrap(EMPTY, more);
		}
		catch (SSLException failure) {
			// what was just wrapped is the alert of this failure: send it when asked
			// after the failure
			holdBack(dst, start);
			throw failure;
		}
		more.flip();
		if (!more.hasRemaining()) {
			return new SSLEngineResult(result.getStatus(), next.getHandshakeStatus(), result.bytesConsumed(),
					result.bytesProduced());
		}
		int moved = Math.min(more.remaining(), dst.remaining());
		ByteBuffer part = more.duplicate();
		part.limit(part.position() + moved);
		dst.put(part);
		more.position(more.position() + moved);
		if (more.hasRemaining()) {
			this.pending = more;
			return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_WRAP, result.bytesConsumed(),
					result.bytesProduced() + moved);
		}
		return new SSLEngineResult(next.getStatus(), next.getHandshakeStatus(), result.bytesConsumed(),
				result.bytesProduced() + moved);
	}

	/**
	 * Netty reports {@code FINISHED} one unwrap late: the unwrap that consumes the
	 * client's Finished says {@code NEED_UNWRAP}, the next one says {@code FINISHED}. Ask
	 * at once, so that a client that closes right after its Finished is seen as having
	 * finished the handshake.
	 */
	@Override
	public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
		boolean established = this.pending == null
				&& delegate().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
		boolean handshakeRecord = src.hasRemaining() && src.get(src.position()) == HANDSHAKE_RECORD;
		SSLEngineResult result = delegate().unwrap(src, dsts, offset, length);
		if (established && !handshakeRecord && result.getStatus() == Status.OK
				&& result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
			return askAtOnce(result);
		}
		if (result.getStatus() != Status.OK || result.bytesConsumed() == 0
				|| result.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
			return result;
		}
		SSLEngineResult next = delegate().unwrap(EMPTY, dsts, offset, length);
		if (next.getHandshakeStatus() == HandshakeStatus.FINISHED
				|| next.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
			return new SSLEngineResult(Status.OK, next.getHandshakeStatus(), result.bytesConsumed(),
					result.bytesProduced() + next.bytesProduced());
		}
		return result;
	}

	/**
	 * After the handshake, Netty reports a record that does not decrypt one call late
	 * too: the unwrap says {@code NEED_WRAP}, the next wrap hands out BoringSSL's alert
	 * as if all were well, and only the wrap after it throws, so the failure went
	 * unnoticed until the application wrote again. A TLS 1.3 KeyUpdate (or a pending
	 * ticket) also says {@code NEED_WRAP}, without a failure. Wrap at once to tell them
	 * apart: throw now with the alert held back, or hand out what was wrapped on the next
	 * {@code wrap}. A TLS 1.2 handshake record is a renegotiation, which the state
	 * machine refuses itself.
	 */
	private SSLEngineResult askAtOnce(SSLEngineResult unwrapped) throws SSLException {
		ByteBuffer out = ByteBuffer.allocate(2 * getSession().getPacketBufferSize());
		try {
			SSLEngineResult wrapped;
			do {
				wrapped = delegate().wrap(EMPTY, out);
			}
			while (wrapped.getStatus() == Status.OK && wrapped.bytesProduced() > 0 && out.hasRemaining());
		}
		catch (SSLException failure) {
			holdBack(out, 0);
			throw failure;
		}
		out.flip();
		if (out.hasRemaining()) {
			this.pending = out;
		}
		return new SSLEngineResult(Status.OK, getHandshakeStatus(), unwrapped.bytesConsumed(),
				unwrapped.bytesProduced());
	}

	/**
	 * BoringSSL holds a TLS 1.3 server's NewSessionTicket until the first
	 * {@code SSL_write} ("to prevent a non-reading client from causing the server to
	 * hang"; "consumers which don't write data to the client will need to do a zero-byte
	 * write if they wish to flush the tickets"), and Netty never calls {@code SSL_write}
	 * for an empty wrap. Do that zero-byte write: the ticket lands in the network BIO,
	 * which the wrap in progress flushes. A client that waits for the ticket before it
	 * writes ({@code gnutls-cli --waitresumption}) would wait forever otherwise.
	 */
	private void writeZeroBytes() {
		if (delegate() instanceof ReferenceCountedOpenSslEngine openSsl) {
			synchronized (openSsl) {
				long ssl = openSsl.sslPointer();
				if (ssl != 0) {
					SSL.writeToSSL(ssl, Buffer.address(NOTHING), 0);
					SSL.clearError();
				}
			}
		}
	}

	private static boolean isEmpty(ByteBuffer[] srcs, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			if (srcs[i].hasRemaining()) {
				return false;
			}
		}
		return true;
	}

	private void holdBack(ByteBuffer dst, int start) {
		this.failed = true;
		if (dst.position() > start) {
			ByteBuffer alert = dst.duplicate();
			alert.flip();
			alert.position(start);
			this.pending = ByteBuffer.allocate(alert.remaining()).put(alert).flip();
			dst.position(start);
		}
	}

	private SSLEngineResult drainPending(ByteBuffer dst) {
		ByteBuffer held = this.pending;
		int moved = Math.min(held.remaining(), dst.remaining());
		if (moved == 0) {
			return new SSLEngineResult(Status.BUFFER_OVERFLOW, getHandshakeStatus(), 0, 0);
		}
		ByteBuffer part = held.duplicate();
		part.limit(part.position() + moved);
		dst.put(part);
		held.position(held.position() + moved);
		if (!held.hasRemaining()) {
			this.pending = null;
		}
		if (this.failed) {
			return new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, moved);
		}
		return new SSLEngineResult(Status.OK, (this.pending != null) ? HandshakeStatus.NEED_WRAP : getHandshakeStatus(),
				0, moved);
	}

	@Override
	public HandshakeStatus getHandshakeStatus() {
		if (this.pending != null && !this.failed) {
			return HandshakeStatus.NEED_WRAP;
		}
		return delegate().getHandshakeStatus();
	}

}
