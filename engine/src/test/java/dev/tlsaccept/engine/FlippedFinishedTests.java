package dev.tlsaccept.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.ScriptedTlsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client Finished whose verify_data has one bit flipped, its record intact (tlsfuzzer's
 * {@code test-tls13-finished.py} and {@code test-fuzzed-finished.py}), in every engine ×
 * BIO mode on TLS 1.3 and 1.2: the server answers decrypt_error, as OpenSSL does, and
 * records that alert with OpenSSL's reason {@code decrypt error}, the engine's own text
 * in {@code engineMessage}. The client is {@link ScriptedTlsClient}: no real client sends
 * a wrong Finished.
 */
class FlippedFinishedTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	static Stream<Arguments> cells() {
		List<Arguments> cells = new ArrayList<>();
		for (String engine : List.of(JdkTlsEngine.NAME, BouncyCastleTlsEngine.NAME, OpenSslTlsEngine.NAME)) {
			for (BioMode mode : BioMode.values()) {
				cells.add(Arguments.of(engine, mode));
			}
		}
		return cells.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("cells")
	void flippedTls13FinishedIsAnsweredWithDecryptError(String engine, BioMode mode) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build());
				ContractServer server = new ContractServer(context, mode)) {
			ScriptedTlsClient.Answer answer = ScriptedTlsClient.tls13FlippedFinished(server.port(), 77);
			assertRefused(answer, server.next(WAIT).result(), "TLSv1.3");
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("cells")
	void flippedTls12FinishedIsAnsweredWithDecryptError(String engine, BioMode mode) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build());
				ContractServer server = new ContractServer(context, mode)) {
			ScriptedTlsClient.Answer answer = ScriptedTlsClient.tls12FlippedFinished(server.port(), 5);
			assertRefused(answer, server.next(WAIT).result(), "TLSv1.2");
		}
	}

	private static void assertRefused(ScriptedTlsClient.Answer answer, AcceptResult result, String protocol) {
		assertThat(answer.alert()).as("on the wire: %s; recorded %s", answer, result)
			.hasValue(new Alert(Alert.FATAL, 51));
		assertThat(result.code()).as("%s", result).isEqualTo(-1);
		assertThat(result.error()).isEqualTo(SslError.SSL);
		assertThat(result.alert()).as("%s", result)
			.isEqualTo(TlsAlert.of(51, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		assertThat(result.reason()).as("%s", result).isEqualTo("decrypt error");
		assertThat(result.engineMessage()).isNotBlank();
		assertThat(result.protocol()).isEqualTo(protocol);
	}

}
