package dev.tlsaccept.clienthello;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Names of the TLS code points that a ClientHello carries: protocol versions (as JSSE and
 * OpenSSL spell them), IANA cipher suite names, IANA supported group names and IANA
 * signature scheme names. A code without a name here is written as {@code 0x} and four
 * lowercase hex digits.
 */
final class TlsNames {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	static final int SSL2 = 0x0002;

	static final int SSL3 = 0x0300;

	static final int TLS10 = 0x0301;

	static final int TLS11 = 0x0302;

	static final int TLS12 = 0x0303;

	static final int TLS13 = 0x0304;

	private static final Map<Integer, String> VERSIONS = Map.of(SSL2, "SSLv2", SSL3, "SSLv3", TLS10, "TLSv1", TLS11,
			"TLSv1.1", TLS12, "TLSv1.2", TLS13, "TLSv1.3");

	private static final Map<Integer, String> CIPHER_SUITES = names(0x0000, "TLS_NULL_WITH_NULL_NULL", 0x0004,
			"TLS_RSA_WITH_RC4_128_MD5", 0x0005, "TLS_RSA_WITH_RC4_128_SHA", 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
			0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", 0x0032,
			"TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0035,
			"TLS_RSA_WITH_AES_256_CBC_SHA", 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0x0039,
			"TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003d,
			"TLS_RSA_WITH_AES_256_CBC_SHA256", 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x0067,
			"TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0x006b,
			"TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009d,
			"TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009f,
			"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0x00a3,
			"TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", 0x1301,
			"TLS_AES_128_GCM_SHA256", 0x1302, "TLS_AES_256_GCM_SHA384", 0x1303, "TLS_CHACHA20_POLY1305_SHA256", 0x1304,
			"TLS_AES_128_CCM_SHA256", 0x1305, "TLS_AES_128_CCM_8_SHA256", 0x5600, "TLS_FALLBACK_SCSV", 0xc009,
			"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xc012,
			"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc014,
			"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xc024,
			"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xc028,
			"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02c,
			"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc030,
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc09c, "TLS_RSA_WITH_AES_128_CCM", 0xc09d,
			"TLS_RSA_WITH_AES_256_CCM", 0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", 0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM",
			0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", 0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", 0xc0a2,
			"TLS_DHE_RSA_WITH_AES_128_CCM_8", 0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", 0xc0ac,
			"TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", 0xc0ae,
			"TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", 0xcca8,
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	private static final Map<Integer, String> GROUPS = names(0x0015, "secp224r1", 0x0016, "secp256k1", 0x0017,
			"secp256r1", 0x0018, "secp384r1", 0x0019, "secp521r1", 0x001a, "brainpoolP256r1", 0x001b, "brainpoolP384r1",
			0x001c, "brainpoolP512r1", 0x001d, "x25519", 0x001e, "x448", 0x001f, "brainpoolP256r1tls13", 0x0020,
			"brainpoolP384r1tls13", 0x0021, "brainpoolP512r1tls13", 0x0100, "ffdhe2048", 0x0101, "ffdhe3072", 0x0102,
			"ffdhe4096", 0x0103, "ffdhe6144", 0x0104, "ffdhe8192", 0x0200, "MLKEM512", 0x0201, "MLKEM768", 0x0202,
			"MLKEM1024", 0x11eb, "SecP256r1MLKEM768", 0x11ec, "X25519MLKEM768", 0x11ed, "SecP384r1MLKEM1024", 0x6399,
			"X25519Kyber768Draft00");

	private static final Map<Integer, String> SIGNATURE_SCHEMES = names(0x0201, "rsa_pkcs1_sha1", 0x0202, "dsa_sha1",
			0x0203, "ecdsa_sha1", 0x0301, "rsa_pkcs1_sha224", 0x0302, "dsa_sha224", 0x0303, "ecdsa_sha224", 0x0401,
			"rsa_pkcs1_sha256", 0x0402, "dsa_sha256", 0x0403, "ecdsa_secp256r1_sha256", 0x0501, "rsa_pkcs1_sha384",
			0x0502, "dsa_sha384", 0x0503, "ecdsa_secp384r1_sha384", 0x0601, "rsa_pkcs1_sha512", 0x0602, "dsa_sha512",
			0x0603, "ecdsa_secp521r1_sha512", 0x0804, "rsa_pss_rsae_sha256", 0x0805, "rsa_pss_rsae_sha384", 0x0806,
			"rsa_pss_rsae_sha512", 0x0807, "ed25519", 0x0808, "ed448", 0x0809, "rsa_pss_pss_sha256", 0x080a,
			"rsa_pss_pss_sha384", 0x080b, "rsa_pss_pss_sha512", 0x081a, "ecdsa_brainpoolP256r1tls13_sha256", 0x081b,
			"ecdsa_brainpoolP384r1tls13_sha384", 0x081c, "ecdsa_brainpoolP512r1tls13_sha512", 0x0904, "mldsa44", 0x0905,
			"mldsa65", 0x0906, "mldsa87");

	private TlsNames() {
	}

	/**
	 * Whether the code is a GREASE value (RFC 8701): both bytes equal, each {@code 0x?a}.
	 */
	static boolean isGrease(int code) {
		return (code & 0x0f0f) == 0x0a0a && (code >>> 8) == (code & 0xff);
	}

	static String hex4(int code) {
		// on every ClientHello, dozens of times (JA4): no Formatter
		char[] digits = { HEX[(code >> 12) & 0xf], HEX[(code >> 8) & 0xf], HEX[(code >> 4) & 0xf], HEX[code & 0xf] };
		return new String(digits);
	}

	/**
	 * A protocol version as JSSE and OpenSSL name it ({@code TLSv1.3}...), else
	 * {@code 0x7f1c}-style.
	 */
	static String version(int code) {
		return named(VERSIONS, code);
	}

	/**
	 * The code of a version name that {@link #version(int)} returned, or {@code -1} if it
	 * is not a known version.
	 */
	static int versionCode(String name) {
		for (Map.Entry<Integer, String> entry : VERSIONS.entrySet()) {
			if (entry.getValue().equals(name)) {
				return entry.getKey();
			}
		}
		return -1;
	}

	static String cipherSuite(int code) {
		return named(CIPHER_SUITES, code);
	}

	static String group(int code) {
		return named(GROUPS, code);
	}

	static String signatureScheme(int code) {
		return named(SIGNATURE_SCHEMES, code);
	}

	private static String named(Map<Integer, String> names, int code) {
		@Nullable String name = names.get(code);
		return (name != null) ? name : "0x" + hex4(code);
	}

	private static Map<Integer, String> names(Object... codesAndNames) {
		Map<Integer, String> names = new HashMap<>();
		for (int i = 0; i < codesAndNames.length; i += 2) {
			names.put((Integer) codesAndNames[i], (String) codesAndNames[i + 1]);
		}
		return Map.copyOf(names);
	}

}
