package dev.tlsaccept.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;

import dev.tlsaccept.server.ProxyHeaderDecoder.Decoded;
import dev.tlsaccept.server.ProxyHeaderDecoder.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProxyHeaderDecoder}: every form of v1 and v2 that HAProxy's spec defines, TLVs,
 * and every class of malformed header.
 */
class ProxyHeaderDecoderTests {

	@Test
	void v1Tcp4GivesTheClientAndDestinationAddresses() throws Exception {
		Decoded decoded = decode(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n"));
		assertThat(decoded.status()).isEqualTo(Status.HEADER);
		assertThat(decoded.length()).isEqualTo(45);
		assertThat(decoded.header()).isEqualTo(
				new ProxyHeader(1, false, address("192.0.2.7", 56324), address("198.51.100.1", 443), null, null, null));
	}

	@Test
	void v1Tcp6GivesTheClientAddress() throws Exception {
		Decoded decoded = decode(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 56324 443\r\n"));
		assertThat(decoded.status()).isEqualTo(Status.HEADER);
		assertThat(decoded.header().source()).isEqualTo(address("2001:db8::7", 56324));
	}

	@Test
	void v1UnknownHasNoAddressesAndIgnoresWhatFollowsIt() {
		assertThat(decode(ascii("PROXY UNKNOWN\r\n")).header())
			.isEqualTo(new ProxyHeader(1, false, null, null, null, null, null));
		Decoded decoded = decode(ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"));
		assertThat(decoded.status()).isEqualTo(Status.HEADER);
		assertThat(decoded.header().source()).isNull();
	}

	@Test
	void bytesAfterTheHeaderAreNotPartOfIt() {
		byte[] header = ascii("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\r\n");
		byte[] withTls = Arrays.copyOf(header, header.length + 3);
		withTls[header.length] = 0x16;
		Decoded decoded = decode(withTls);
		assertThat(decoded.length()).isEqualTo(header.length);
	}

	@Test
	void aPrefixOfEitherSignatureNeedsMoreBytes() {
		assertThat(decode(new byte[0]).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decode(ascii("PRO")).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decode(ascii("PROXY TCP4 192.0.2.7")).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decode(Arrays.copyOf(ProxyHeaderDecoder.V2_SIGNATURE, 5)).status()).isEqualTo(Status.NEED_MORE);
		byte[] v2 = v2(0x21, 0x11, ipv4Addresses(), new byte[0]);
		for (int length = 0; length < v2.length; length++) {
			assertThat(decode(Arrays.copyOf(v2, length)).status()).as("%d bytes", length).isEqualTo(Status.NEED_MORE);
		}
	}

	@Test
	void tlsAndOtherBytesAreNotAHeader() {
		assertThat(decode(new byte[] { 0x16, 0x03, 0x01 }).status()).isEqualTo(Status.NOT_PROXY);
		assertThat(decode(ascii("GET / HTTP/1.1\r\n")).status()).isEqualTo(Status.NOT_PROXY);
		assertThat(decode(ascii("PROXY\r\n")).status()).isEqualTo(Status.NOT_PROXY);
		byte[] wrongSignature = v2(0x21, 0x11, ipv4Addresses(), new byte[0]);
		wrongSignature[7] = 'X';
		assertThat(decode(wrongSignature).status()).isEqualTo(Status.NOT_PROXY);
	}

	@Test
	void malformedV1HeadersSayWhy() {
		assertMalformed(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\n"), "without CR LF");
		assertMalformed(ascii("PROXY TCP5 192.0.2.7 198.51.100.1 1 2\r\n"), "unknown protocol 'TCP5'");
		assertMalformed(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 1\r\n"), "expected 'PROXY TCP4");
		assertMalformed(ascii("PROXY TCP4 192.0.2.256 198.51.100.1 1 2\r\n"), "bad TCP4 address '192.0.2.256'");
		assertMalformed(ascii("PROXY TCP4 example.com 198.51.100.1 1 2\r\n"), "bad TCP4 address 'example.com'");
		assertMalformed(ascii("PROXY TCP6 192.0.2.7 ::1 1 2\r\n"), "bad TCP6 address '192.0.2.7'");
		assertMalformed(ascii("PROXY TCP6 localhost ::1 1 2\r\n"), "bad TCP6 address 'localhost'");
		assertMalformed(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 65536 2\r\n"), "bad port '65536'");
		assertMalformed(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 -1 2\r\n"), "bad port '-1'");
		assertMalformed(ascii("PROXY TCP4 192.0.2.7\t198.51.100.1 1 2\r\n"), "not printable");
	}

	@Test
	void v1LongerThan107BytesIsOversizedEvenBeforeItsEnd() {
		byte[] longLine = ascii("PROXY UNKNOWN " + "x".repeat(ProxyHeaderDecoder.V1_MAX_LENGTH));
		assertMalformed(Arrays.copyOf(longLine, ProxyHeaderDecoder.V1_MAX_LENGTH), "longer than 107 bytes");
		byte[] longest = ascii("PROXY UNKNOWN " + "x".repeat(ProxyHeaderDecoder.V1_MAX_LENGTH - 16) + "\r\n");
		assertThat(longest).hasSize(ProxyHeaderDecoder.V1_MAX_LENGTH);
		assertThat(decode(longest).status()).isEqualTo(Status.HEADER);
	}

	@Test
	void v2ProxyTcp4GivesTheClientAddress() throws Exception {
		Decoded decoded = decode(v2(0x21, 0x11, ipv4Addresses(), new byte[0]));
		assertThat(decoded.status()).isEqualTo(Status.HEADER);
		assertThat(decoded.length()).isEqualTo(16 + 12);
		assertThat(decoded.header()).isEqualTo(
				new ProxyHeader(2, false, address("192.0.2.7", 56324), address("198.51.100.1", 443), null, null, null));
	}

	@Test
	void v2ProxyTcp6GivesTheClientAddress() throws Exception {
		ByteBuffer addresses = ByteBuffer.allocate(36);
		addresses.put(InetAddress.getByName("2001:db8::7").getAddress());
		addresses.put(InetAddress.getByName("2001:db8::1").getAddress());
		addresses.putShort((short) 40000).putShort((short) 8443);
		Decoded decoded = decode(v2(0x21, 0x21, addresses.array(), new byte[0]));
		assertThat(decoded.header().source()).isEqualTo(address("2001:db8::7", 40000));
		assertThat(decoded.header().destination()).isEqualTo(address("2001:db8::1", 8443));
	}

	@Test
	void v2LocalIsTheProxysOwnConnectionWithoutAddresses() {
		Decoded decoded = decode(v2(0x20, 0x00, new byte[0], new byte[0]));
		assertThat(decoded.status()).isEqualTo(Status.HEADER);
		assertThat(decoded.header()).isEqualTo(new ProxyHeader(2, true, null, null, null, null, null));
		// HAProxy's health checks may name addresses: LOCAL ignores them
		assertThat(decode(v2(0x20, 0x11, ipv4Addresses(), new byte[0])).header().source()).isNull();
	}

	@Test
	void v2UnspecAndUnixFamiliesHaveNoClientAddress() {
		assertThat(decode(v2(0x21, 0x00, new byte[0], new byte[0])).header().source()).isNull();
		assertThat(decode(v2(0x21, 0x31, new byte[216], new byte[0])).header().source()).isNull();
	}

	@Test
	void v2TlvsGiveAuthorityAlpnAndUniqueId() {
		byte[] tlvs = concat(tlv(0x02, ascii("device.example.com")), tlv(0x01, ascii("h2")), tlv(0x04, new byte[3]),
				tlv(0x05, ascii("id-42")), tlv(0xE0, new byte[] { 1, 2 }));
		ProxyHeader header = decode(v2(0x21, 0x11, ipv4Addresses(), tlvs)).header();
		assertThat(header.authority()).isEqualTo("device.example.com");
		assertThat(header.alpn()).isEqualTo("h2");
		assertThat(header.uniqueId()).isEqualTo("id-42");
		ProxyHeader binaryId = decode(v2(0x21, 0x11, ipv4Addresses(), tlv(0x05, new byte[] { 0, (byte) 0xff })))
			.header();
		assertThat(binaryId.uniqueId()).isEqualTo("00ff");
	}

	@Test
	void v2SslTlvGivesTheClientsTlsToTheProxy() {
		ProxyHeader header = decode(v2(0x21, 0x11, ipv4Addresses(), tlv(0x20, sslValue(0x07, 0)))).header();
		assertThat(header.ssl()).isEqualTo(new ProxyHeader.Ssl(true, true, true, 0, "TLSv1.3", "device-7",
				"TLS_AES_128_GCM_SHA256", "SHA256", "RSA2048"));
		ProxyHeader unverified = decode(v2(0x21, 0x11, ipv4Addresses(),
				tlv(0x20, concat(new byte[] { 0x01, 0, 0, 0, 20 }, tlv(0x21, ascii("TLSv1.2"))))))
			.header();
		assertThat(unverified.ssl())
			.isEqualTo(new ProxyHeader.Ssl(true, false, false, 20, "TLSv1.2", null, null, null, null));
		ProxyHeader binaryName = decode(v2(0x21, 0x11, ipv4Addresses(),
				tlv(0x20, concat(new byte[] { 0x03, 0, 0, 0, 0 }, tlv(0x22, new byte[] { 'a', '\n', 'b' })))))
			.header();
		assertThat(binaryName.ssl().commonName()).as("peer-controlled bytes never raw text").isEqualTo("610a62");
		assertThat(decode(v2(0x21, 0x11, ipv4Addresses(), new byte[0])).header().ssl()).isNull();
	}

	@Test
	void malformedV2SslTlvsSayWhy() {
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), tlv(0x20, new byte[4])), "malformed SSL TLV");
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), tlv(0x20, concat(new byte[5], new byte[] { 0x21, 0 }))),
				"malformed SSL TLV");
		byte[] overrun = sslValue(0x01, 0);
		// the version sub-TLV claims one byte more than the SSL TLV holds
		ByteBuffer.wrap(overrun).putShort(6, (short) (overrun.length - 8 + 1));
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), tlv(0x20, overrun)), "malformed SSL TLV");
	}

	@Test
	void corruptV2HeadersWithSslTlvsAreDecodedOrRefusedNeverThrow() {
		byte[] valid = v2(0x21, 0x11, ipv4Addresses(), concat(tlv(0x02, ascii("device.example.com")),
				tlv(0x20, sslValue(0x07, 0)), tlv(0x05, ascii("id-42"))));
		Random random = new Random(15);
		int[] statuses = new int[Status.values().length];
		for (int i = 0; i < 5_000; i++) {
			byte[] corrupt = valid.clone();
			int flips = 1 + random.nextInt(4);
			for (int f = 0; f < flips; f++) {
				// past the signature, where the lengths and the TLVs are
				corrupt[12 + random.nextInt(corrupt.length - 12)] = (byte) random.nextInt(256);
			}
			if (random.nextInt(4) == 0) {
				corrupt = Arrays.copyOf(corrupt, 16 + random.nextInt(corrupt.length - 15));
			}
			Decoded decoded = decode(corrupt);
			statuses[decoded.status().ordinal()]++;
			if (decoded.status() == Status.HEADER) {
				assertThat(decoded.length()).isBetween(16, corrupt.length);
				ProxyHeader.Ssl ssl = decoded.header().ssl();
				if (ssl != null) {
					assertThat(ssl.commonName()).satisfiesAnyOf((cn) -> assertThat(cn).isNull(),
							(cn) -> assertThat(cn).matches("[\\x20-\\x7e]{0,8192}"));
				}
			}
			else if (decoded.status() == Status.MALFORMED) {
				assertThat(decoded.reason()).startsWith("PROXY v2 header: ");
			}
		}
		assertThat(statuses[Status.HEADER.ordinal()]).as("some corruptions still decode").isPositive();
		assertThat(statuses[Status.MALFORMED.ordinal()]).as("some are refused").isPositive();
		assertThat(statuses[Status.NEED_MORE.ordinal()]).as("some are cut short").isPositive();
	}

	@Test
	void v2Crc32cIsChecked() {
		byte[] header = v2(0x21, 0x11, ipv4Addresses(), tlv(0x03, new byte[4]));
		CRC32C crc = new CRC32C();
		crc.update(header);
		ByteBuffer.wrap(header).putInt(header.length - 4, (int) crc.getValue());
		assertThat(decode(header).status()).isEqualTo(Status.HEADER);
		header[header.length - 1] ^= 1;
		assertMalformed(header, "CRC32C mismatch");
	}

	@Test
	void malformedV2HeadersSayWhy() {
		assertMalformed(v2(0x11, 0x11, ipv4Addresses(), new byte[0]), "unknown version 1");
		assertMalformed(v2(0x22, 0x11, ipv4Addresses(), new byte[0]), "unknown command 2");
		assertMalformed(v2(0x21, 0x41, ipv4Addresses(), new byte[0]), "unknown address family 0x41");
		assertMalformed(v2(0x21, 0x12, ipv4Addresses(), new byte[0]), "datagram");
		assertMalformed(v2(0x21, 0x11, new byte[8], new byte[0]), "too short for its addresses (12)");
		assertMalformed(v2(0x21, 0x21, new byte[12], new byte[0]), "too short for its addresses (36)");
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), new byte[] { 0x02, 0x00 }), "truncated TLV");
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), new byte[] { 0x02, 0x00, 0x09, 'a' }),
				"TLV 0x2 longer than the header");
		assertMalformed(v2(0x21, 0x11, ipv4Addresses(), tlv(0x05, new byte[129])), "unique id longer than 128");
	}

	@Test
	void v2LongerThanTheCapIsOversizedFromItsFixedPart() {
		byte[] fixed = v2(0x21, 0x11, new byte[0], new byte[0]);
		ByteBuffer.wrap(fixed).putShort(14, (short) (ProxyHeaderDecoder.V2_MAX_LENGTH - 15));
		assertMalformed(fixed, "more than the 4112 accepted");
		byte[] largest = v2(0x21, 0x11, ipv4Addresses(),
				tlv(0x04, new byte[ProxyHeaderDecoder.V2_MAX_LENGTH - 16 - 12 - 3]));
		assertThat(largest).hasSize(ProxyHeaderDecoder.V2_MAX_LENGTH);
		assertThat(decode(largest).status()).isEqualTo(Status.HEADER);
	}

	private static void assertMalformed(byte[] bytes, String reason) {
		Decoded decoded = decode(bytes);
		assertThat(decoded.status()).as(reason).isEqualTo(Status.MALFORMED);
		assertThat(decoded.reason()).contains(reason);
	}

	private static Decoded decode(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		Decoded decoded = ProxyHeaderDecoder.decode(buffer);
		assertThat(buffer.position()).as("not consumed").isZero();
		return decoded;
	}

	static byte[] v2(int versionCommand, int family, byte[] addresses, byte[] tlvs) {
		ByteBuffer header = ByteBuffer.allocate(16 + addresses.length + tlvs.length);
		header.put(ProxyHeaderDecoder.V2_SIGNATURE).put((byte) versionCommand).put((byte) family);
		header.putShort((short) (addresses.length + tlvs.length)).put(addresses).put(tlvs);
		return header.array();
	}

	static byte[] tlv(int type, byte[] value) {
		return ByteBuffer.allocate(3 + value.length).put((byte) type).putShort((short) value.length).put(value).array();
	}

	/**
	 * A {@code PP2_TYPE_SSL} value as HAProxy's {@code send-proxy-v2-ssl-cn} writes it,
	 * with an unknown sub-TLV (0x26, a group) last.
	 */
	static byte[] sslValue(int client, int verify) {
		return concat(ByteBuffer.allocate(5).put((byte) client).putInt(verify).array(), tlv(0x21, ascii("TLSv1.3")),
				tlv(0x22, ascii("device-7")), tlv(0x23, ascii("TLS_AES_128_GCM_SHA256")), tlv(0x24, ascii("SHA256")),
				tlv(0x25, ascii("RSA2048")), tlv(0x26, ascii("x25519")));
	}

	private static byte[] ipv4Addresses() {
		return ByteBuffer.allocate(12)
			.put(new byte[] { (byte) 192, 0, 2, 7 })
			.put(new byte[] { (byte) 198, 51, 100, 1 })
			.putShort((short) 56324)
			.putShort((short) 443)
			.array();
	}

	private static byte[] concat(byte[]... parts) {
		ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
		for (byte[] part : parts) {
			all.put(part);
		}
		return all.array();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static InetSocketAddress address(String literal, int port) throws Exception {
		return new InetSocketAddress(InetAddress.getByName(literal), port);
	}

}
