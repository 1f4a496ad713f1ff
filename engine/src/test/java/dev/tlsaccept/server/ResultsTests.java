package dev.tlsaccept.server;

import java.time.Duration;
import java.time.Instant;

import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results the listener makes itself keep every fact of the handshake they stand for.
 */
class ResultsTests {

	@Test
	void relabelKeepsEveryFactButTheOutcomeAndReason() {
		ClientHelloSummary offered = ClientHelloSummary.parse(new byte[] { 1, 0, 0, 0 });
		AcceptResult finished = AcceptResult.builder(-1, SslError.SSL)
			.startedAt(Instant.parse("2026-12-01T00:00:00Z"))
			.duration(Duration.ofMillis(12))
			.turns(3, 1)
			.serverName("device.tlsaccept.test")
			.alert(TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT))
			.engineMessage("engine words")
			.reason("decode error")
			.clientHello(offered)
			.build();
		AcceptResult relabeled = Results.relabel(finished, "cut by stop");
		assertThat(relabeled.code()).isEqualTo(-1);
		assertThat(relabeled.error()).isEqualTo(SslError.SYSCALL);
		assertThat(relabeled.reason()).isEqualTo("cut by stop");
		assertThat(relabeled.clientHello()).as("the ClientHello is kept").isSameAs(offered);
		assertThat(relabeled.toBuilder().outcome(-1, SslError.SSL).reason("decode error").build()).isEqualTo(finished);
	}

}
