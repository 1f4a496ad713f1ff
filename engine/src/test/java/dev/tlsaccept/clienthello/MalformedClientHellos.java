package dev.tlsaccept.clienthello;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tlsaccept.peers.RawClient;

/**
 * Malformed ClientHellos for tests: a valid ClientHello with one length field made to
 * overrun the vector that encloses it (RFC 8446 section 3.4), one case per field and
 * value. The fields are found by walking the valid message, so every length field the
 * walker knows is covered wherever it sits: the handshake header, legacy_session_id,
 * cipher_suites, legacy_compression_methods, the extensions block, each extension's
 * length, and inside server_name, supported_groups, signature_algorithms(_cert),
 * supported_versions, key_share, ALPN and psk_key_exchange_modes.
 * <p>
 * Not inside ec_point_formats: OpenSSL 3.0 ignores that extension once it negotiates TLS
 * 1.3 (it answers a hello whose ec_point_formats overruns with a ServerHello), and
 * tlsaccept's parser does not read it either.
 */
public final class MalformedClientHellos {

	/**
	 * One malformed hello.
	 *
	 * @param name what was changed, e.g.
	 * {@code jdk: extension 0x0000 length 0xffff (2 bytes left)}
	 * @param field the length field, e.g. {@code server_name list}
	 * @param value the value written into the field
	 * @param record the hello in one handshake record, as a client sends it
	 */
	public record Case(String name, String field, int value, byte[] record) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A length field found in a valid message. */
	private record LengthField(String name, int offset, int width, int available) {

		int max() {
			return (1 << (8 * this.width)) - 1;
		}

	}

	private MalformedClientHellos() {
	}

	/**
	 * The malformed hellos built from three valid ClientHellos: one written field by
	 * field ({@link #valid()}) and the two a JDK client sends, offering TLS 1.3 and 1.2,
	 * and TLS 1.2 only.
	 * @return one case per length field and overrun value (about 200)
	 */
	public static List<Case> lengthOverruns() {
		List<Case> cases = new ArrayList<>();
		for (Map.Entry<String, byte[]> base : bases().entrySet()) {
			cases.addAll(lengthOverruns(base.getKey(), base.getValue()));
		}
		return cases;
	}

	/**
	 * The valid ClientHello messages the cases are made from, by name.
	 * @return handshake messages
	 */
	public static Map<String, byte[]> bases() {
		Map<String, byte[]> bases = new LinkedHashMap<>();
		bases.put("built", valid());
		bases.put("jdk", message(RawClient.clientHello()));
		bases.put("jdk-tls12", message(RawClient.clientHello("TLSv1.2")));
		return bases;
	}

	/**
	 * A valid TLS 1.3 / 1.2 ClientHello with every extension whose inside the walker
	 * knows, that each engine answers with a ServerHello for an EC P-256 server key.
	 * @return the handshake message
	 */
	public static byte[] valid() {
		byte[] x25519 = new byte[32];
		Arrays.fill(x25519, (byte) 0x42);
		byte[] keyShare = ClientHellos
			.vector16(ClientHellos.concat(ClientHellos.u16(0x001d), ClientHellos.vector16(x25519)));
		return ClientHellos.hello()
			.ciphers(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030)
			.serverName("localhost")
			.extension(0x000b, ClientHellos.vector8(new byte[] { 0 }))
			.supportedGroups(0x001d, 0x0017, 0x0018)
			.extension(0x0017, new byte[0])
			.signatureAlgorithms(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501)
			.alpn("h2", "http/1.1")
			.supportedVersions(0x0304, 0x0303)
			.extension(0x002d, ClientHellos.vector8(new byte[] { 1 }))
			.extension(0x0033, keyShare)
			.message();
	}

	/**
	 * The {@link #valid()} ClientHello made about {@code size} bytes long with a padding
	 * extension (RFC 7685) of zeros, in records of at most 2^14 bytes: well formed, only
	 * large (tlsfuzzer's {@code test-large-hello.py}).
	 * @param size the length of the handshake message to reach, at least 300
	 * @return the records
	 */
	public static byte[] validPaddedRecords(int size) {
		int padding = Math.max(0, size - valid().length - 4);
		byte[] x25519 = new byte[32];
		Arrays.fill(x25519, (byte) 0x42);
		byte[] keyShare = ClientHellos
			.vector16(ClientHellos.concat(ClientHellos.u16(0x001d), ClientHellos.vector16(x25519)));
		return ClientHellos.hello()
			.ciphers(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030)
			.serverName("localhost")
			.extension(0x000b, ClientHellos.vector8(new byte[] { 0 }))
			.supportedGroups(0x001d, 0x0017, 0x0018)
			.extension(0x0017, new byte[0])
			.signatureAlgorithms(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501)
			.supportedVersions(0x0304, 0x0303)
			.extension(0x002d, ClientHellos.vector8(new byte[] { 1 }))
			.extension(0x0033, keyShare)
			.extension(0x0015, new byte[padding])
			.records(16384, 16384, 16384, 16384);
	}

	/**
	 * A handshake message in one handshake record.
	 * @param message the message
	 * @return the record
	 */
	public static byte[] record(byte[] message) {
		return ClientHellos.wrap(message);
	}

	/**
	 * The handshake message inside one handshake record.
	 * @param record the record
	 * @return the message
	 */
	public static byte[] message(byte[] record) {
		return Arrays.copyOfRange(record, 5, record.length);
	}

