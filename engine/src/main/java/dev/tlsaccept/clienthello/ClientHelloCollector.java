package dev.tlsaccept.clienthello;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Collects a client's first handshake message, the ClientHello, from the raw bytes the
 * client sends, in whatever chunks they arrive: follows the TLS record layer (5-byte
 * record headers, content type 22, handshake), and reassembles the message across records
 * and reads (a record header may itself arrive in pieces). It reads a copy: fed buffers
 * are left as they were, so the same bytes can go on to the TLS engine.
 * <p>
 * Once the ClientHello is complete, or the stream is known not to carry one (the first
 * record is not a handshake record, the first handshake message is not a ClientHello, an
 * SSLv2-compatible hello, a ClientHello larger than the cap), {@link #summary()} is
 * available and further input is ignored. For a handshake that failed before that,
 * {@link #summarizeSoFar()} summarizes what did arrive. Never throws on any input.
 * <p>
 * Not thread-safe: use one collector per connection, fed by the thread that reads it.
 */
public final class ClientHelloCollector {

	/**
	 * The default cap on the size of a ClientHello, 16 KiB, header included.
	 */
	public static final int DEFAULT_MAX_BYTES = 16 * 1024;

	private static final int CONTENT_TYPE_HANDSHAKE = 22;

	private static final int RECORD_HEADER_LENGTH = 5;

	/** The largest TLSPlaintext fragment, 2^14 (RFC 8446 5.1). */
	private static final int MAX_RECORD_LENGTH = 1 << 14;

	private static final int HEADER = ClientHelloParser.HANDSHAKE_HEADER_LENGTH;

	private final int maxBytes;

	private final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];

	private int recordHeaderLength;

	private int recordRemaining;

	private int records;

	private final byte[] handshakeHeader = new byte[HEADER];

	private int handshakeHeaderLength;

	private byte @Nullable [] message;

	private int messageLength;

	private boolean complete;

	private @Nullable ClientHelloSummary summary;

	/**
	 * A collector for ClientHello messages up to {@link #DEFAULT_MAX_BYTES}.
	 */
	public ClientHelloCollector() {
		this(DEFAULT_MAX_BYTES);
	}

	/**
	 * A collector for ClientHello messages up to the given size.
	 * @param maxBytes the largest ClientHello to collect, its 4-byte handshake header
	 * included; a larger one is reported as
	 * {@code "ClientHello larger than <maxBytes> bytes"}
	 */
	public ClientHelloCollector(int maxBytes) {
		if (maxBytes < HEADER) {
			throw new IllegalArgumentException("maxBytes must be at least " + HEADER + " but was " + maxBytes
					+ "; use ClientHelloCollector.DEFAULT_MAX_BYTES unless you need another cap");
		}
		this.maxBytes = maxBytes;
	}

	/**
	 * Feed the bytes from the buffer's position to its limit, without changing its
	 * position, limit or mark.
	 * @param bytes the next bytes the client sent
	 */
	public void feed(ByteBuffer bytes) {
		Objects.requireNonNull(bytes, "bytes must not be null");
		if (isFinished() || !bytes.hasRemaining()) {
			return;
		}
		if (bytes.hasArray()) {
			feed(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
			return;
		}
		byte[] copy = new byte[bytes.remaining()];
		bytes.duplicate().get(copy);
		feed(copy, 0, copy.length);
	}

	/**
	 * Feed {@code len} bytes of {@code b} from {@code off}.
	 * @param b the next bytes the client sent
	 * @param off where they start in {@code b}
	 * @param len how many there are
	 * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not lie within
	 * {@code b}
	 */
	public void feed(byte[] b, int off, int len) {
		Objects.requireNonNull(b, "b must not be null");
		Objects.checkFromIndexSize(off, len, b.length);
		try {
			consume(b, off, off + len);
		}
		catch (RuntimeException ex) {
			fail("internal error while collecting the ClientHello: " + ex);
		}
	}

	/**
	 * Whether the whole ClientHello message has arrived. Its summary may still report a
	 * {@linkplain ClientHelloSummary#parseError() parse error} if the message is
	 * malformed.
	 * @return {@code true} once the ClientHello is complete
	 */
	public boolean isComplete() {
		return this.complete;
	}

	/**
	 * The summary, once the ClientHello is complete or the stream is known not to carry
	 * one (then only its {@linkplain ClientHelloSummary#parseError() parse error} is
	 * set). Once this is not {@code null}, the collector ignores further input.
	 * @return the final summary, or {@code null} while more bytes are needed
	 */
	public @Nullable ClientHelloSummary summary() {
		return this.summary;
	}

	/**
	 * The summary of what arrived so far, for a handshake that ended before the
	 * ClientHello was complete: whatever could be read, with a parse error such as
	 * {@code "truncated ClientHello (512 of 1540 bytes)"}. Once {@link #summary()} is
	 * available, this returns it.
	 * @return the summary so far, never {@code null}
	 */
	public ClientHelloSummary summarizeSoFar() {
		ClientHelloSummary summary = this.summary;
		if (summary != null) {
			return summary;
		}
		byte[] message = this.message;
		if (message != null) {
			return ClientHelloParser.parse(message, this.messageLength);
		}
		if (this.handshakeHeaderLength > 0) {
			return ClientHelloSummary
				.failed("truncated ClientHello (" + this.handshakeHeaderLength + " of at least " + HEADER + " bytes)");
		}
		if (this.recordHeaderLength > 0) {
			return ClientHelloSummary.failed(
					"truncated record header (" + this.recordHeaderLength + " of " + RECORD_HEADER_LENGTH + " bytes)");
		}
		return ClientHelloSummary.failed("no ClientHello received");
	}

	private boolean isFinished() {
		return this.summary != null;
	}

	private void consume(byte[] b, int from, int to) {
		int i = from;
		while (i < to && !isFinished()) {
			if (this.recordHeaderLength < RECORD_HEADER_LENGTH) {
				this.recordHeader[this.recordHeaderLength++] = b[i++];
				checkRecordHeader();
				continue;
			}
			int n = Math.min(this.recordRemaining, to - i);
			int used = consumeHandshake(b, i, n);
			i += used;
			this.recordRemaining -= used;
			if (this.recordRemaining == 0) {
				this.recordHeaderLength = 0;
			}
		}
	}

	/**
	 * Check the record header as far as it arrived, so that a stream that is not TLS is
	 * recognized from its first byte.
	 */
	private void checkRecordHeader() {
		int contentType = this.recordHeader[0] & 0xff;
		boolean first = this.records == 0;
		switch (this.recordHeaderLength) {
			case 1 -> {
				if (contentType != CONTENT_TYPE_HANDSHAKE && !(first && (contentType & 0x80) != 0)) {
					fail(first ? notHandshake(contentType)
							: "unexpected content type " + contentType + " before the ClientHello was complete");
				}
			}
			case 3 -> {
				if (contentType != CONTENT_TYPE_HANDSHAKE) {
					// SSLv2 record: 2-byte length with the high bit set, then msg_type (1
					// = CLIENT-HELLO)
					fail(((this.recordHeader[2] & 0xff) == 1) ? "SSLv2-compatible ClientHello is not supported"
							: notHandshake(contentType));
				}
				else if (this.recordHeader[1] != 3) {
					fail(String.format("not a TLS record (record version 0x%02x%02x)", this.recordHeader[1] & 0xff,
							this.recordHeader[2] & 0xff));
				}
			}
			case RECORD_HEADER_LENGTH -> {
				int length = ((this.recordHeader[3] & 0xff) << 8) | (this.recordHeader[4] & 0xff);
				if (length == 0) {
					fail("empty handshake record");
				}
				else if (length > MAX_RECORD_LENGTH) {
					fail("record length " + length + " exceeds " + MAX_RECORD_LENGTH);
				}
				this.recordRemaining = length;
				this.records++;
			}
			default -> {
			}
		}
	}

	private static String notHandshake(int contentType) {
		String hint = (contentType >= 'A' && contentType <= 'Z') ? ", ASCII '" + (char) contentType + "': plaintext?"
				: "";
		return "not a TLS handshake record (content type " + contentType + hint + ")";
	}

	/**
	 * Take up to {@code n} bytes of handshake data.
	 * @return how many were used
	 */
	private int consumeHandshake(byte[] b, int from, int n) {
		int i = from;
		int end = from + n;
		while (this.handshakeHeaderLength < HEADER && i < end) {
			this.handshakeHeader[this.handshakeHeaderLength++] = b[i++];
			if (this.handshakeHeaderLength == 1
					&& this.handshakeHeader[0] != ClientHelloParser.HANDSHAKE_CLIENT_HELLO) {
				fail("first handshake message is not a ClientHello (handshake type " + (this.handshakeHeader[0] & 0xff)
						+ ")");
				return i - from;
			}
			if (this.handshakeHeaderLength == HEADER && !startMessage()) {
				return i - from;
			}
		}
		byte[] message = this.message;
		if (message == null) {
			return i - from;
		}
		int count = Math.min(end - i, message.length - this.messageLength);
		System.arraycopy(b, i, message, this.messageLength, count);
		this.messageLength += count;
		i += count;
		if (this.messageLength == message.length) {
			this.complete = true;
			this.summary = ClientHelloParser.parse(message, this.messageLength);
			// the summary is all that is kept: a long-lived connection holds no copy of
			// the hello
			this.message = null;
		}
		return i - from;
	}

	private boolean startMessage() {
		int length = ((this.handshakeHeader[1] & 0xff) << 16) | ((this.handshakeHeader[2] & 0xff) << 8)
				| (this.handshakeHeader[3] & 0xff);
		long total = (long) HEADER + length;
		if (total > this.maxBytes) {
			fail("ClientHello larger than " + this.maxBytes + " bytes (" + total + " bytes)");
			return false;
		}
		byte[] message = new byte[(int) total];
		System.arraycopy(this.handshakeHeader, 0, message, 0, HEADER);
		this.message = message;
		this.messageLength = HEADER;
		return true;
	}

	private void fail(String parseError) {
		if (this.summary == null) {
			this.summary = ClientHelloSummary.failed(parseError);
			this.message = null;
		}
	}

}
