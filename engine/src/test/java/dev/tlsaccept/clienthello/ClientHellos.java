package dev.tlsaccept.clienthello;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds ClientHello messages and TLS records byte by byte, for tests.
 */
final class ClientHellos {

	static final int GREASE_1 = 0x0a0a;

	static final int GREASE_2 = 0x5a5a;

	static final int GREASE_3 = 0xfafa;

	/** The cipher suites of FoxIO's JA4 example, in their original order. */
	static final int[] FOXIO_CIPHERS = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
			0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };

	/** The extensions of FoxIO's JA4 example, in their original order. */
	static final int[] FOXIO_EXTENSIONS = { 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
			0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015 };

	/** The signature algorithms of FoxIO's JA4 example, in their original order. */
	static final int[] FOXIO_SIGNATURE_ALGORITHMS = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601 };

	private int legacyVersion = 0x0303;

	private byte[] sessionId = new byte[32];

	private final List<Integer> ciphers = new ArrayList<>();

	private final List<byte[]> extensions = new ArrayList<>();

	private boolean withExtensionBlock = true;

	static ClientHellos hello() {
		return new ClientHellos();
	}

	/**
	 * The ClientHello of FoxIO's JA4 example, as a Chrome-like client sends it: GREASE
	 * cipher, GREASE extensions at both ends, SNI {@code example.com}, ALPN
	 * {@code h2, http/1.1}.
	 */
	static ClientHellos foxioExample() {
		ClientHellos hello = hello().ciphers(GREASE_1).ciphers(FOXIO_CIPHERS).extension(GREASE_2, new byte[0]);
		for (int type : FOXIO_EXTENSIONS) {
			switch (type) {
				case 0x0000 -> hello.serverName("example.com");
				case 0x0010 -> hello.alpn("h2", "http/1.1");
				case 0x000d -> hello.signatureAlgorithms(FOXIO_SIGNATURE_ALGORITHMS);
				case 0x002b -> hello.supportedVersions(GREASE_3, 0x0304, 0x0303);
				case 0x000a -> hello.supportedGroups(GREASE_3, 0x001d, 0x0017, 0x0018);
				case 0x0033 -> hello.extension(0x0033, keyShare());
				case 0x0015 -> hello.extension(0x0015, new byte[17]);
				default -> hello.extension(type, (type == 0x002d) ? new byte[] { 1, 1 } : new byte[0]);
			}
		}
		return hello.extension(GREASE_1, new byte[] { 0 });
	}

	private static byte[] keyShare() {
		byte[] key = new byte[32];
		Arrays.fill(key, (byte) 0x42);
		return vector16(concat(u16(0x001d), vector16(key)));
	}

	ClientHellos legacyVersion(int version) {
		this.legacyVersion = version;
		return this;
	}

	ClientHellos sessionId(byte[] sessionId) {
		this.sessionId = sessionId;
		return this;
	}

	ClientHellos ciphers(int... codes) {
		for (int code : codes) {
			this.ciphers.add(code);
		}
		return this;
	}

	ClientHellos withoutExtensions() {
		this.withExtensionBlock = false;
		return this;
	}

	ClientHellos extension(int type, byte[] data) {
		this.extensions.add(concat(u16(type), vector16(data)));
		return this;
	}

	ClientHellos serverName(String name) {
		byte[] entry = concat(new byte[] { 0 }, vector16(name.getBytes(StandardCharsets.US_ASCII)));
		return extension(0x0000, vector16(entry));
	}

	ClientHellos alpn(String... protocols) {
		byte[][] encoded = new byte[protocols.length][];
		for (int i = 0; i < protocols.length; i++) {
			encoded[i] = protocols[i].getBytes(StandardCharsets.ISO_8859_1);
		}
		return alpnBytes(encoded);
	}

	ClientHellos alpnBytes(byte[]... protocols) {
		byte[] list = new byte[0];
		for (byte[] protocol : protocols) {
			list = concat(list, vector8(protocol));
		}
		return extension(0x0010, vector16(list));
	}

	ClientHellos supportedVersions(int... versions) {
		return extension(0x002b, vector8(u16s(versions)));
	}

	ClientHellos supportedGroups(int... groups) {
		return extension(0x000a, vector16(u16s(groups)));
	}

	ClientHellos signatureAlgorithms(int... schemes) {
		return extension(0x000d, vector16(u16s(schemes)));
	}

	/**
	 * The handshake message: 4-byte handshake header and ClientHello body.
	 */
	byte[] message() {
		byte[] random = new byte[32];
		Arrays.fill(random, (byte) 0x11);
		byte[] body = concat(u16(this.legacyVersion), random, vector8(this.sessionId),
				vector16(u16s(this.ciphers.stream().mapToInt(Integer::intValue).toArray())), vector8(new byte[] { 0 }));
		if (this.withExtensionBlock) {
			body = concat(body, vector16(concat(this.extensions.toArray(new byte[0][]))));
		}
		return concat(new byte[] { 1 }, u24(body.length), body);
	}

	/**
	 * The handshake message in one handshake record.
	 */
	byte[] record() {
		return records(message().length);
	}

	/**
	 * The handshake message in handshake records of the given fragment sizes, and a last
	 * record with the rest.
	 */
	byte[] records(int... fragmentSizes) {
		return wrap(message(), fragmentSizes);
	}

	static byte[] wrap(byte[] message, int... fragmentSizes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int offset = 0;
		for (int size : fragmentSizes) {
			int n = Math.min(size, message.length - offset);
			out.writeBytes(record(22, Arrays.copyOfRange(message, offset, offset + n)));
			offset += n;
		}
		if (offset < message.length) {
			out.writeBytes(record(22, Arrays.copyOfRange(message, offset, message.length)));
		}
		return out.toByteArray();
	}

	static byte[] record(int contentType, byte[] fragment) {
		return concat(new byte[] { (byte) contentType, 3, 1 }, vector16(fragment));
	}

	static byte[] u16(int value) {
		return new byte[] { (byte) (value >>> 8), (byte) value };
	}

	static byte[] u24(int value) {
		return new byte[] { (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
	}

	static byte[] u16s(int... values) {
		byte[] bytes = new byte[values.length * 2];
		for (int i = 0; i < values.length; i++) {
			bytes[2 * i] = (byte) (values[i] >>> 8);
			bytes[2 * i + 1] = (byte) values[i];
		}
		return bytes;
	}

	static byte[] vector8(byte[] data) {
		return concat(new byte[] { (byte) data.length }, data);
	}

	static byte[] vector16(byte[] data) {
		return concat(u16(data.length), data);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
