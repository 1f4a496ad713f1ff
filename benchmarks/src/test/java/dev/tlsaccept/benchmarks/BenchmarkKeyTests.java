package dev.tlsaccept.benchmarks;

import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsaccept.keys.KeyMaterial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code --key} option: EC P-256 unless RSA 2048 is asked for.
 */
class BenchmarkKeyTests {

	@Test
	void keyIsEcUnlessRsaIsAskedFor() {
		assertThat(Options.parse(new String[0]).key).isEqualTo("ec");
		assertThat(Options.parse(new String[] { "--key", "rsa" }).key).isEqualTo("rsa");
	}

	@Test
	void otherKeyTypesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse(new String[] { "--key", "dsa" }))
			.withMessageContaining("--key takes ec or rsa");
	}

	@Test
	void rsaKeyIsASelfSigned2048BitCertificateFor127001() throws Exception {
		KeyMaterial key = Main.rsaKey();
		X509Certificate leaf = key.leaf();
		assertThat(key.privateKey().getAlgorithm()).isEqualTo("RSA");
		assertThat(((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
		leaf.verify(leaf.getPublicKey());
		List<Object> names = new ArrayList<>();
		leaf.getSubjectAlternativeNames().forEach((name) -> names.add(name.get(1)));
		assertThat(names).contains("127.0.0.1", "localhost");
	}

}
