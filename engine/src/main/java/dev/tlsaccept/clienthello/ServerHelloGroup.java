package dev.tlsaccept.clienthello;

import org.jspecify.annotations.Nullable;

/**
 * Reads the key-exchange group a server chose from the bytes it sends, the same way for
 * every engine: in TLS 1.3 the {@code key_share} extension of the ServerHello (a
 * HelloRetryRequest names the group too, and the ServerHello after it has the last word);
 * in TLS 1.2 the named curve of an ECDHE ServerKeyExchange. Both are plaintext. Follows
 * the record layer and skips the bodies of other handshake messages (a large Certificate
 * is never buffered); stops at the first record that is neither handshake nor
 * change_cipher_spec, or once the answer is known.
 * <p>
 * Never throws on any input; not thread-safe (one per connection, fed by the thread that
 * writes).
 */
public final class ServerHelloGroup {

	private static final int CONTENT_CHANGE_CIPHER_SPEC = 20;

	private static final int CONTENT_HANDSHAKE = 22;

	private static final int SERVER_HELLO = 2;

	private static final int CERTIFICATE = 11;

	private static final int SERVER_KEY_EXCHANGE = 12;

	private static final int SERVER_HELLO_DONE = 14;

	private static final int EXTENSION_SUPPORTED_VERSIONS = 43;

	private static final int EXTENSION_KEY_SHARE = 51;

	private static final int EXTENSION_PRE_SHARED_KEY = 41;

	/** ECParameters.curve_type named_curve (RFC 8422 5.4). */
	private static final int NAMED_CURVE = 3;

	/** A ServerHello is small; anything larger is not one we read. */
	private static final int MAX_SERVER_HELLO = 4096;

	/**
	 * The HelloRetryRequest's fixed random, SHA-256 of "HelloRetryRequest" (RFC 8446
	 * 4.1.3).
	 */
	private static final byte[] HELLO_RETRY_REQUEST_RANDOM = { (byte) 0xcf, 0x21, (byte) 0xad, 0x74, (byte) 0xe5,
			(byte) 0x9a, 0x61, 0x11, (byte) 0xbe, 0x1d, (byte) 0x8c, 0x02, 0x1e, 0x65, (byte) 0xb8, (byte) 0x91,
			(byte) 0xc2, (byte) 0xa2, 0x11, 0x16, 0x7a, (byte) 0xbb, (byte) 0x8c, 0x5e, 0x07, (byte) 0x9e, 0x09,
			(byte) 0xe2, (byte) 0xc8, (byte) 0xa8, 0x33, (byte) 0x9c };

	private final byte[] recordHeader = new byte[5];

	private int recordHeaderLength;

	private int recordRemaining;

	private final byte[] messageHeader = new byte[4];

	private int messageHeaderLength;

	private int messageRemaining;

	/** The body of a ServerHello or the start of a ServerKeyExchange, being collected. */
	private byte @Nullable [] body;

	private int bodyLength;

	private int bodyWanted;

	private boolean done;

	/** A TLS 1.3 HelloRetryRequest was sent: the ServerHello is still to come. */
	private boolean retried;

	/** The TLS 1.2 suite is ECDHE: its ServerKeyExchange names a curve. */
	private boolean ecdhe;

	private @Nullable String group;

	private @Nullable String protocol;

	/**
	 * A ServerHello of TLS 1.2 or earlier was read, and no Certificate after it: what
	 * follows tells a resumption.
	 */
	private boolean tls12Hello;

	private boolean resumed;

