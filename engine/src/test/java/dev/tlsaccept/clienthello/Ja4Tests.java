package dev.tlsaccept.clienthello;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JA4 against the worked example and the rules of FoxIO's specification
 * ({@code FoxIO-LLC/ja4}, {@code technical_details/JA4.md}).
 */
class Ja4Tests {

	static final String FOXIO_SORTED_CIPHERS = "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9";

	static final String FOXIO_SORTED_EXTENSIONS = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01";

	static final String FOXIO_SIGNATURE_ALGORITHMS = "0403,0804,0401,0503,0805,0501,0806,0601";

	@Test
	void hash12OfTheSpecsSortedCipherListIsItsPartB() {
		assertThat(Ja4.hash12(FOXIO_SORTED_CIPHERS)).isEqualTo("8daaf6152771");
	}

	@Test
	void hash12OfTheSpecsExtensionsAndSignatureAlgorithmsIsItsPartC() {
		assertThat(Ja4.hash12(FOXIO_SORTED_EXTENSIONS + "_" + FOXIO_SIGNATURE_ALGORITHMS)).isEqualTo("e5627efa2ab1");
	}

	@Test
	void hash12OfTheSpecsExtensionsWithoutSignatureAlgorithmsHasNoUnderscore() {
		assertThat(Ja4.hash12(FOXIO_SORTED_EXTENSIONS)).isEqualTo("6d807ffa2a79");
	}

	@Test
	void hash12OfNothingIsTwelveZeros() {
		assertThat(Ja4.hash12("")).isEqualTo("000000000000");
	}

	@Test
	void fingerprintOfTheSpecsExampleClientHello() {
		ClientHelloSummary summary = ClientHelloSummary.parse(ClientHellos.foxioExample().message());
		assertThat(summary.parseError()).isNull();
		assertThat(summary.ja4()).isEqualTo("t13d1516h2_8daaf6152771_e5627efa2ab1");
	}

	@Test
	void rawFingerprintOfTheSpecsExampleMatchesItsJa4r() {
		assertThat(Ja4.raw(0x0304, codes(ClientHellos.FOXIO_CIPHERS), codes(ClientHellos.FOXIO_EXTENSIONS),
				"h2".getBytes(), codes(ClientHellos.FOXIO_SIGNATURE_ALGORITHMS)))
			.isEqualTo("t13d1516h2_" + FOXIO_SORTED_CIPHERS + "_" + FOXIO_SORTED_EXTENSIONS + "_"
					+ FOXIO_SIGNATURE_ALGORITHMS);
	}

	@Test
	void fingerprintIgnoresGreaseEverywhere() {
		List<Integer> ciphers = List.of(0x0a0a, 0x1301, 0x1a1a);
		List<Integer> extensions = List.of(0x2a2a, 0x000d, 0x002b, 0xfafa);
		String withGrease = Ja4.fingerprint(0x0304, ciphers, extensions, null, List.of(0x3a3a, 0x0403));
		String withoutGrease = Ja4.fingerprint(0x0304, List.of(0x1301), List.of(0x000d, 0x002b), null, List.of(0x0403));
		assertThat(withGrease).isEqualTo(withoutGrease).startsWith("t13i010200_");
	}

	@Test
	void fingerprintCountsSniAndAlpnButLeavesThemOutOfPartC() {
		String with = Ja4.fingerprint(0x0303, List.of(0x1301), List.of(0x0000, 0x0010, 0x000b), "h2".getBytes(),
				List.of());
		String without = Ja4.fingerprint(0x0303, List.of(0x1301), List.of(0x000b), null, List.of());
		assertThat(with).startsWith("t12d0103h2_");
		assertThat(without).startsWith("t12i010100_");
		assertThat(with.substring(11)).isEqualTo(without.substring(11)).endsWith("_" + Ja4.hash12("000b"));
	}

	@Test
	void fingerprintOfAHelloWithoutExtensionsHasZeroPartC() {
		assertThat(Ja4.fingerprint(0x0301, List.of(0x002f), List.of(), null, List.of()))
			.isEqualTo("t10i010000_" + Ja4.hash12("002f") + "_000000000000");
	}

	@Test
	void fingerprintWithOnlySniAndAlpnHasZeroPartC() {
		assertThat(Ja4.fingerprint(0x0303, List.of(), List.of(0x0000, 0x0010), "h2".getBytes(), List.of()))
			.isEqualTo("t12d0002h2_000000000000_000000000000");
	}

	@Test
	void countsAreCappedAt99() {
		List<Integer> many = IntStream.range(0x0100, 0x0100 + 120).boxed().toList();
		assertThat(Ja4.partA(0x0304, many, many, null)).isEqualTo("t13i999900");
	}

	@Test
	void versionIsTheHighestNonGreaseSupportedVersion() {
		assertThat(Ja4.version(0x0303, List.of(0x7a7a, 0x0303, 0x0304, 0x0302))).isEqualTo(0x0304);
	}

	@Test
	void versionFallsBackToLegacyVersionWithoutSupportedVersions() {
		assertThat(Ja4.version(0x0301, null)).isEqualTo(0x0301);
		assertThat(Ja4.version(0x0302, List.of(0x2a2a))).isEqualTo(0x0302);
	}

	@Test
	void versionCodesFollowTheSpec() {
		assertThat(List.of(0x0304, 0x0303, 0x0302, 0x0301, 0x0300, 0x0002, 0xfeff, 0xfefd, 0xfefc, 0x7f1c, 0x0000)
			.stream()
			.map(Ja4::versionCode)).containsExactly("13", "12", "11", "10", "s3", "s2", "d1", "d2", "d3", "00", "00");
	}

	@Test
	void alpnUsesFirstAndLastCharacterOfTheFirstProtocol() {
		assertThat(Ja4.alpn("h2".getBytes())).isEqualTo("h2");
		assertThat(Ja4.alpn("http/1.1".getBytes())).isEqualTo("h1");
		assertThat(Ja4.alpn("h".getBytes())).isEqualTo("hh");
	}

	@Test
	void alpnIsZerosWhenAbsentOrEmpty() {
		assertThat(Ja4.alpn(null)).isEqualTo("00");
		assertThat(Ja4.alpn(new byte[0])).isEqualTo("00");
	}

	@Test
	void alpnUsesHexWhenFirstOrLastByteIsNotAlphanumeric() {
		assertThat(Ja4.alpn(bytes(0xab))).isEqualTo("ab");
		assertThat(Ja4.alpn(bytes(0xab, 0xcd))).isEqualTo("ad");
		assertThat(Ja4.alpn(bytes(0x30, 0xab))).isEqualTo("3b");
		assertThat(Ja4.alpn(bytes(0x30, 0x31, 0xab, 0xcd))).isEqualTo("3d");
		assertThat(Ja4.alpn(bytes(0x30, 0xab, 0xcd, 0x31))).isEqualTo("01");
		assertThat(Ja4.alpn("h2/".getBytes())).isEqualTo("6f");
	}

	@Test
	void greaseValuesAreTheSixteenRfc8701Values() {
		long count = IntStream.range(0, 0x10000).filter(TlsNames::isGrease).count();
		assertThat(count).isEqualTo(16);
		assertThat(TlsNames.isGrease(0x0a0a)).isTrue();
		assertThat(TlsNames.isGrease(0xfafa)).isTrue();
		assertThat(TlsNames.isGrease(0x0a1a)).isFalse();
		assertThat(TlsNames.isGrease(0x0b0b)).isFalse();
	}

	private static List<Integer> codes(int[] codes) {
		return Arrays.stream(codes).boxed().toList();
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
