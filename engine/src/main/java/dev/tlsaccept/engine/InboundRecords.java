package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Follows the TLS record layer of the bytes a client sends during the handshake, before
 * the engine sees them, to answer what no JSSE engine reports the way OpenSSL does:
 * plaintext HTTP instead of TLS, an oversized first record, and a plaintext alert
 * (close_notify or fatal) from the client. Works across reads of any size: a header or
 * alert may span several reads.
 */
final class InboundRecords {

	/** The largest record TLS 1.2 permits: 2^14 plus 2048 bytes of expansion. */
	static final int MAX_RECORD_LENGTH = 16 * 1024 + 2048;

	static final int HEADER_LENGTH = 5;

	static final byte CONTENT_ALERT = 21;

	static final byte CONTENT_HANDSHAKE = 22;

	/** What the scan found that ends the handshake before the engine could decide it. */
	enum Verdict {

		/** Nothing: hand the bytes to the engine. */
		NONE,

		/** The first bytes are a plaintext HTTP request. */
		HTTP_REQUEST,

		/** The first bytes are an HTTP CONNECT (a proxy request). */
		HTTPS_PROXY_REQUEST,

		/** A record header announces more than {@link #MAX_RECORD_LENGTH} bytes. */
		OVERSIZED_RECORD,

		/**
		 * A plaintext close_notify or fatal alert from the client: bytes from
		 * {@link #stopOffset()} on must not reach the engine; see
		 * {@link #receivedAlert()}.
		 */
		PEER_ALERT

	}

	private final byte[] header = new byte[HEADER_LENGTH];

	private int headerFilled;

	private long bodyRemaining;

	private int recordIndex;

	private boolean alertRecord;

	private final byte[] alertBody = new byte[2];

	private int alertFilled;

	private long recordStart;

	private long stopOffset = -1;

	private @Nullable TlsAlert receivedAlert;

	private Verdict verdict = Verdict.NONE;

	/**
	 * Scan bytes just read.
	 * @param buffer the buffer they were read into
	 * @param from index of the first new byte
	 * @param to index after the last new byte
	 * @param absoluteFrom stream offset of the byte at {@code from}
	 * @param checkFirstFlight whether the server has not sent anything yet, so that an
	 * oversized record can still be refused with a plaintext alert
	 * @return the verdict, {@link Verdict#NONE} to let the engine go on
	 */
	Verdict scan(ByteBuffer buffer, int from, int to, long absoluteFrom, boolean checkFirstFlight) {
		int index = from;
		while (index < to && this.verdict == Verdict.NONE) {
			long absolute = absoluteFrom + (index - from);
			if (this.bodyRemaining > 0) {
				int count = (int) Math.min(this.bodyRemaining, to - index);
				if (this.alertRecord) {
					for (int i = 0; i < count && this.alertFilled < 2; i++) {
						this.alertBody[this.alertFilled++] = buffer.get(index + i);
					}
				}
				index += count;
				this.bodyRemaining -= count;
				if (this.bodyRemaining == 0 && this.alertRecord) {
					alertComplete();
				}
				continue;
			}
			if (this.headerFilled == 0) {
				this.recordStart = absolute;
			}
			this.header[this.headerFilled++] = buffer.get(index++);
			if (this.headerFilled == HEADER_LENGTH) {
				headerComplete(checkFirstFlight);
			}
		}
		return this.verdict;
	}

	private void headerComplete(boolean checkFirstFlight) {
		this.headerFilled = 0;
		int length = ((this.header[3] & 0xff) << 8) | (this.header[4] & 0xff);
		boolean first = this.recordIndex++ == 0;
		if (first && !looksLikeTls()) {
			String start = new String(this.header, StandardCharsets.ISO_8859_1);
			if (start.startsWith("GET ") || start.startsWith("POST ") || start.startsWith("HEAD ")
					|| start.startsWith("PUT ")) {
				this.verdict = Verdict.HTTP_REQUEST;
				return;
			}
			if (start.startsWith("CONNE")) {
				this.verdict = Verdict.HTTPS_PROXY_REQUEST;
				return;
			}
		}
		if (checkFirstFlight && length > MAX_RECORD_LENGTH && looksLikeTls()) {
			this.verdict = Verdict.OVERSIZED_RECORD;
			return;
		}
		this.alertRecord = this.header[0] == CONTENT_ALERT && length == 2;
		this.alertFilled = 0;
		this.bodyRemaining = length;
		if (length == 0 && this.alertRecord) {
			this.alertRecord = false;
		}
	}