	/**
	 * Every overrun of every length field of the message.
	 * @param base a name for the message
	 * @param message a valid ClientHello handshake message
	 * @return the cases
	 */
	static List<Case> lengthOverruns(String base, byte[] message) {
		List<Case> cases = new ArrayList<>();
		for (LengthField field : lengthFields(message)) {
			Set<Integer> values = new LinkedHashSet<>();
			values.add(field.available() + 1);
			values.add(field.available() + 2);
			values.add(field.max());
			for (int value : values) {
				if (value > field.max()) {
					continue;
				}
				byte[] mutated = message.clone();
				for (int i = 0; i < field.width(); i++) {
					mutated[field.offset() + i] = (byte) (value >>> (8 * (field.width() - 1 - i)));
				}
				cases.add(new Case(String.format("%s: %s at %d = %d (%d bytes left)", base, field.name(),
						field.offset(), value, field.available()), field.name(), value, ClientHellos.wrap(mutated)));
			}
		}
		cases.addAll(shortMessages(base, message));
		return cases;
	}

	/**
	 * The handshake header's length is the one field that cannot overrun (a longer
	 * message may continue in the next record): a message shorter than its own body makes
	 * the fields at its end overrun it; one longer than any ClientHello may be is refused
	 * at once.
	 */
	private static List<Case> shortMessages(String base, byte[] message) {
		List<Case> cases = new ArrayList<>();
		int body = message.length - ClientHelloParser.HANDSHAKE_HEADER_LENGTH;
		for (int value : new int[] { body - 1, body - 2, body / 2, 0xffffff }) {
			byte[] mutated = message.clone();
			mutated[1] = (byte) (value >>> 16);
			mutated[2] = (byte) (value >>> 8);
			mutated[3] = (byte) value;
			cases.add(new Case(String.format("%s: handshake message length = %d (body %d bytes)", base, value, body),
					"handshake message", value, ClientHellos.wrap(mutated)));
		}
		return cases;
	}

	/**
	 * The length fields of a valid ClientHello, each with the bytes left after it in its
	 * enclosing vector.
	 */
	private static List<LengthField> lengthFields(byte[] message) {
		Walker walker = new Walker(message);
		walker.walk();
		return walker.fields;
	}

	private static final class Walker {

		private final byte[] message;

		private final List<LengthField> fields = new ArrayList<>();

		Walker(byte[] message) {
			this.message = message;
		}

		void walk() {
			if (this.message[0] != ClientHelloParser.HANDSHAKE_CLIENT_HELLO) {
				throw new IllegalArgumentException("not a ClientHello");
			}
			int end = ClientHelloParser.HANDSHAKE_HEADER_LENGTH + u(1, 3);
			if (end != this.message.length) {
				throw new IllegalArgumentException("not one whole ClientHello message");
			}
			int at = ClientHelloParser.HANDSHAKE_HEADER_LENGTH + 2 + 32;
			at = vector("legacy_session_id", at, 1, end);
			at = vector("cipher_suites", at, 2, end);
			at = vector("legacy_compression_methods", at, 1, end);
			int extensionsEnd = length("extensions block", at, 2, end) + at + 2;
			at += 2;
			while (at < extensionsEnd) {
				int type = u(at, 2);
				int dataStart = at + 4;
				int dataEnd = dataStart + length("extension 0x" + TlsNames.hex4(type), at + 2, 2, extensionsEnd);
				extension(type, dataStart, dataEnd);
				at = dataEnd;
			}
		}

		private void extension(int type, int at, int end) {
			if (at == end) {
				return;
			}
			switch (type) {
				case 0x0000 -> {
					int listEnd = vector("server_name list", at, 2, end);
					int name = at + 2;
					while (name < listEnd) {
						name = vector("server_name host_name", name + 1, 2, listEnd);
					}
				}
				case 0x000a -> vector("supported_groups list", at, 2, end);
				case 0x000d -> vector("signature_algorithms list", at, 2, end);
				case 0x0032 -> vector("signature_algorithms_cert list", at, 2, end);
				case 0x0010 -> {
					int listEnd = vector("ALPN protocol_name_list", at, 2, end);
					int protocol = at + 2;
					while (protocol < listEnd) {
						protocol = vector("ALPN protocol_name", protocol, 1, listEnd);
					}
				}
				case 0x002b -> vector("supported_versions list", at, 1, end);
				case 0x002d -> vector("psk_key_exchange_modes list", at, 1, end);
				case 0x0033 -> {
					int listEnd = vector("key_share client_shares", at, 2, end);
					int entry = at + 2;
					while (entry < listEnd) {
						entry = vector("key_share key_exchange", entry + 2, 2, listEnd);
					}
				}
				default -> {
				}
			}
		}

		/**
		 * Record a vector's length field.
		 * @return where the vector ends
		 */
		private int vector(String name, int at, int width, int enclosingEnd) {
			return at + width + length(name, at, width, enclosingEnd);
		}

		private int length(String name, int at, int width, int enclosingEnd) {
			int length = u(at, width);
			int available = enclosingEnd - at - width;
			if (length > available) {
				throw new IllegalArgumentException(name + " at " + at + " overruns already");
			}
			this.fields.add(new LengthField(name, at, width, available));
			return length;
		}

		private int u(int at, int width) {
			int value = 0;
			for (int i = 0; i < width; i++) {
				value = (value << 8) | (this.message[at + i] & 0xff);
			}
			return value;
		}

	}

}
