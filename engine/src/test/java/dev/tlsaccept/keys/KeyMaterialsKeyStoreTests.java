package dev.tlsaccept.keys;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyMaterialsKeyStoreTests {

	private static final char[] PASSWORD = Fixtures.PASSWORD.toCharArray();

	private static final char[] KEY_PASSWORD = Fixtures.KEY_PASSWORD.toCharArray();

	@TempDir
	static Path dir;

	static Fixtures fixtures;

	static KeyMaterial server;

	static KeyMaterial other;

	@BeforeAll
	static void createStores() throws Exception {
		Fixtures.assumeOpenssl();
		Fixtures.assumeKeytool();
		fixtures = new Fixtures(dir);
		String pass = "pass:" + Fixtures.PASSWORD;
		fixtures.genpkey("server.key", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
		fixtures.selfSigned("server.crt", "server.key", "server.example", 30);
		fixtures.selfSigned("ca.crt", "server.key", "trusted.example", 30);
		fixtures.openssl("server.p12", "pkcs12", "-export", "-inkey", "server.key", "-in", "server.crt", "-name",
				"server", "-passout", pass, "-out", "server.p12");
		Files.copy(dir.resolve("server.p12"), dir.resolve("server.pfx"));
		Files.copy(dir.resolve("server.p12"), dir.resolve("server.keystore"));
		// JKS with a key password different from the store password, plus a trusted
		// certificate
		fixtures.keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "jks-server", "-dname",
				"CN=jks.example", "-validity", "30", "-keystore", "server.jks", "-storetype", "JKS", "-storepass",
				Fixtures.PASSWORD, "-keypass", Fixtures.KEY_PASSWORD);
		fixtures.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "server.jks",
				"-storetype", "JKS", "-storepass", Fixtures.PASSWORD);
		server = KeyMaterials.fromPem(dir.resolve("server.crt"), dir.resolve("server.key"), null);
		other = SelfSignedCertificate.generate();
		// BCFKS with a separate key password; a PKCS12 with two key entries
		fixtures.bcfks("server.bcfks", "bc-server", server.privateKey(), chain(server), PASSWORD, KEY_PASSWORD);
		KeyStore two = KeyStore.getInstance("PKCS12");
		two.load(null, null);
		two.setKeyEntry("first", server.privateKey(), PASSWORD, chain(server));
		two.setKeyEntry("second", other.privateKey(), PASSWORD, chain(other));
		two.setCertificateEntry("ca", server.leaf());
		try (var out = Files.newOutputStream(dir.resolve("two.p12"))) {
			two.store(out, PASSWORD);
		}
		KeyStore split = KeyStore.getInstance("PKCS12");
		split.load(null, null);
		split.setKeyEntry("split", server.privateKey(), KEY_PASSWORD, chain(server));
		try (var out = Files.newOutputStream(dir.resolve("split.p12"))) {
			split.store(out, PASSWORD);
		}
	}

	private static Certificate[] chain(KeyMaterial material) {
		return material.certificateChain().toArray(new Certificate[0]);
	}

	@Test
	void fromKeyStoreReadsPkcs12MadeByOpenssl() {
		Path location = dir.resolve("server.p12");
		KeyMaterial material = KeyMaterials.fromKeyStore(location, "PKCS12", PASSWORD, null, null);
		assertThat(material.certificateChain()).containsExactly(server.leaf());
		assertThat(material.privateKey().getEncoded()).isEqualTo(server.privateKey().getEncoded());
		assertThat(material.source()).isEqualTo("PKCS12 key store " + location.toAbsolutePath() + " (alias 'server')");
	}

	@Test
	void fromKeyStoreGuessesTypeFromExtension() {
		assertThat(KeyMaterials.fromKeyStore(dir.resolve("server.pfx"), null, PASSWORD, null, null).source())
			.startsWith("PKCS12 key store ");
		assertThat(KeyMaterials.fromKeyStore(dir.resolve("server.keystore"), null, PASSWORD, null, null).source())
			.startsWith("PKCS12 key store ");
		assertThat(KeyMaterials.fromKeyStore(dir.resolve("server.jks"), null, PASSWORD, KEY_PASSWORD, null).source())
			.startsWith("JKS key store ");
		assertThat(KeyMaterials.fromKeyStore(dir.resolve("server.bcfks"), null, PASSWORD, KEY_PASSWORD, null).source())
			.startsWith("BCFKS key store ");
	}

	@Test
	void fromKeyStoreReadsJksWithSeparateKeyPassword() {
		KeyMaterial material = KeyMaterials.fromKeyStore(dir.resolve("server.jks"), "jks", PASSWORD, KEY_PASSWORD,
				null);
		assertThat(material.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=jks.example");
		assertThat(material.source()).endsWith("(alias 'jks-server')");
	}

	@Test
	void fromKeyStoreReadsBcfksThroughPrivateProvider() {
		KeyMaterial material = KeyMaterials.fromKeyStore(dir.resolve("server.bcfks"), "BCFKS", PASSWORD, KEY_PASSWORD,
				"bc-server");
		assertThat(material.certificateChain()).containsExactly(server.leaf());
		assertThat(material.privateKey().getClass().getName()).doesNotContain("bouncycastle");
		assertThat(material.leaf().getClass().getName()).doesNotContain("bouncycastle");
	}

	@Test
	void fromKeyStoreSelectsKeyEntryByAlias() {
		KeyMaterial second = KeyMaterials.fromKeyStore(dir.resolve("two.p12"), null, PASSWORD, null, "second");
		KeyMaterial first = KeyMaterials.fromKeyStore(dir.resolve("two.p12"), null, PASSWORD, null, "first");
		assertThat(second.leaf()).isEqualTo(other.leaf());
		assertThat(first.leaf()).isEqualTo(server.leaf());
	}

	@Test
	void fromKeyStoreRequiresAliasWhenSeveralKeyEntries() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(dir.resolve("two.p12"), null, PASSWORD, null, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.ALIAS_NOT_FOUND))
			.satisfies((ex) -> assertThat(ex.action()).contains("'first'").contains("'second'"))
			.withMessageContaining("'first'")
			.withMessageContaining("'second'")
			.withMessageNotContaining("'ca'");
	}

	@Test
	void fromKeyStoreRejectsUnknownAliasListingKeyAliases() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(dir.resolve("two.p12"), null, PASSWORD, null, "third"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.ALIAS_NOT_FOUND))
			.withMessageContaining("'third'")
			.withMessageContaining("key entries: 'first', 'second'");
	}

	@Test
	void fromKeyStoreRejectsAliasOfTrustedCertificate() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(dir.resolve("two.p12"), null, PASSWORD, null, "ca"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_PRIVATE_KEY));
	}

	@Test
	void fromKeyStoreRejectsWrongStorePasswordForEveryType() {
		char[] wrong = (Fixtures.PASSWORD + "x").toCharArray();
		for (String name : new String[] { "server.p12", "server.jks", "server.bcfks" }) {
			Path location = dir.resolve(name);
			assertThatExceptionOfType(KeyMaterialException.class).as(name)
				.isThrownBy(() -> KeyMaterials.fromKeyStore(location, null, wrong, KEY_PASSWORD, null))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD))
				.satisfies((ex) -> assertThat(ex.action()).contains("store password"))
				.satisfies((ex) -> assertThat(ex.getMessage() + ex.action() + ex).doesNotContain(Fixtures.PASSWORD))
				.withMessageContaining(location.toAbsolutePath().toString())
				.withMessageContaining("the store password is wrong");
		}
	}

	@Test
	void fromKeyStoreRejectsWrongKeyPassword() {
		for (String name : new String[] { "split.p12", "server.jks", "server.bcfks" }) {
			assertThat(KeyMaterials.fromKeyStore(dir.resolve(name), null, PASSWORD, KEY_PASSWORD, null).leaf()).as(name)
				.isNotNull();
			assertThatExceptionOfType(KeyMaterialException.class).as(name)
				.isThrownBy(
						() -> KeyMaterials.fromKeyStore(dir.resolve(name), null, PASSWORD, "nope".toCharArray(), null))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD))
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(Fixtures.KEY_PASSWORD))
				.withMessageContaining("the key password is wrong");
		}
	}

	@Test
	void fromKeyStoreUsesStorePasswordWhenKeyPasswordIsNull() {
		// The JKS key has its own password, so falling back to the store password must
		// fail...
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(dir.resolve("server.jks"), null, PASSWORD, null, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD));
		// ...while the openssl PKCS12 key, protected by the store password, loads.
		assertThat(KeyMaterials.fromKeyStore(dir.resolve("server.p12"), null, PASSWORD, null, null).leaf())
			.isEqualTo(server.leaf());
	}

	@Test
	void fromKeyStoreRejectsMissingFile() {
		Path missing = dir.resolve("missing.p12");
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(missing, null, PASSWORD, null, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.MISSING_FILE))
			.withMessageContaining(missing.toAbsolutePath().toString());
	}

	@Test
	void fromKeyStoreRejectsGarbageForEveryType() throws Exception {
		Path garbage = fixtures.write("garbage.store", "definitely not a key store, no password or mac in here");
		for (String type : new String[] { "PKCS12", "JKS", "BCFKS" }) {
			assertThatExceptionOfType(KeyMaterialException.class).as(type)
				.isThrownBy(() -> KeyMaterials.fromKeyStore(garbage, type, PASSWORD, null, null))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNREADABLE_FORMAT))
				.withMessageContaining(type + " key store " + garbage.toAbsolutePath());
		}
	}

	@Test
	void fromKeyStoreRejectsUnsupportedType() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(dir.resolve("server.p12"), "NOPE", PASSWORD, null, null))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.UNSUPPORTED_TYPE))
			.withMessageContaining("'NOPE'");
	}

	@Test
	void fromKeyStoreTakesLoadedStoreAndNamesAlias() throws Exception {
		KeyStore store = KeyStore.getInstance("JKS");
		try (InputStream in = Files.newInputStream(dir.resolve("server.jks"))) {
			store.load(in, PASSWORD);
		}
		KeyMaterial material = KeyMaterials.fromKeyStore(store, KEY_PASSWORD, null, "SSL bundle 'web'");
		assertThat(material.source()).isEqualTo("SSL bundle 'web' (alias 'jks-server')");
	}

	@Test
	void fromKeyStoreRejectsStoreWithoutKeyEntry() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setCertificateEntry("only", server.leaf());
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.fromKeyStore(store, null, null, "bundle 'x'"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_PRIVATE_KEY))
			.withMessageContaining("bundle 'x'");
	}

	@Test
	void toKeyStoreFeedsKeyManagerFactory() throws Exception {
		KeyMaterial material = KeyMaterials.fromKeyStore(dir.resolve("server.bcfks"), null, PASSWORD, KEY_PASSWORD,
				null);
		for (char[] password : new char[][] { "p".toCharArray(), new char[0] }) {
			KeyStore store = material.toKeyStore(password);
			assertThat(java.util.Collections.list(store.aliases())).containsExactly("tlsaccept");
			KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			factory.init(store, password);
			X509KeyManager keyManager = (X509KeyManager) factory.getKeyManagers()[0];
			assertThat(keyManager.getCertificateChain("tlsaccept")).containsExactly(server.leaf());
			assertThat(((ECPrivateKey) keyManager.getPrivateKey("tlsaccept")).getS())
				.isEqualTo(((ECPrivateKey) server.privateKey()).getS());
		}
	}

	@Test
	void trustFromKeyStoreTakesTrustedAndKeyEntryCertificates() {
		TrustMaterial trust = KeyMaterials.trustFromKeyStore(dir.resolve("server.jks"), null, PASSWORD);
		assertThat(trust.certificates()).extracting(X509Certificate::getSubjectX500Principal)
			.extracting(Object::toString)
			.containsExactlyInAnyOrder("CN=jks.example", "CN=trusted.example");
		assertThat(trust.source()).isEqualTo("JKS trust store " + dir.resolve("server.jks").toAbsolutePath());
	}

	@Test
	void trustFromKeyStoreDropsDuplicateCertificates() throws Exception {
		// two.p12 holds the server certificate both as key entry "first" and as trusted
		// entry "ca"
		TrustMaterial trust = KeyMaterials.trustFromKeyStore(dir.resolve("two.p12"), "PKCS12", PASSWORD);
		assertThat(trust.certificates()).containsExactlyInAnyOrder(server.leaf(), other.leaf());
		assertThat(trust.toKeyStore().size()).isEqualTo(2);
	}

	@Test
	void trustFromKeyStoreRejectsWrongPassword() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterials.trustFromKeyStore(dir.resolve("server.jks"), null, "bad".toCharArray()))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.WRONG_PASSWORD));
	}

}
