package dev.tlsaccept.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyMaterialsPemTests {

	private static final char[] PASSWORD = Fixtures.PASSWORD.toCharArray();

	@TempDir
	static Path dir;

	static Fixtures fixtures;

	@BeforeAll
	static void createFixtures() throws Exception {
		Fixtures.assumeOpenssl();
		fixtures = new Fixtures(dir);
		String pass = "pass:" + Fixtures.PASSWORD;
		// RSA: PKCS#8, PKCS#1, encrypted PKCS#8 (PBES2/AES), legacy encrypted PKCS#1
		fixtures.genpkey("rsa.key", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
		fixtures.selfSigned("rsa.crt", "rsa.key", "rsa.example", 30);
		fixtures.openssl("rsa-pkcs1.key", "rsa", "-in", "rsa.key", "-traditional", "-out", "rsa-pkcs1.key");
		fixtures.openssl("rsa-pkcs8-aes.key", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "rsa.key", "-passout",
				pass, "-out", "rsa-pkcs8-aes.key");
		fixtures.openssl("rsa-legacy.key", "rsa", "-in", "rsa.key", "-traditional", "-aes256", "-passout", pass, "-out",
				"rsa-legacy.key");
		// EC: SEC1 with EC PARAMETERS, SEC1 alone, PKCS#8, older PBE PKCS#8, legacy
		// encrypted SEC1
		fixtures.openssl("ec-params.key", "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-params.key");
		fixtures.openssl("ec-sec1.key", "ec", "-in", "ec-params.key", "-out", "ec-sec1.key");
		fixtures.openssl("ec-pkcs8.key", "pkcs8", "-topk8", "-nocrypt", "-in", "ec-sec1.key", "-out", "ec-pkcs8.key");
		fixtures.openssl("ec-pkcs8-3des.key", "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "ec-sec1.key",
				"-passout", pass, "-out", "ec-pkcs8-3des.key");
		fixtures.openssl("ec-legacy.key", "ec", "-in", "ec-sec1.key", "-aes256", "-passout", pass, "-out",
				"ec-legacy.key");
		fixtures.selfSigned("ec.crt", "ec-sec1.key", "ec.example", 30);
		// EdDSA
		fixtures.genpkey("ed25519.key", "-algorithm", "ed25519");
		fixtures.selfSigned("ed25519.crt", "ed25519.key", "ed25519.example", 30);
		fixtures.genpkey("ed25519-other.key", "-algorithm", "ed25519");
		fixtures.genpkey("ed448.key", "-algorithm", "ed448");
		fixtures.selfSigned("ed448.crt", "ed448.key", "ed448.example", 30);
		// A chain of two: leaf signed by a CA
		fixtures.genpkey("ca.key", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
		fixtures.openssl("ca.crt", "req", "-x509", "-new", "-key", "ca.key", "-out", "ca.crt", "-subj", "/CN=Test CA",
				"-days", "30", "-addext", "basicConstraints=critical,CA:true");
		fixtures.genpkey("leaf.key", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
		fixtures.openssl("leaf.csr", "req", "-new", "-key", "leaf.key", "-subj", "/CN=leaf.example", "-out",
				"leaf.csr");
		fixtures.openssl("leaf.crt", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
				"-CAcreateserial", "-days", "30", "-out", "leaf.crt");
		fixtures.write("chain.pem", fixtures.read("leaf.crt"), fixtures.read("ca.crt"));
		// Valid for one day only
		fixtures.selfSigned("short.crt", "ec-sec1.key", "short.example", 1);
	}

	@Test
	void fromPemReadsRsaPkcs8Key() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa.key"), null);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("RSA");
		assertThat(material.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=rsa.example");
	}

	@Test
	void fromPemReadsRsaPkcs1Key() throws Exception {
		assertThat(fixtures.read("rsa-pkcs1.key")).contains("BEGIN RSA PRIVATE KEY");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-pkcs1.key"), null);
		KeyMaterial pkcs8 = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa.key"), null);
		assertThat(material.privateKey().getEncoded()).isEqualTo(pkcs8.privateKey().getEncoded());
	}

	@Test
	void fromPemReadsEcSec1KeyWithEcParameters() throws Exception {
		assertThat(fixtures.read("ec-params.key")).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-params.key"), null);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
	}

	@Test
	void fromPemReadsEcSec1KeyWithoutEcParameters() throws Exception {
		assertThat(fixtures.read("ec-sec1.key")).doesNotContain("EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-sec1.key"), null);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
	}

	@Test
	void fromPemReadsEcPkcs8Key() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-pkcs8.key"), null);
		KeyMaterial sec1 = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-sec1.key"), null);
		assertThat(((ECPrivateKey) material.privateKey()).getS()).isEqualTo(((ECPrivateKey) sec1.privateKey()).getS());
	}

	@Test
	void fromPemReturnsJdkKeysAndCertificates() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-legacy.key"), PASSWORD);
		assertThat(material.privateKey().getClass().getName()).doesNotContain("bouncycastle");
		assertThat(material.leaf().getClass().getName()).doesNotContain("bouncycastle");
	}

	@Test
	void fromPemReadsEncryptedPkcs8Key() throws Exception {
		assertThat(fixtures.read("rsa-pkcs8-aes.key")).contains("BEGIN ENCRYPTED PRIVATE KEY");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-pkcs8-aes.key"), PASSWORD);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("RSA");
	}

	@Test
	void fromPemReadsEncryptedPkcs8KeyWithOlderPbe() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-pkcs8-3des.key"), PASSWORD);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
	}

	@Test
	void fromPemReadsLegacyEncryptedRsaKey() throws Exception {
		assertThat(fixtures.read("rsa-legacy.key")).contains("Proc-Type: 4,ENCRYPTED").contains("DEK-Info");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-legacy.key"), PASSWORD);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("RSA");
	}

	@Test
	void fromPemReadsLegacyEncryptedEcKey() throws Exception {
		assertThat(fixtures.read("ec-legacy.key")).contains("Proc-Type: 4,ENCRYPTED");
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-legacy.key"), PASSWORD);
		assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
	}

	@Test
	void fromPemReadsEd25519Key() throws Exception {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ed25519.crt"), dir.resolve("ed25519.key"), null);
		assertThat(material.privateKey().getAlgorithm()).isIn("EdDSA", "Ed25519");
		assertThat(material.leaf().getSigAlgName()).isEqualTo("Ed25519");
	}

	@Test
	void fromPemReadsEd448Key() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("ed448.crt"), dir.resolve("ed448.key"), null);
		assertThat(material.leaf().getSigAlgName()).isEqualTo("Ed448");
	}

	@Test
	void loadedKeysCompleteJsseHandshakes() throws Exception {
		KeyMaterial rsa = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-legacy.key"), PASSWORD);
		KeyMaterial ec = KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-params.key"), null);
		KeyMaterial ed25519 = KeyMaterials.fromPem(dir.resolve("ed25519.crt"), dir.resolve("ed25519.key"), null);
		assertThat(Handshakes.complete(rsa, "TLSv1.2", false)[0]).isEqualTo(rsa.leaf());
		assertThat(Handshakes.complete(ec, "TLSv1.3", false)[0]).isEqualTo(ec.leaf());
		assertThat(Handshakes.complete(ed25519, "TLSv1.3", false)[0]).isEqualTo(ed25519.leaf());
	}

	@Test
	void fromPemReadsCombinedFileInEitherOrder() throws Exception {
		Path certFirst = fixtures.write("combined-cert-first.pem", fixtures.read("ec.crt"),
				fixtures.read("ec-params.key"));
		Path keyFirst = fixtures.write("combined-key-first.pem", fixtures.read("rsa-pkcs8-aes.key"),
				fixtures.read("rsa.crt"));
		KeyMaterial ec = KeyMaterials.fromPem(certFirst, null);
		KeyMaterial rsa = KeyMaterials.fromPem(keyFirst, PASSWORD);
		assertThat(ec.source()).isEqualTo("PEM file " + certFirst.toAbsolutePath());
		assertThat(ec.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=ec.example");
		assertThat(rsa.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=rsa.example");
	}

	@Test
	void fromPemWithTheSameFileTwiceReadsItAsCombined() throws Exception {
		Path combined = fixtures.write("combined-twice.pem", fixtures.read("ec.crt"), fixtures.read("ec-sec1.key"));
		KeyMaterial material = KeyMaterials.fromPem(combined, combined, null);
		assertThat(material.source()).isEqualTo("PEM file " + combined.toAbsolutePath());
	}

	@Test
	void fromPemKeepsChainOfTwoCertificatesInOrder() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("chain.pem"), dir.resolve("leaf.key"), null);
		assertThat(material.certificateChain()).extracting((c) -> c.getSubjectX500Principal().getName())
			.containsExactly("CN=leaf.example", "CN=Test CA");
		assertThat(material.selfSigned()).isFalse();
		assertThat(material.source()).contains(dir.resolve("chain.pem").toString())
			.contains(dir.resolve("leaf.key").toString());
	}

	@Test
	void fromPemContentReadsInlinePemText() throws Exception {
		KeyMaterial material = KeyMaterials.fromPemContent(fixtures.read("chain.pem"), fixtures.read("leaf.key"), null,
				"SSL bundle 'server'");
		assertThat(material.source()).isEqualTo("SSL bundle 'server'");
		assertThat(material.certificateChain()).hasSize(2);
	}

	@Test
	void fromPemRejectsEncryptedPkcs8KeyWithWrongPassword() {
		Path key = dir.resolve("rsa-pkcs8-aes.key");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("rsa.crt"), key, "wrong".toCharArray()))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD))
			.withMessage("Cannot read private key from " + key + ": the key is encrypted and the password is wrong");
	}

	@Test
	void fromPemRejectsLegacyEncryptedKeyWithWrongPassword() {
		for (String name : new String[] { "ec-legacy.key", "ec-pkcs8-3des.key" }) {
			assertThatExceptionOfType(KeyMaterialException.class)
				.isThrownBy(
						() -> KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve(name), "not-it".toCharArray()))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD))
				.satisfies((ex) -> assertThat(ex.action()).contains("key password"));
		}
	}

	@Test
	void fromPemReportsWrongPasswordEvenWhenDecryptionHappensToProducePadding() throws Exception {
		// With CBC, about 1 wrong password in 256 yields valid padding and garbage key
		// bytes.
		String legacy = fixtures.read("ec-legacy.key");
		String pkcs8 = fixtures.read("ec-pkcs8-3des.key");
		String certificate = fixtures.read("ec.crt");
		for (int i = 0; i < 400; i++) {
			char[] wrong = ("wrong-" + i).toCharArray();
			for (String key : new String[] { legacy, pkcs8 }) {
				assertThatExceptionOfType(KeyMaterialException.class)
					.isThrownBy(() -> KeyMaterials.fromPemContent(certificate, key, wrong, "test"))
					.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD));
			}
		}
	}

	@Test
	void fromPemRejectsEncryptedKeyWithoutPassword() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ec-legacy.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD))
			.withMessageContaining("no password was given");
	}

	@Test
	void fromPemNeverShowsThePassword() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-pkcs8-aes.key"), PASSWORD);
		String keyBase64 = Base64.getEncoder().encodeToString(material.privateKey().getEncoded());
		assertThat(material.toString()).doesNotContain(Fixtures.PASSWORD)
			.doesNotContain(keyBase64.substring(0, 40))
			.isEqualTo("KeyMaterial[source=" + material.source() + ", subject=CN=rsa.example]");
		assertThat(material.source()).doesNotContain(Fixtures.PASSWORD);
		String wrong = Fixtures.PASSWORD + "-but-wrong";
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("rsa.crt"), dir.resolve("rsa-pkcs8-aes.key"),
					wrong.toCharArray()))
			.satisfies((ex) -> assertThat(ex.getMessage() + ex.action() + ex).doesNotContain(Fixtures.PASSWORD));
	}

	@Test
	void fromPemRejectsMissingFileNamingItsAbsolutePath() {
		Path missing = dir.resolve("nope/missing.pem");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ec.crt"), missing, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.MISSING_FILE))
			.withMessageContaining(missing.toAbsolutePath().toString());
	}

	@Test
	void fromPemRejectsFileWithoutPem() throws Exception {
		Path text = fixtures.write("garbage.pem", "this is not a certificate\n");
		Path binary = Files.write(dir.resolve("garbage.der"), new byte[] { 0x30, (byte) 0x82, 0x01, (byte) 0xff, 0 });
		assertThatExceptionOfType(KeyMaterialException.class).isThrownBy(() -> KeyMaterials.fromPem(text, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNREADABLE_FORMAT))
			.withMessageContaining(text.toString())
			.withMessageContaining("no PEM block");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(binary, dir.resolve("ec-sec1.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNREADABLE_FORMAT))
			.withMessageContaining("DER");
	}

	@Test
	void fromPemRejectsMalformedPemBlock() throws Exception {
		Path broken = fixtures.write("broken.pem",
				"-----BEGIN CERTIFICATE-----\nMIIB!!notbase64\n-----END CERTIFICATE-----\n");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(broken, dir.resolve("ec-sec1.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNREADABLE_FORMAT));
	}

	@Test
	void fromPemRejectsKeyFileWithoutKey() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("ca.crt"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_PRIVATE_KEY))
			.withMessageContaining(dir.resolve("ca.crt").toString());
	}

	@Test
	void fromPemRejectsChainFileWithoutCertificate() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ec-sec1.key"), dir.resolve("ec-pkcs8.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_CERTIFICATE));
	}

	@Test
	void fromPemRejectsKeyOfAnotherCertificate() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("chain.pem"), dir.resolve("ca.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.KEY_MISMATCH))
			.withMessageContaining("CN=leaf.example");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ed25519.crt"), dir.resolve("ed25519-other.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.KEY_MISMATCH));
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromPem(dir.resolve("ec.crt"), dir.resolve("rsa.key"), null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.KEY_MISMATCH))
			.withMessageContaining("the private key is RSA but the certificate's public key is EC");
	}

	@Test
	void validityWarningsReportExpiredCertificate() {
		KeyMaterial material = KeyMaterials.fromPem(dir.resolve("short.crt"), dir.resolve("ec-sec1.key"), null);
		Instant notAfter = material.leaf().getNotAfter().toInstant();
		Clock twoDaysLater = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
		assertThat(material.validityWarnings(twoDaysLater))
			.containsExactly("certificate CN=short.example expired on " + notAfter);
		assertThat(material.validityWarnings(Clock.systemUTC())).isEmpty();
	}

	@Test
	void trustFromPemReadsEveryCertificate() {
		TrustMaterial trust = KeyMaterials.trustFromPem(dir.resolve("chain.pem"));
		assertThat(trust.certificates()).extracting(X509Certificate::getSubjectX500Principal)
			.extracting(Object::toString)
			.containsExactly("CN=leaf.example", "CN=Test CA");
		assertThat(trust.source()).isEqualTo("PEM file " + dir.resolve("chain.pem").toAbsolutePath());
	}

	@Test
	void trustFromPemContentBuildsTrustStore() throws Exception {
		TrustMaterial trust = KeyMaterials.trustFromPemContent(fixtures.read("ca.crt"), "bundle 'clients'");
		assertThat(trust.toKeyStore().size()).isEqualTo(1);
		assertThat(trust.toKeyStore().isCertificateEntry("trusted-0")).isTrue();
		assertThat(trust.toString()).isEqualTo("TrustMaterial[source=bundle 'clients', certificates=1]");
	}

	@Test
	void trustFromPemRejectsKeyOnlyFile() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.trustFromPem(dir.resolve("ec-sec1.key")))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_CERTIFICATE));
	}

}
