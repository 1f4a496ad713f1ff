package dev.tlsaccept.clienthello;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static dev.tlsaccept.clienthello.ClientHellos.concat;
import static dev.tlsaccept.clienthello.ClientHellos.hello;
import static dev.tlsaccept.clienthello.ClientHellos.u16;
import static dev.tlsaccept.clienthello.ClientHellos.vector16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ClientHelloSummaryTests {

	@Test
	void parseReadsEveryFieldOfTheHello() {
		ClientHelloSummary summary = ClientHelloSummary.parse(ClientHellos.foxioExample().message());
		assertThat(summary.parseError()).isNull();
		assertThat(summary.legacyVersion()).isEqualTo(0x0303);
		assertThat(summary.supportedVersions()).containsExactly("TLSv1.3", "TLSv1.2");
		assertThat(summary.cipherSuites()).containsExactly(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
				0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035);
		assertThat(summary.cipherSuiteNames()).hasSize(15)
			.startsWith("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
					"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
			.endsWith("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA");
		assertThat(summary.extensions()).containsExactly(0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
				0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015);
		assertThat(summary.supportedGroups()).containsExactly("x25519", "secp256r1", "secp384r1");
		assertThat(summary.signatureAlgorithms()).containsExactly("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256",
				"rsa_pkcs1_sha256", "ecdsa_secp384r1_sha384", "rsa_pss_rsae_sha384", "rsa_pkcs1_sha384",
				"rsa_pss_rsae_sha512", "rsa_pkcs1_sha512");
		assertThat(summary.alpn()).containsExactly("h2", "http/1.1");
		assertThat(summary.serverName()).isEqualTo("example.com");
		assertThat(summary.ja4()).isEqualTo("t13d1516h2_8daaf6152771_e5627efa2ab1");
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1.3");
	}

	@Test
	void parseNamesUnknownCodesInHex() {
		byte[] message = hello().ciphers(0x1306, 0x1301)
			.supportedGroups(0x4242, 0x001d)
			.signatureAlgorithms(0x0e0e, 0x0807)
			.supportedVersions(0x7f1c, 0x0303)
			.message();
		ClientHelloSummary summary = ClientHelloSummary.parse(message);
		assertThat(summary.cipherSuiteNames()).containsExactly("0x1306", "TLS_AES_128_GCM_SHA256");
		assertThat(summary.supportedGroups()).containsExactly("0x4242", "x25519");
		assertThat(summary.signatureAlgorithms()).containsExactly("0x0e0e", "ed25519");
		assertThat(summary.supportedVersions()).containsExactly("0x7f1c", "TLSv1.2");
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1.2");
	}

	@Test
	void protocolOfferedIsLegacyVersionWithoutSupportedVersions() {
		ClientHelloSummary summary = ClientHelloSummary.parse(hello().legacyVersion(0x0301).ciphers(0x002f).message());
		assertThat(summary.supportedVersions()).isEmpty();
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1");
		assertThat(summary.ja4()).startsWith("t10i010000_");
	}

	@Test
	void parseAcceptsAHelloWithoutExtensionBlock() {
		ClientHelloSummary summary = ClientHelloSummary
			.parse(hello().legacyVersion(0x0300).ciphers(0x000a).withoutExtensions().message());
		assertThat(summary.parseError()).isNull();
		assertThat(summary.extensions()).isEmpty();
		assertThat(summary.ja4()).isEqualTo("t" + "s3" + "i010000_" + Ja4.hash12("000a") + "_000000000000");
	}

	@Test
	void parseEscapesNonPrintableBytesOfServerNameAndAlpn() {
		byte[] message = hello().ciphers(0x1301)
			.serverName("evil\n.example\u007f")
			.alpnBytes(new byte[] { 'h', 2, '\\' })
			.message();
		ClientHelloSummary summary = ClientHelloSummary.parse(message);
		assertThat(summary.serverName()).isEqualTo("evil\\x0a.example\\x7f");
		assertThat(summary.alpn()).containsExactly("h\\x02\\x5c");
		assertThat(summary.ja4()).startsWith("t12d01026c_");
	}

	@Test
	void parseReportsATruncatedHelloWithWhatItRead() {
		byte[] message = ClientHellos.foxioExample().message();
		int cut = 4 + 2 + 32 + 33 + 2 + 10; // inside the cipher suites
		ClientHelloSummary summary = ClientHelloSummary.parse(Arrays.copyOf(message, cut));
		assertThat(summary.parseError())
			.isEqualTo("truncated ClientHello (" + cut + " of " + message.length + " bytes)");
		assertThat(summary.legacyVersion()).isEqualTo(0x0303);
		assertThat(summary.cipherSuites()).containsExactly(0x1301, 0x1302, 0x1303, 0xc02b);
		assertThat(summary.ja4()).isEmpty();
	}

	@Test
	void parseOfATruncatedHelloKeepsOnlyExtensionsThatArrivedWhole() {
		ClientHellos hello = hello().ciphers(0x1301).serverName("example.com").alpn("h2", "http/1.1");
		byte[] message = hello.message();
		ClientHelloSummary summary = ClientHelloSummary.parse(Arrays.copyOf(message, message.length - 1));
		assertThat(summary.parseError()).startsWith("truncated ClientHello");
		assertThat(summary.serverName()).isEqualTo("example.com");
		assertThat(summary.extensions()).containsExactly(0x0000);
		assertThat(summary.alpn()).isEmpty();
	}

	@Test
	void parseOfOnlyPartOfTheHeaderSaysSo() {
		assertThat(ClientHelloSummary.parse(new byte[] { 1, 0 }).parseError())
			.isEqualTo("truncated ClientHello (2 of at least 4 bytes)");
		assertThat(ClientHelloSummary.parse(new byte[0]).parseError())
			.isEqualTo("truncated ClientHello (0 of at least 4 bytes)");
	}

	@Test
	void parseRejectsAnotherHandshakeMessage() {
		byte[] serverHello = hello().ciphers(0x1301).message();
		serverHello[0] = 2;
		ClientHelloSummary summary = ClientHelloSummary.parse(serverHello);
		assertThat(summary.parseError()).isEqualTo("not a ClientHello (handshake type 2)");
		assertThat(summary.ja4()).isEmpty();
		assertThat(summary.protocolOffered()).isNull();
	}

	@Test
	void parseRejectsDuplicateExtensions() {
		byte[] message = hello().ciphers(0x1301)
			.extension(0x0017, new byte[0])
			.extension(0x0017, new byte[0])
			.message();
		assertThat(ClientHelloSummary.parse(message).parseError())
			.isEqualTo("malformed ClientHello: duplicate extension 0x0017");
	}

	@Test
	void parseRejectsAnExtensionLongerThanTheExtensionList() {
		byte[] message = hello().ciphers(0x1301).extension(0x0017, new byte[4]).message();
		message[message.length - 5] = 9; // extension length 4 -> 9
		assertThat(ClientHelloSummary.parse(message).parseError())
			.isEqualTo("malformed ClientHello: extension 0017 length 9 exceeds the 4 bytes left in extensions");
	}

	@Test
	void parseRejectsAnOddLengthCipherSuiteList() {
		byte[] message = hello().ciphers(0x1301).withoutExtensions().message();
		byte[] body = Arrays.copyOfRange(message, 4, message.length);
		int ciphers = 2 + 32 + 1 + 32;
		body[ciphers + 1] = 1; // cipher_suites length 2 -> 1
		byte[] malformed = concat(new byte[] { 1 }, ClientHellos.u24(body.length), body);
		assertThat(ClientHelloSummary.parse(malformed).parseError())
			.isEqualTo("malformed ClientHello: cipher_suites length 1 is not a positive even number");
	}

	@Test
	void parseRejectsTrailingBytesInsideAnExtension() {
		byte[] groups = concat(vector16(u16(0x001d)), new byte[] { 0 });
		byte[] message = hello().ciphers(0x1301).extension(0x000a, groups).message();
		assertThat(ClientHelloSummary.parse(message).parseError())
			.isEqualTo("malformed ClientHello: 1 unexpected bytes at the end of extension 0x000a");
	}

	@Test
	void parseIgnoresBytesAfterTheDeclaredMessage() {
		byte[] message = ClientHellos.foxioExample().message();
		ClientHelloSummary summary = ClientHelloSummary.parse(concat(message, new byte[] { 22, 3, 3 }));
		assertThat(summary).isEqualTo(ClientHelloSummary.parse(message));
	}

	@Test
	void summaryListsAreImmutableCopies() {
		List<Integer> ciphers = new ArrayList<>(List.of(0x1301));
		ClientHelloSummary summary = new ClientHelloSummary(0x0303, List.of(), ciphers, List.of("x"), List.of(),
				List.of(), List.of(), List.of(), null, "", null);
		ciphers.add(0x1302);
		assertThat(summary.cipherSuites()).containsExactly(0x1301);
	}

	@Test
	void parseRejectsNullWithAMessage() {
		assertThatNullPointerException().isThrownBy(() -> ClientHelloSummary.parse(nullBytes()))
			.withMessageContaining("handshakeMessage");
	}

	private static byte[] nullBytes() {
		return null;
	}

}