	/**
	 * Feed bytes the server sent, in order, in whatever chunks.
	 * @param bytes the array
	 * @param offset where the bytes start
	 * @param length how many bytes
	 */
	public void feed(byte[] bytes, int offset, int length) {
		int position = offset;
		int end = offset + length;
		while (position < end && !this.done) {
			if (this.recordHeaderLength < 5) {
				this.recordHeader[this.recordHeaderLength++] = bytes[position++];
				if (this.recordHeaderLength == 5) {
					int type = this.recordHeader[0] & 0xff;
					this.recordRemaining = ((this.recordHeader[3] & 0xff) << 8) | (this.recordHeader[4] & 0xff);
					// after change_cipher_spec, TLS 1.2 handshake records are encrypted:
					// before the certificate and key exchange (which end this reading),
					// it marks an abbreviated handshake, a resumption; TLS 1.3 sends one
					// after a HelloRetryRequest for middlebox compatibility
					if (type != CONTENT_HANDSHAKE && (type != CONTENT_CHANGE_CIPHER_SPEC || !this.retried)) {
						this.resumed = this.resumed || (type == CONTENT_CHANGE_CIPHER_SPEC && this.tls12Hello);
						this.done = true;
					}
					else if (this.recordRemaining == 0) {
						this.recordHeaderLength = 0;
					}
				}
				continue;
			}
			int take = Math.min(end - position, this.recordRemaining);
			if ((this.recordHeader[0] & 0xff) == CONTENT_HANDSHAKE) {
				handshakeBytes(bytes, position, take);
			}
			position += take;
			this.recordRemaining -= take;
			if (this.recordRemaining == 0) {
				this.recordHeaderLength = 0;
			}
		}
	}

	/**
	 * The group the server chose, as IANA names it ({@code X25519MLKEM768},
	 * {@code x25519}, {@code secp256r1}), or {@code 0x1234} for a code without a name.
	 * @return the group, or {@code null} when the server has not named one (yet): no
	 * ServerHello sent, a TLS 1.2 key exchange without a named curve (RSA, finite-field
	 * DHE), a resumption without key exchange
	 */
	public @Nullable String group() {
		return this.group;
	}

	/**
	 * Whether the server resumed a session, as its plaintext messages say: in TLS 1.3 a
	 * ServerHello with the {@code pre_shared_key} extension (the server accepted one of
	 * the client's tickets); in TLS 1.2 an abbreviated handshake, where
	 * change_cipher_spec follows the ServerHello (and a NewSessionTicket) without a
	 * Certificate (RFC 5246 7.3, RFC 5077 3.1), for a session ID or a ticket alike.
	 * @return {@code true} once the server has resumed
	 */
	public boolean resumed() {
		return this.resumed;
	}

	/**
	 * The protocol version the server chose, as JSSE and OpenSSL name it: TLS 1.3's
	 * {@code supported_versions} in the ServerHello, else its {@code legacy_version}. A
	 * failure after the ServerHello went out has it even where the engine's session no
	 * longer says.
	 * @return the protocol, or {@code null} before a ServerHello was sent
	 */
	public @Nullable String protocol() {
		return this.protocol;
	}

	private void handshakeBytes(byte[] bytes, int offset, int length) {
		int position = offset;
		int end = offset + length;
		while (position < end && !this.done) {
			if (this.messageHeaderLength < 4) {
				this.messageHeader[this.messageHeaderLength++] = bytes[position++];
				if (this.messageHeaderLength == 4) {
					startMessage();
				}
				continue;
			}
			int take = Math.min(end - position, this.messageRemaining);
			byte[] collecting = this.body;
			if (collecting != null) {
				int copy = Math.min(take, this.bodyWanted - this.bodyLength);
				System.arraycopy(bytes, position, collecting, this.bodyLength, copy);
				this.bodyLength += copy;
				if (this.bodyLength == this.bodyWanted) {
					this.body = null;
					endMessage(this.messageHeader[0] & 0xff, collecting);
				}
			}
			position += take;
			this.messageRemaining -= take;
			if (this.messageRemaining == 0) {
				this.messageHeaderLength = 0;
			}
		}
	}

