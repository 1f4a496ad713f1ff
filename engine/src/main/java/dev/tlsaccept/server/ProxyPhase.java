package dev.tlsaccept.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.server.ProxyHeaderDecoder.Decoded;
import org.jspecify.annotations.Nullable;

/**
 * The PROXY protocol phase of one connection, before TLS: the bytes read so far and the
 * decision on them, by the listener's {@link ProxyProtocol} and whether the source is a
 * trusted proxy. The caller reads (a blocking socket, a non-blocking channel) into
 * {@link #buffer()} and asks {@link #decide()}; the buffer starts small
 * ({@value #INITIAL_CAPACITY} bytes, more than the longest v1 line) and grows only for a
 * v2 header with TLVs, up to {@link ProxyHeaderDecoder#V2_MAX_LENGTH}. Confined to one
 * thread.
 */
final class ProxyPhase {

	static final int INITIAL_CAPACITY = 128;

	private final ProxyProtocol protocol;

	private final boolean trusted;

	private final @Nullable InetSocketAddress connecting;

	private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_CAPACITY);

	/**
	 * How the phase ended: either TLS starts (with {@link #prefix} first), or the
	 * connection fails.
	 *
	 * @param failure the result to report when the connection fails; {@code null} when
	 * TLS starts
	 * @param peer the peer for the record: the client a trusted proxy named, or the
	 * connecting address
	 * @param proxy the trusted proxy, when it sent a header
	 * @param header the header, if one was read
	 * @param prefix the bytes read after the header, which belong to TLS
	 * @param refused whether the failure is a refusal by a rule: the allow or deny list,
	 * or the PROXY protocol's own (counted as such, not as a failed handshake)
	 * @param proxyRefusal the PROXY protocol rule that refuses the connection, counted by
	 * {@link #admit}: {@code null} for none
	 */
	record Outcome(@Nullable AcceptResult failure, @Nullable InetSocketAddress peer, @Nullable InetSocketAddress proxy,
			@Nullable ProxyHeader header, ByteBuffer prefix, boolean refused, @Nullable ProxyRefusal proxyRefusal) {

		Outcome(@Nullable AcceptResult failure, @Nullable InetSocketAddress peer, @Nullable InetSocketAddress proxy,
				@Nullable ProxyHeader header, ByteBuffer prefix) {
			this(failure, peer, proxy, header, prefix, false, null);
		}

	}

	/** The PROXY protocol's refusals. */
	enum ProxyRefusal {

		/** A source that is no trusted proxy sent a header. */
		UNTRUSTED_SOURCE,

		/**
		 * A trusted proxy's header is missing ({@code proxy-protocol: required}) or
		 * malformed.
		 */
		HEADER

	}

	ProxyPhase(ProxyProtocol protocol, boolean trusted, @Nullable InetSocketAddress connecting) {
		this.protocol = protocol;
		this.trusted = trusted;
		this.connecting = connecting;
	}

	/**
	 * The connecting address: the proxy's, or the client's.
	 * @return the address, if known
	 */
	@Nullable InetSocketAddress connecting() {
		return this.connecting;
	}

	/**
	 * Whether a connection goes through this phase: with {@code required}, every admitted
	 * one (all are from trusted proxies); with {@code optional}, every one too (a trusted
	 * source may send a header, any other one must not).
	 * @param protocol the listener's setting
	 * @return {@code true} unless the protocol is off
	 */
	static boolean applies(ProxyProtocol protocol) {
		return protocol != ProxyProtocol.OFF;
	}

	/**
	 * Where to read the next bytes: has room (grown when a v2 header needs it).
	 * @return the buffer, in write mode
	 */
	ByteBuffer buffer() {
		if (!this.buffer.hasRemaining()) {
			int capacity = Math.min(ProxyHeaderDecoder.V2_MAX_LENGTH, this.buffer.capacity() * 4);
			ByteBuffer larger = ByteBuffer.allocate(Math.max(capacity, this.buffer.capacity() + 1));
			this.buffer.flip();
			larger.put(this.buffer);
			this.buffer = larger;
		}
		return this.buffer;
	}

	/**
	 * Decide on the bytes read so far.
	 * @param now the time now, for a failure
	 * @return how the phase ends, or {@code null} when more bytes are needed
	 */
	@Nullable Outcome decide(Instant now) {
		ByteBuffer bytes = this.buffer.duplicate().flip();
		Decoded decoded = ProxyHeaderDecoder.decode(bytes);
		return switch (decoded.status()) {
			case NEED_MORE -> null;
			case NOT_PROXY -> (this.protocol == ProxyProtocol.REQUIRED)
					? refuse(now, ProxyRefusal.HEADER,
							"no PROXY protocol header (proxy-protocol: required): the connection starts with 0x"
									+ String.format("%02x", bytes.get(0) & 0xff))
					: new Outcome(null, this.connecting, null, null, bytes);
			case MALFORMED -> this.trusted ? refuse(now, ProxyRefusal.HEADER, decoded.reason())
					: refuse(now, ProxyRefusal.UNTRUSTED_SOURCE, untrusted());
			case HEADER -> header(now, decoded, bytes);
		};
	}

	private Outcome header(Instant now, Decoded decoded, ByteBuffer bytes) {
		if (!this.trusted) {
			return refuse(now, ProxyRefusal.UNTRUSTED_SOURCE, untrusted());
		}
		ProxyHeader header = decoded.header();
		InetSocketAddress source = (header != null) ? header.source() : null;
		bytes.position(decoded.length());
		return new Outcome(null, (source != null) ? source : this.connecting, this.connecting, header, bytes.slice());
	}

	private static String untrusted() {
		return "refused: PROXY protocol header from a source that is not a trusted proxy";
	}

	/**
	 * Apply the allow and deny lists to the client a trusted proxy named (or to the proxy
	 * itself when it sent no header): the listener skipped them for the proxy's
	 * connection.
	 * @param outcome how the phase ended
	 * @param core the server, whose lists apply and count
	 * @param now the time now
	 * @return the outcome, or a refusal that keeps the header's facts
	 */
	Outcome admit(Outcome outcome, ServerCore core, Instant now) {
		ProxyRefusal proxyRefusal = outcome.proxyRefusal();
		if (proxyRefusal != null) {
			core.proxyRefused(proxyRefusal == ProxyRefusal.UNTRUSTED_SOURCE);
			return outcome;
		}
		if (outcome.failure() != null || !this.trusted) {
			return outcome;
		}
		InetSocketAddress peer = outcome.peer();
		String refusal = core.listRefusal((peer != null) ? peer.getAddress() : null);
		if (refusal == null) {
			return outcome;
		}
		return new Outcome(fail(now, -1, refusal).failure(), peer, outcome.proxy(), outcome.header(),
				ByteBuffer.allocate(0), true, null);
	}

	/**
	 * The peer closed the connection before the decision.
	 * @param now the time now
	 * @return a failure ({@code 0 SYSCALL}, as any EOF before the handshake completes),
	 * or TLS with nothing read when the header is optional and no byte came (the acceptor
	 * sees the EOF itself)
	 */
	Outcome endOfStream(Instant now) {
		if (this.buffer.position() == 0 && this.protocol != ProxyProtocol.REQUIRED) {
			return new Outcome(null, this.connecting, null, null, ByteBuffer.allocate(0));
		}
		return fail(now, 0, (this.buffer.position() == 0)
				? "peer closed the connection before the PROXY protocol header"
				: "peer closed the connection inside the PROXY protocol header (" + this.buffer.position() + " bytes)");
	}

	/**
	 * The handshake timeout passed before the decision.
	 * @param now the time now
	 * @return the failure
	 */
	Outcome timedOut(Instant now) {
		return fail(now, -1, "handshake timed out waiting for the PROXY protocol header (" + this.buffer.position()
				+ " bytes read)");
	}

	/**
	 * Reading failed.
	 * @param now the time now
	 * @param failure what failed
	 * @return the failure
	 */
	Outcome readFailed(Instant now, Exception failure) {
		return fail(now, -1, "cannot read the PROXY protocol header: " + failure.getMessage());
	}

	private Outcome refuse(Instant now, ProxyRefusal refusal, @Nullable String reason) {
		return new Outcome(fail(now, -1, reason).failure(), this.connecting, null, null, ByteBuffer.allocate(0), true,
				refusal);
	}

	private Outcome fail(Instant now, int code, @Nullable String reason) {
		AcceptResult result = AcceptResult.builder(code, SslError.SYSCALL).startedAt(now).reason(reason).build();
		return new Outcome(result, this.connecting, null, null, ByteBuffer.allocate(0));
	}

}
