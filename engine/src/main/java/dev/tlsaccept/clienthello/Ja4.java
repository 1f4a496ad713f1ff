package dev.tlsaccept.clienthello;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The JA4 TLS client fingerprint, as specified by FoxIO (BSD 3-Clause licence, technical
 * details in {@code FoxIO-LLC/ja4}, {@code technical_details/JA4.md}): {@code a_b_c},
 * e.g. {@code t13d1516h2_8daaf6152771_e5627efa2ab1}.
 * <ul>
 * <li>{@code a}: {@code t} (TLS over TCP); the version, the highest non-GREASE value of
 * the supported_versions extension if it offers one, else legacy_version ({@code 13},
 * {@code 12}, {@code 11}, {@code 10}, {@code s3}, {@code s2},
 * {@code d1}/{@code d2}/{@code d3} for DTLS, {@code 00} unknown); {@code d} if the
 * server_name extension is present, else {@code i}; the number of cipher suites and of
 * extensions (SNI and ALPN included), GREASE excluded, two digits, at most 99; the first
 * and last character of the first ALPN protocol, or {@code 00}.</li>
 * <li>{@code b}: the first 12 hex digits of the SHA-256 of the cipher suites as lowercase
 * 4-digit hex, sorted, comma-joined.</li>
 * <li>{@code c}: the same of the extensions, sorted, without SNI ({@code 0000}) and ALPN
 * ({@code 0010}), then {@code _} and the signature algorithms in their original order (no
 * {@code _} when there are none).</li>
 * </ul>
 * GREASE values (RFC 8701) are ignored everywhere; {@code b} and {@code c} are
 * {@code 000000000000} when their sorted list is empty.
 * <p>
 * ALPN, per the spec: when the first or the last byte of the first protocol is not ASCII
 * alphanumeric ({@code 0-9A-Za-z}), the two characters are the first and the last digit
 * of the lowercase hex of the whole protocol ({@code 0x30 0xAB} gives {@code 3b}); a
 * one-byte protocol uses that byte twice ({@code hh}); an empty first protocol gives
 * {@code 00}.
 */
final class Ja4 {

	static final String EMPTY_HASH = "000000000000";

	private static final int EXTENSION_SERVER_NAME = 0x0000;

	private static final int EXTENSION_ALPN = 0x0010;

	private Ja4() {
	}

	/**
	 * The JA4 fingerprint.
	 * @param version the version that part {@code a} shows, see
	 * {@link #version(int, List)}
	 * @param ciphers the cipher suites in the order offered (GREASE is ignored)
	 * @param extensions the extension types in the order offered (GREASE is ignored)
	 * @param firstAlpn the first ALPN protocol, or {@code null} if none
	 * @param signatureAlgorithms the signature_algorithms extension's schemes, in order
	 * @return the fingerprint
	 */
	static String fingerprint(int version, List<Integer> ciphers, List<Integer> extensions, byte @Nullable [] firstAlpn,
			List<Integer> signatureAlgorithms) {
		return partA(version, ciphers, extensions, firstAlpn) + "_" + hash12(sortedCiphers(ciphers)) + "_"
				+ hash12(extensionsAndSignatureAlgorithms(extensions, signatureAlgorithms));
	}

	/**
	 * The raw fingerprint ({@code JA4_r}): part {@code a} and the two lists that
	 * {@code b} and {@code c} hash, unhashed.
	 */
	static String raw(int version, List<Integer> ciphers, List<Integer> extensions, byte @Nullable [] firstAlpn,
			List<Integer> signatureAlgorithms) {
		return partA(version, ciphers, extensions, firstAlpn) + "_" + sortedCiphers(ciphers) + "_"
				+ extensionsAndSignatureAlgorithms(extensions, signatureAlgorithms);
	}

	/**
	 * The version that JA4 shows: the highest non-GREASE supported_versions value, else
	 * the legacy_version.
	 * @param legacyVersion the ClientHello's legacy_version
	 * @param supportedVersions the supported_versions extension's values, or {@code null}
	 * if the extension is absent
	 * @return the version code
	 */
	static int version(int legacyVersion, @Nullable List<Integer> supportedVersions) {
		int highest = -1;
		if (supportedVersions != null) {
			for (int version : supportedVersions) {
				if (!TlsNames.isGrease(version)) {
					highest = Math.max(highest, version);
				}
			}
		}
		return (highest >= 0) ? highest : legacyVersion;
	}

	static String partA(int version, List<Integer> ciphers, List<Integer> extensions, byte @Nullable [] firstAlpn) {
		boolean sni = extensions.contains(EXTENSION_SERVER_NAME);
		return "t" + versionCode(version) + (sni ? "d" : "i") + count(ciphers) + count(extensions) + alpn(firstAlpn);
	}

	static String versionCode(int version) {
		return switch (version) {
			case 0x0304 -> "13";
			case 0x0303 -> "12";
			case 0x0302 -> "11";
			case 0x0301 -> "10";
			case 0x0300 -> "s3";
			case 0x0002 -> "s2";
			case 0xfeff -> "d1";
			case 0xfefd -> "d2";
			case 0xfefc -> "d3";
			default -> "00";
		};
	}

	static String alpn(byte @Nullable [] protocol) {
		if (protocol == null || protocol.length == 0) {
			return "00";
		}
		int first = protocol[0] & 0xff;
		int last = protocol[protocol.length - 1] & 0xff;
		if (isAlphanumeric(first) && isAlphanumeric(last)) {
			return "" + (char) first + (char) last;
		}
		String hex = HexFormat.of().formatHex(protocol);
		return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
	}

	static String hash12(String list) {
		if (list.isEmpty()) {
			return EMPTY_HASH;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(list.getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	private static String sortedCiphers(List<Integer> ciphers) {
		return ciphers.stream()
			.filter((cipher) -> !TlsNames.isGrease(cipher))
			.sorted()
			.map(TlsNames::hex4)
			.collect(Collectors.joining(","));
	}

	private static String extensionsAndSignatureAlgorithms(List<Integer> extensions,
			List<Integer> signatureAlgorithms) {
		String sorted = extensions.stream()
			.filter((type) -> !TlsNames.isGrease(type) && type != EXTENSION_SERVER_NAME && type != EXTENSION_ALPN)
			.sorted()
			.map(TlsNames::hex4)
			.collect(Collectors.joining(","));
		if (sorted.isEmpty()) {
			return "";
		}
		String schemes = signatureAlgorithms.stream()
			.filter((scheme) -> !TlsNames.isGrease(scheme))
			.map(TlsNames::hex4)
			.collect(Collectors.joining(","));
		return schemes.isEmpty() ? sorted : sorted + "_" + schemes;
	}

	private static String count(List<Integer> codes) {
		int count = 0;
		for (int code : codes) {
			if (!TlsNames.isGrease(code)) {
				count++;
			}
		}
		count = Math.min(count, 99);
		return (count < 10) ? "0" + count : Integer.toString(count);
	}

	private static boolean isAlphanumeric(int b) {
		return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
	}

}