	private void startMessage() {
		int type = this.messageHeader[0] & 0xff;
		this.messageRemaining = ((this.messageHeader[1] & 0xff) << 16) | ((this.messageHeader[2] & 0xff) << 8)
				| (this.messageHeader[3] & 0xff);
		this.bodyLength = 0;
		this.bodyWanted = switch (type) {
			case SERVER_HELLO -> (this.messageRemaining <= MAX_SERVER_HELLO) ? this.messageRemaining : 0;
			case SERVER_KEY_EXCHANGE -> Math.min(3, this.messageRemaining);
			default -> 0;
		};
		this.body = (this.bodyWanted > 0) ? new byte[this.bodyWanted] : null;
		if (type == SERVER_HELLO_DONE) {
			this.done = true;
		}
		if (type == CERTIFICATE) {
			// a full handshake
			this.tls12Hello = false;
		}
		if (this.messageRemaining == 0) {
			this.messageHeaderLength = 0;
		}
	}

	private void endMessage(int type, byte[] message) {
		if (type == SERVER_KEY_EXCHANGE) {
			if (this.ecdhe && message.length == 3 && (message[0] & 0xff) == NAMED_CURVE) {
				this.group = TlsNames.group(((message[1] & 0xff) << 8) | (message[2] & 0xff));
			}
			this.done = true;
			return;
		}
		readServerHello(message);
	}

	/**
	 * legacy_version, random, session id, cipher suite, compression, extensions (RFC 8446
	 * 4.1.3).
	 */
	private void readServerHello(byte[] hello) {
		int position = 2 + 32;
		if (position >= hello.length) {
			this.done = true;
			return;
		}
		boolean retry = isHelloRetryRequest(hello);
		int legacyVersion = u16(hello, 0);
		position += 1 + (hello[position] & 0xff);
		if (position + 2 <= hello.length) {
			this.ecdhe = TlsNames.cipherSuite(u16(hello, position)).contains("_ECDHE_");
		}
		position += 2 + 1;
		int keyShareGroup = -1;
		boolean tls13 = false;
		boolean preSharedKey = false;
		if (position + 2 <= hello.length) {
			int extensionsEnd = Math.min(hello.length, position + 2 + u16(hello, position));
			position += 2;
			while (position + 4 <= extensionsEnd) {
				int type = u16(hello, position);
				int length = u16(hello, position + 2);
				position += 4;
				if (type == EXTENSION_SUPPORTED_VERSIONS && length == 2 && position + 2 <= extensionsEnd) {
					tls13 = u16(hello, position) == TlsNames.TLS13;
				}
				else if (type == EXTENSION_KEY_SHARE && length >= 2 && position + 2 <= extensionsEnd) {
					keyShareGroup = u16(hello, position);
				}
				else if (type == EXTENSION_PRE_SHARED_KEY) {
					preSharedKey = true;
				}
				position += length;
			}
		}
		// key_share belongs to TLS 1.3, whose ServerHello always carries
		// supported_versions
		this.protocol = TlsNames.version(tls13 ? TlsNames.TLS13 : legacyVersion);
		if (keyShareGroup >= 0 && tls13) {
			this.group = TlsNames.group(keyShareGroup);
		}
		// TLS 1.3: the ServerHello has the answer (or none: a PSK-only resumption);
		// after a HelloRetryRequest the real ServerHello follows. TLS 1.2: the
		// ServerKeyExchange follows.
		this.retried = tls13 && retry;
		if (tls13 && !retry) {
			this.resumed = preSharedKey;
			this.done = true;
		}
		this.tls12Hello = !tls13;
	}

	private static boolean isHelloRetryRequest(byte[] hello) {
		for (int i = 0; i < HELLO_RETRY_REQUEST_RANDOM.length; i++) {
			if (hello[2 + i] != HELLO_RETRY_REQUEST_RANDOM[i]) {
				return false;
			}
		}
		return true;
	}

	private static int u16(byte[] bytes, int position) {
		return ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
	}

}