	private boolean looksLikeTls() {
		int type = this.header[0] & 0xff;
		return type >= 20 && type <= 24 && this.header[1] == 3;
	}

	private void alertComplete() {
		this.alertRecord = false;
		int level = this.alertBody[0] & 0xff;
		int description = this.alertBody[1] & 0xff;
		TlsAlert.Level alertLevel = (level == 1) ? TlsAlert.Level.WARNING : TlsAlert.Level.FATAL;
		if (description == 0 || alertLevel == TlsAlert.Level.FATAL) {
			this.receivedAlert = TlsAlert.of(description, alertLevel, TlsAlert.Direction.RECEIVED);
			this.stopOffset = this.recordStart;
			this.verdict = Verdict.PEER_ALERT;
		}
	}

	/**
	 * The stream offset of the close_notify record that ended the scan.
	 * @return the offset, or {@code -1}
	 */
	long stopOffset() {
		return this.stopOffset;
	}

	/**
	 * The plaintext alert the client sent, if one was seen.
	 * @return the alert or {@code null}
	 */
	@Nullable TlsAlert receivedAlert() {
		return this.receivedAlert;
	}

	/**
	 * Find the first plaintext alert record ({@code 15 03 0x 00 02 level description})
	 * among bytes a server produced.
	 * @param bytes the produced bytes, in read mode (position and limit are not changed)
	 * @param direction how to mark the alert
	 * @return the alert, or {@code null} when the bytes hold none
	 */
	static @Nullable TlsAlert plaintextAlert(ByteBuffer bytes, TlsAlert.Direction direction) {
		int index = bytes.position();
		while (index + HEADER_LENGTH <= bytes.limit()) {
			int type = bytes.get(index);
			int length = ((bytes.get(index + 3) & 0xff) << 8) | (bytes.get(index + 4) & 0xff);
			if (type == CONTENT_ALERT && length == 2 && index + 7 <= bytes.limit()) {
				TlsAlert.Level level = (bytes.get(index + 5) == 1) ? TlsAlert.Level.WARNING : TlsAlert.Level.FATAL;
				return TlsAlert.of(bytes.get(index + 6) & 0xff, level, direction);
			}
			index += HEADER_LENGTH + length;
		}
		return null;
	}

	/**
	 * Whether the bytes a server produced hold any record that could be an encrypted
	 * alert: a short application-data record (TLS 1.3) or an alert record longer than two
	 * bytes (TLS 1.2 after ChangeCipherSpec).
	 */
	/**
	 * Whether the bytes are whole plaintext-looking handshake records and nothing else.
	 * @param bytes records, from position to limit
	 * @return {@code true} for one or more whole handshake records
	 */
	static boolean onlyHandshakeRecords(ByteBuffer bytes) {
		int index = bytes.position();
		if (index + HEADER_LENGTH > bytes.limit()) {
			return false;
		}
		while (index + HEADER_LENGTH <= bytes.limit()) {
			int length = ((bytes.get(index + 3) & 0xff) << 8) | (bytes.get(index + 4) & 0xff);
			if (bytes.get(index) != CONTENT_HANDSHAKE) {
				return false;
			}
			index += HEADER_LENGTH + length;
		}
		return index == bytes.limit();
	}

	static boolean hasEncryptedAlert(ByteBuffer bytes) {
		int index = bytes.position();
		while (index + HEADER_LENGTH <= bytes.limit()) {
			int type = bytes.get(index);
			int length = ((bytes.get(index + 3) & 0xff) << 8) | (bytes.get(index + 4) & 0xff);
			if ((type == 23 || type == CONTENT_ALERT) && length > 2 && length <= 64) {
				return true;
			}
			index += HEADER_LENGTH + length;
		}
		return false;
	}

}
