package dev.tlsaccept.keys;

import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderIsolationTests {

	@TempDir
	Path dir;

	@Test
	void loadingKeyMaterialLeavesJvmProvidersUnchanged() throws Exception {
		Fixtures.assumeOpenssl();
		List<Provider> before = List.of(Security.getProviders());
		boolean bouncyCastleBefore = Security.getProvider("BC") != null;
		Fixtures fixtures = new Fixtures(this.dir);
		String pass = "pass:" + Fixtures.PASSWORD;
		char[] password = Fixtures.PASSWORD.toCharArray();
		fixtures.openssl("ec.key", "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key");
		fixtures.selfSigned("ec.crt", "ec.key", "isolation.example", 2);
		fixtures.openssl("legacy.key", "ec", "-in", "ec.key", "-aes256", "-passout", pass, "-out", "legacy.key");
		fixtures.openssl("pkcs8.key", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec.key", "-passout", pass,
				"-out", "pkcs8.key");

		KeyMaterial legacy = KeyMaterials.fromPem(this.dir.resolve("ec.crt"), this.dir.resolve("legacy.key"), password);
		KeyMaterials.fromPem(this.dir.resolve("ec.crt"), this.dir.resolve("pkcs8.key"), password);
		KeyMaterial generated = SelfSignedCertificate.generate();
		Path bcfks = fixtures.bcfks("store.bcfks", "k", legacy.privateKey(),
				legacy.certificateChain().toArray(new java.security.cert.Certificate[0]), password, password);
		KeyMaterials.fromKeyStore(bcfks, null, password, null, null);
		KeyMaterials.trustFromKeyStore(bcfks, null, password);

		assertThat(generated.selfSigned()).isTrue();
		assertThat(List.of(Security.getProviders())).containsExactlyElementsOf(before);
		assertThat(Security.getProvider("BC") != null).isEqualTo(bouncyCastleBefore);
	}

}
