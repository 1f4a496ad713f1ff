package dev.tlsaccept.engine;

import java.time.Duration;

import dev.tlsaccept.peers.ScriptedTlsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS 1.2 client that offers only signature schemes the server's key cannot make
 * (tlsfuzzer's {@code test-sig-algs.py}, "rsa_pss_pss_sha256 only" against an EC key) is
 * answered with a fatal alert in every engine × BIO mode, and recorded with that alert a
 * reason in OpenSSL's words. SunJSSE 17 writes ServerHello and Certificate, fails on the
 * ServerKeyExchange ("No supported signature algorithm for EC key") and writes no alert:
 * tlsaccept sends the one SunJSSE raised (internal_error, as its {@code SSLSocket} does),
 * reason {@code no suitable signature algorithm}. BCJSSE and BoringSSL refuse the suites
 * (handshake_failure, {@code no shared cipher}).
 */
class NoSuitableSignatureAlgorithmTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("dev.tlsaccept.engine.FlippedFinishedTests#cells")
	void clientOfferingOnlySchemesTheKeyCannotMakeIsAnsweredWithAFatalAlert(String engine, BioMode mode)
			throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build());
				ContractServer server = new ContractServer(context, mode)) {
			ScriptedTlsClient.Answer answer = ScriptedTlsClient.tls12OfferingOnly(server.port(), 0x0809);
			AcceptResult result = server.next(WAIT).result();
			assertThat(answer.alert()).as("on the wire: %s; recorded %s", answer, result).isPresent();
			assertThat(answer.alert().get().isFatal()).isTrue();
			assertThat(result.code()).isEqualTo(-1);
			assertThat(result.error()).isEqualTo(SslError.SSL);
			assertThat(result.alert()).as("%s", result)
				.isEqualTo(
						TlsAlert.of(answer.alert().get().description(), TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
			// BCJSSE and BoringSSL leave the suites out whose signature the client cannot
			// take, as OpenSSL does: no shared cipher
			assertThat(result.reason()).as("%s: %s", result, result.engineMessage())
				.isEqualTo(engine.equals(JdkTlsEngine.NAME) ? "no suitable signature algorithm" : "no shared cipher");
		}
	}

}
