package dev.tlsaccept.autoconfigure;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which cipher suite serves which protocol with which key, as {@link ListenerTlsCheck}
 * computes it.
 */
class ListenerTlsCheckTests {

	@ParameterizedTest
	@CsvSource({ "TLS_AES_128_GCM_SHA256, TLSv1.3, RSA, true", "TLS_AES_128_GCM_SHA256, TLSv1.3, EC, true",
			"TLS_CHACHA20_POLY1305_SHA256, TLSv1.2, EC, false",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLSv1.3, EC, false",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLSv1.2, EC, true",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLSv1.2, EdDSA, true",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLSv1.2, RSA, false",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLSv1.2, RSA, true",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLSv1.2, EC, false",
			"TLS_RSA_WITH_AES_128_CBC_SHA, TLSv1, RSA, true", "TLS_RSA_WITH_AES_128_CBC_SHA256, TLSv1.1, RSA, false",
			"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLSv1, RSA, false",
			"TLS_ECDH_RSA_WITH_AES_128_CBC_SHA, TLSv1.2, EC, true",
			"TLS_PSK_WITH_AES_128_GCM_SHA256, TLSv1.2, RSA, true",
			"TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLSv1.3, RSA, false", "SOMETHING_ELSE, TLSv1.3, RSA, true" })
	void suiteServesProtocolWithKey(String suite, String protocol, String keyType, boolean usable) {
		assertThat(ListenerTlsCheck.usable(suite, protocol, keyType)).isEqualTo(usable);
	}

	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.1", "bouncy-castle, TLSv1.1", "openssl, " })
	void enginesThatHonourTheJdkDisabledAlgorithmsRefuseOldProtocols(String engine, String refused) {
		assertThat(ListenerTlsCheck.refusedProtocols(engine, List.of("TLSv1.3", "TLSv1.2", "TLSv1.1")))
			.isEqualTo((refused != null) ? List.of(refused) : List.of());
	}

}
