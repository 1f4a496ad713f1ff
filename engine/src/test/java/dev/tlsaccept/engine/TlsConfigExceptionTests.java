package dev.tlsaccept.engine;

import java.time.Duration;
import java.util.List;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every configuration an engine refuses names the {@link TlsConfigException.Setting} at
 * fault, so callers map it to their own property without reading the message.
 */
class TlsConfigExceptionTests {

	private static final KeyMaterial KEY = SelfSignedCertificate.generate();

	@Test
	void unknownEngine() {
		refused(() -> TlsEngines.get("quantum"), TlsConfigException.Setting.ENGINE);
	}

	@Test
	void protocolTheEngineDoesNotKnow() {
		refused(() -> TlsServerContext.create(TlsConfig.builder(KEY).protocols(List.of("TLSv9")).build()),
				TlsConfigException.Setting.PROTOCOLS);
		refused(() -> TlsConfig.builder(KEY).protocols(List.of()), TlsConfigException.Setting.PROTOCOLS);
	}

	@Test
	void cipherSuiteTheEngineDoesNotKnow() {
		refused(() -> TlsServerContext.create(TlsConfig.builder(KEY).cipherSuites(List.of("TLS_NOPE")).build()),
				TlsConfigException.Setting.CIPHER_SUITES);
	}

	@Test
	void clientAuthWithoutTrustMaterial() {
		refused(() -> TlsConfig.builder(KEY).clientAuth(ClientAuth.NEED).build(),
				TlsConfigException.Setting.CLIENT_AUTH);
	}

	@Test
	void nonPositiveHandshakeTimeout() {
		refused(() -> TlsConfig.builder(KEY).handshakeTimeout(Duration.ZERO),
				TlsConfigException.Setting.HANDSHAKE_TIMEOUT);
	}

	@Test
	void serverNamesAndRejectingUnknownOnes() {
		refused(() -> TlsConfig.builder(KEY).serverNameKeyMaterial("*.*.example.com", KEY),
				TlsConfigException.Setting.SERVER_NAMES);
		refused(() -> TlsConfig.builder(KEY).rejectUnknownServerNames(true).build(),
				TlsConfigException.Setting.REJECT_UNKNOWN_SERVER_NAMES);
		refused(() -> TlsServerContext.create(
				TlsConfig.builder(KEY).engine("bouncy-castle").serverNameKeyMaterial("api.example.com", KEY).build()),
				TlsConfigException.Setting.SERVER_NAMES);
	}

	private static void refused(ThrowingCallable call, TlsConfigException.Setting setting) {
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo(setting));
	}

}
