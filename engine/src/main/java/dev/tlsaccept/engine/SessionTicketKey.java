package dev.tlsaccept.engine;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A session-ticket key as nginx's {@code ssl_session_ticket_key} file holds it: 48 bytes
 * (key name 16, HMAC secret 16, AES-128 key 16) or 80 bytes (key name 16, HMAC secret 32,
 * AES-256 key 32). Servers that share a key accept each other's TLS 1.3 PSK tickets and
 * TLS 1.2 session tickets. {@link #toString()} shows the key name only (it is sent in
 * clear in every ticket), never the secrets.
 */
public final class SessionTicketKey {

	/** The length of a key with AES-128 (the only one BoringSSL takes). */
	public static final int AES_128_LENGTH = 48;

	/** The length of a key with AES-256. */
	public static final int AES_256_LENGTH = 80;

	private static final int NAME_LENGTH = 16;

	private final byte[] bytes;

	private SessionTicketKey(byte[] bytes) {
		this.bytes = bytes;
	}

	/**
	 * A key from the bytes of a key file.
	 * @param bytes 48 or 80 bytes (copied)
	 * @return the key
	 * @throws TlsConfigException with
	 * {@link TlsConfigException.Setting#SESSION_TICKET_KEYS} for any other length
	 */
	public static SessionTicketKey of(byte[] bytes) {
		if (bytes.length != AES_128_LENGTH && bytes.length != AES_256_LENGTH) {
			throw new TlsConfigException(TlsConfigException.Setting.SESSION_TICKET_KEYS,
					"A session-ticket key has 48 or 80 bytes, not " + bytes.length
							+ ": make one with 'openssl rand 48 > ticket.key'");
		}
		return new SessionTicketKey(bytes.clone());
	}

	/**
	 * The key's length: {@link #AES_128_LENGTH} or {@link #AES_256_LENGTH}.
	 * @return the length in bytes
	 */
	public int length() {
		return this.bytes.length;
	}

	/**
	 * The key name (the first 16 bytes), which every ticket carries in clear.
	 * @return a copy of the name
	 */
	public byte[] name() {
		return Arrays.copyOf(this.bytes, NAME_LENGTH);
	}

	/**
	 * The HMAC secret: 16 or 32 bytes after the name.
	 * @return a copy of the secret
	 */
	public byte[] hmacSecret() {
		int length = (this.bytes.length - NAME_LENGTH) / 2;
		return Arrays.copyOfRange(this.bytes, NAME_LENGTH, NAME_LENGTH + length);
	}

	/**
	 * The AES key: the last 16 or 32 bytes.
	 * @return a copy of the key
	 */
	public byte[] aesKey() {
		int length = (this.bytes.length - NAME_LENGTH) / 2;
		return Arrays.copyOfRange(this.bytes, NAME_LENGTH + length, this.bytes.length);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SessionTicketKey key && MessageDigest.isEqual(this.bytes, key.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(name());
	}

	@Override
	public String toString() {
		return "SessionTicketKey[" + this.bytes.length + " bytes, name " + HexFormat.of().formatHex(name()) + "]";
	}

}
