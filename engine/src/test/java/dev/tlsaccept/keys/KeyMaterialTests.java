package dev.tlsaccept.keys;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class KeyMaterialTests {

	private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

	private final KeyMaterial generated = SelfSignedCertificate.generate(Clock.fixed(NOW, ZoneOffset.UTC),
			Duration.ofDays(1));

	@Test
	void ofAcceptsMatchingKeyAndCertificate() {
		KeyMaterial material = KeyMaterial.of(this.generated.privateKey(), this.generated.certificateChain(),
				"test source");
		assertThat(material.source()).isEqualTo("test source");
		assertThat(material.leaf()).isSameAs(this.generated.leaf());
		assertThat(material.selfSigned()).isTrue();
	}

	@Test
	void ofRejectsKeyOfSameAlgorithmFromAnotherPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		KeyPair otherPair = generator.generateKeyPair();
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterial.of(otherPair.getPrivate(), this.generated.certificateChain(), "mixed up"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.KEY_MISMATCH))
			.satisfies((ex) -> assertThat(ex.action()).isNotBlank())
			.withMessage("The private key from mixed up does not belong to certificate CN=tlsaccept self-signed: "
					+ "a signature made with the key does not verify with the certificate");
	}

	@Test
	void ofRejectsKeyOfAnotherAlgorithm() throws Exception {
		KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterial.of(ed25519.getPrivate(), this.generated.certificateChain(), "mixed up"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.KEY_MISMATCH))
			.withMessageContaining("the private key is EdDSA but the certificate's public key is EC");
	}

	@Test
	void ofRejectsEmptyChain() {
		assertThatExceptionOfType(KeyMaterialException.class)
			.isThrownBy(() -> KeyMaterial.of(this.generated.privateKey(), List.of(), "nothing"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_CERTIFICATE));
	}

	@Test
	void ofRejectsNullArguments() {
		assertThatNullPointerException().isThrownBy(() -> KeyMaterial.of(null, this.generated.certificateChain(), "x"))
			.withMessageContaining("privateKey");
	}

	@Test
	void certificateChainIsAnUnmodifiableCopy() {
		List<X509Certificate> chain = new java.util.ArrayList<>(this.generated.certificateChain());
		KeyMaterial material = KeyMaterial.of(this.generated.privateKey(), chain, "copy");
		chain.clear();
		assertThat(material.certificateChain()).hasSize(1);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> material.certificateChain().clear());
	}

	@Test
	void validityWarningsReportExpiredAndNotYetValidCertificates() {
		Instant notAfter = NOW.plus(Duration.ofDays(1));
		Instant notBefore = NOW.minus(Duration.ofMinutes(1));
		assertThat(this.generated.validityWarnings(Clock.fixed(NOW, ZoneOffset.UTC))).isEmpty();
		assertThat(this.generated.validityWarnings(Clock.fixed(NOW.plus(Duration.ofDays(2)), ZoneOffset.UTC)))
			.containsExactly("certificate CN=tlsaccept self-signed expired on " + notAfter);
		assertThat(this.generated.validityWarnings(Clock.fixed(NOW.minus(Duration.ofDays(1)), ZoneOffset.UTC)))
			.containsExactly("certificate CN=tlsaccept self-signed is not yet valid until " + notBefore);
	}

	@Test
	void toStringShowsSourceAndSubjectOnly() {
		assertThat(this.generated.toString())
			.isEqualTo("KeyMaterial[source=self-signed (generated at startup), subject=CN=tlsaccept self-signed]");
	}

	@Test
	void toKeyStoreHoldsOneKeyEntryProtectedByThePassword() throws Exception {
		var store = this.generated.toKeyStore("pw".toCharArray());
		assertThat(store.getType()).isEqualToIgnoringCase("PKCS12");
		assertThat(store.size()).isEqualTo(1);
		assertThat(store.isKeyEntry("tlsaccept")).isTrue();
		assertThat(store.getCertificateChain("tlsaccept")).containsExactly(this.generated.leaf());
		assertThat(store.getKey("tlsaccept", "pw".toCharArray()).getEncoded())
			.isEqualTo(this.generated.privateKey().getEncoded());
		assertThatExceptionOfType(java.security.UnrecoverableKeyException.class)
			.isThrownBy(() -> store.getKey("tlsaccept", "other".toCharArray()));
	}

}
