package dev.tlsaccept.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * Decodes a PROXY protocol header (v1 text, v2 binary, as HAProxy's
 * {@code proxy-protocol.txt} defines them) from the first bytes of a connection, as they
 * arrive: stateless, it looks at the bytes read so far and says whether they are a
 * header, the start of one, not one, or a broken one. Never resolves a name: addresses
 * are literals.
 *
 * <p>
 * Bounds: a v1 line is at most {@value #V1_MAX_LENGTH} bytes, CRLF included; a v2 header
 * at most {@value #V2_MAX_LENGTH} bytes (16 fixed, then addresses and TLVs: room for
 * every TLV HAProxy sends, client certificate names included). A v2
 * {@code PP2_TYPE_CRC32C} TLV is checked. A {@code PP2_TYPE_SSL} TLV's sub-TLVs are read
 * within its own length: one that overruns it, or a TLV shorter than its fixed 5 bytes,
 * makes the header malformed.
 */
final class ProxyHeaderDecoder {

	/** The longest v1 line, CRLF included. */
	static final int V1_MAX_LENGTH = 107;

	/** The longest v2 header accepted, the 16 fixed bytes included. */
	static final int V2_MAX_LENGTH = 16 + 4096;

	/** The v2 signature. */
	static final byte[] V2_SIGNATURE = { '\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n' };

	private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);

	private static final int TLV_ALPN = 0x01;

	private static final int TLV_AUTHORITY = 0x02;

	private static final int TLV_CRC32C = 0x03;

	private static final int TLV_UNIQUE_ID = 0x05;

	private static final int UNIQUE_ID_MAX = 128;

	private static final int TLV_SSL = 0x20;

	private static final int SSL_VERSION = 0x21;

	private static final int SSL_CN = 0x22;

	private static final int SSL_CIPHER = 0x23;

	private static final int SSL_SIG_ALG = 0x24;

	private static final int SSL_KEY_ALG = 0x25;

	/** The {@code client} byte and the {@code verify} word before the SSL sub-TLVs. */
	private static final int SSL_FIXED = 5;

	private ProxyHeaderDecoder() {
	}

	/** What the bytes so far are. */
	enum Status {

		/**
		 * A complete header of {@link Decoded#length()} bytes; the bytes after it are the
		 * client's.
		 */
		HEADER,

		/** The start of a header (or too few bytes to tell): read more. */
		NEED_MORE,

		/**
		 * No header: the bytes do not start with either signature (TLS starts with 0x16).
		 */
		NOT_PROXY,

		/** A header that is broken: {@link Decoded#reason()} says how. */
		MALFORMED

	}

	/**
	 * The decoder's verdict.
	 *
	 * @param status what the bytes are
	 * @param header the header, for {@link Status#HEADER}
	 * @param length the header's length in bytes, for {@link Status#HEADER}
	 * @param reason why it is malformed, for {@link Status#MALFORMED}
	 */
	record Decoded(Status status, @Nullable ProxyHeader header, int length, @Nullable String reason) {

		static final Decoded NEED_MORE = new Decoded(Status.NEED_MORE, null, 0, null);

		static final Decoded NOT_PROXY = new Decoded(Status.NOT_PROXY, null, 0, null);

		static Decoded malformed(String reason) {
			return new Decoded(Status.MALFORMED, null, 0, reason);
		}

	}

	/**
	 * Decode the bytes read so far.
	 * @param bytes the bytes from the connection's first one, between position and limit
	 * (not consumed)
	 * @return the verdict
	 */
	static Decoded decode(ByteBuffer bytes) {
		ByteBuffer in = bytes.slice();
		int prefixV1 = matched(in, V1_SIGNATURE);
		int prefixV2 = matched(in, V2_SIGNATURE);
		if (prefixV1 == V1_SIGNATURE.length) {
			return decodeV1(in);
		}
		if (prefixV2 == V2_SIGNATURE.length) {
			return decodeV2(in);
		}
		if (prefixV1 == in.remaining() || prefixV2 == in.remaining()) {
			return Decoded.NEED_MORE;
		}
		return Decoded.NOT_PROXY;
	}

	/** How many of the first bytes match the signature, up to the first that does not. */
	private static int matched(ByteBuffer in, byte[] signature) {
		int count = Math.min(in.remaining(), signature.length);
		for (int i = 0; i < count; i++) {
			if (in.get(i) != signature[i]) {
				return i;
			}
		}
		return count;
	}

	// ---- v1
	// --------------------------------------------------------------------------------

	private static Decoded decodeV1(ByteBuffer in) {
		int end = -1;
		int limit = Math.min(in.remaining(), V1_MAX_LENGTH);
		for (int i = 0; i < limit; i++) {
			byte b = in.get(i);
			if (b == '\n') {
				if (i == 0 || in.get(i - 1) != '\r') {
					return Decoded.malformed("PROXY v1 header: line ends without CR LF");
				}
				end = i + 1;
				break;
			}
			if (b != '\r' && (b < 0x20 || b > 0x7e)) {
				return Decoded.malformed("PROXY v1 header: not printable ASCII");
			}
		}
		if (end < 0) {
			return (in.remaining() >= V1_MAX_LENGTH)
					? Decoded.malformed("PROXY v1 header: longer than " + V1_MAX_LENGTH + " bytes") : Decoded.NEED_MORE;
		}
		byte[] line = new byte[end - 2];
		in.get(0, line);
		String[] parts = new String(line, StandardCharsets.US_ASCII).split(" ", -1);
		String protocol = parts[1];
		if (protocol.equals("UNKNOWN")) {
			// the proxy could not tell: the addresses, if any, are to be ignored
			return new Decoded(Status.HEADER, new ProxyHeader(1, false, null, null, null, null, null), end, null);
		}
		boolean ipv4 = protocol.equals("TCP4");
		if (!ipv4 && !protocol.equals("TCP6")) {
			return Decoded.malformed("PROXY v1 header: unknown protocol '" + escape(protocol) + "'");
		}
		if (parts.length != 6) {
			return Decoded
				.malformed("PROXY v1 header: expected 'PROXY " + protocol + " source destination sport dport'");
		}
		InetAddress source = ipv4 ? ipv4Literal(parts[2]) : ipv6Literal(parts[2]);
		InetAddress destination = ipv4 ? ipv4Literal(parts[3]) : ipv6Literal(parts[3]);
		if (source == null || destination == null) {
			return Decoded.malformed("PROXY v1 header: bad " + protocol + " address '"
					+ escape((source == null) ? parts[2] : parts[3]) + "'");
		}
		int sourcePort = port(parts[4]);
		int destinationPort = port(parts[5]);
		if (sourcePort < 0 || destinationPort < 0) {
			return Decoded
				.malformed("PROXY v1 header: bad port '" + escape((sourcePort < 0) ? parts[4] : parts[5]) + "'");
		}
		return new Decoded(Status.HEADER, new ProxyHeader(1, false, new InetSocketAddress(source, sourcePort),
				new InetSocketAddress(destination, destinationPort), null, null, null), end, null);
	}

	private static @Nullable InetAddress ipv4Literal(String text) {
		String[] octets = text.split("\\.", -1);
		if (octets.length != 4) {
			return null;
		}
		byte[] bytes = new byte[4];
		for (int i = 0; i < 4; i++) {
			String octet = octets[i];
			if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
				return null;
			}
			int value = Integer.parseInt(octet);
			if (value > 255) {
				return null;
			}
			bytes[i] = (byte) value;
		}
		return byAddress(bytes);
	}

	private static @Nullable InetAddress ipv6Literal(String text) {
		// a literal with a colon is never looked up; anything else (a name) is refused
		// first
		if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0
				|| !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
			return null;
		}
		try {
			InetAddress address = InetAddress.getByName(text);
			return (address instanceof Inet6Address || address instanceof Inet4Address) ? address : null;
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static int port(String text) {
		if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return -1;
		}
		int port = Integer.parseInt(text);
		return (port <= 65535) ? port : -1;
	}

	// ---- v2
	// --------------------------------------------------------------------------------

	private static Decoded decodeV2(ByteBuffer in) {
		if (in.remaining() < 16) {
			return Decoded.NEED_MORE;
		}
		int versionCommand = in.get(12) & 0xff;
		int family = in.get(13) & 0xff;
		int length = in.getShort(14) & 0xffff;
		if (versionCommand >> 4 != 2) {
			return Decoded.malformed("PROXY v2 header: unknown version " + (versionCommand >> 4));
		}
		int command = versionCommand & 0x0f;
		if (command > 1) {
			return Decoded.malformed("PROXY v2 header: unknown command " + command);
		}
		if (16 + length > V2_MAX_LENGTH) {
			return Decoded.malformed(
					"PROXY v2 header: " + (16 + length) + " bytes, more than the " + V2_MAX_LENGTH + " accepted");
		}
		if (in.remaining() < 16 + length) {
			return Decoded.NEED_MORE;
		}
		boolean local = command == 0;
		int addressFamily = family >> 4;
		int transport = family & 0x0f;
		if (addressFamily > 3 || transport > 2) {
			return Decoded.malformed("PROXY v2 header: unknown address family 0x" + Integer.toHexString(family));
		}
		if (!local && transport == 2) {
			return Decoded.malformed("PROXY v2 header: a datagram (UDP) connection on a TCP listener");
		}
		int addressLength = switch (addressFamily) {
			case 1 -> 12;
			case 2 -> 36;
			case 3 -> 216;
			default -> 0;
		};
		if (length < addressLength) {
			return Decoded.malformed(
					"PROXY v2 header: " + length + " bytes, too short for its addresses (" + addressLength + ")");
		}
		InetSocketAddress source = null;
		InetSocketAddress destination = null;
		if (!local && (addressFamily == 1 || addressFamily == 2)) {
			int size = (addressFamily == 1) ? 4 : 16;
			byte[] sourceBytes = new byte[size];
			byte[] destinationBytes = new byte[size];
			in.get(16, sourceBytes);
			in.get(16 + size, destinationBytes);
			int sourcePort = in.getShort(16 + 2 * size) & 0xffff;
			int destinationPort = in.getShort(16 + 2 * size + 2) & 0xffff;
			source = new InetSocketAddress(byAddress(sourceBytes), sourcePort);
			destination = new InetSocketAddress(byAddress(destinationBytes), destinationPort);
		}
		String authority = null;
		String alpn = null;
		String uniqueId = null;
		ProxyHeader.Ssl ssl = null;
		int position = 16 + addressLength;
		int end = 16 + length;
		while (position < end) {
			if (end - position < 3) {
				return Decoded.malformed("PROXY v2 header: truncated TLV");
			}
			int type = in.get(position) & 0xff;
			int valueLength = in.getShort(position + 1) & 0xffff;
			int value = position + 3;
			if (value + valueLength > end) {
				return Decoded
					.malformed("PROXY v2 header: TLV 0x" + Integer.toHexString(type) + " longer than the header");
			}
			byte[] bytes = new byte[valueLength];
			in.get(value, bytes);
			switch (type) {
				case TLV_ALPN -> alpn = text(bytes);
				case TLV_AUTHORITY -> authority = text(bytes);
				case TLV_UNIQUE_ID -> {
					if (valueLength > UNIQUE_ID_MAX) {
						return Decoded.malformed("PROXY v2 header: unique id longer than " + UNIQUE_ID_MAX + " bytes");
					}
					uniqueId = text(bytes);
				}
				case TLV_CRC32C -> {
					if (valueLength != 4 || !crcMatches(in, end, value)) {
						return Decoded.malformed("PROXY v2 header: CRC32C mismatch");
					}
				}
				case TLV_SSL -> {
					ssl = ssl(bytes);
					if (ssl == null) {
						return Decoded.malformed("PROXY v2 header: malformed SSL TLV");
					}
				}
				default -> {
					// NOOP, NETNS and custom TLVs: not used
				}
			}
			position = value + valueLength;
		}
		return new Decoded(Status.HEADER,
				new ProxyHeader(2, local, source, destination, authority, alpn, uniqueId, ssl), end, null);
	}

	/**
	 * The {@code PP2_TYPE_SSL} TLV's value: the {@code client} bits, the {@code verify}
	 * word, then sub-TLVs, each inside the value (bounded by it, as the value is by the
	 * header); unknown sub-TLVs are skipped.
	 * @param value the TLV's value
	 * @return what it says, or {@code null} when it is malformed
	 */
	private static ProxyHeader.@Nullable Ssl ssl(byte[] value) {
		if (value.length < SSL_FIXED) {
			return null;
		}
		ByteBuffer in = ByteBuffer.wrap(value);
		int client = in.get(0) & 0xff;
		long verify = in.getInt(1) & 0xffffffffL;
		String version = null;
		String commonName = null;
		String cipher = null;
		String signatureAlgorithm = null;
		String keyAlgorithm = null;
		int position = SSL_FIXED;
		while (position < value.length) {
			if (value.length - position < 3) {
				return null;
			}
			int type = in.get(position) & 0xff;
			int length = in.getShort(position + 1) & 0xffff;
			int start = position + 3;
			if (start + length > value.length) {
				return null;
			}
			byte[] bytes = new byte[length];
			in.get(start, bytes);
			switch (type) {
				case SSL_VERSION -> version = text(bytes);
				case SSL_CN -> commonName = text(bytes);
				case SSL_CIPHER -> cipher = text(bytes);
				case SSL_SIG_ALG -> signatureAlgorithm = text(bytes);
				case SSL_KEY_ALG -> keyAlgorithm = text(bytes);
				default -> {
					// later sub-TLVs (group, signature scheme, client certificate): not
					// used
				}
			}
			position = start + length;
		}
		return new ProxyHeader.Ssl((client & 0x01) != 0, (client & 0x02) != 0, (client & 0x04) != 0, verify, version,
				commonName, cipher, signatureAlgorithm, keyAlgorithm);
	}

	private static boolean crcMatches(ByteBuffer in, int end, int crcAt) {
		byte[] header = new byte[end];
		in.get(0, header);
		int expected = in.getInt(crcAt);
		for (int i = 0; i < 4; i++) {
			header[crcAt + i] = 0;
		}
		CRC32C crc = new CRC32C();
		crc.update(header);
		return (int) crc.getValue() == expected;
	}

	/**
	 * Printable ASCII as it is, anything else in hex: peer-controlled bytes never become
	 * raw text.
	 */
	private static String text(byte[] bytes) {
		for (byte b : bytes) {
			if (b < 0x20 || b > 0x7e) {
				return HexFormat.of().formatHex(bytes);
			}
		}
		return new String(bytes, StandardCharsets.US_ASCII);
	}

	private static String escape(String text) {
		return (text.length() > 48) ? text.substring(0, 48) + "..." : text;
	}

	private static InetAddress byAddress(byte[] bytes) {
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
