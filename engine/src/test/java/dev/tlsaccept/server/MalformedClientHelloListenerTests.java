package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.tlsaccept.clienthello.MalformedClientHellos;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.RawClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed ClientHello holds no pending-handshake slot of the listener: it is answered
 * with a fatal alert, recorded as {@code -1 SSL} "decode error", and its slot is free
 * again at once, in every BIO mode (on SunJSSE 17 it used to wait, unanswered, for the
 * client or the handshake timeout, and was recorded as {@code 0 SYSCALL}). Every engine ×
 * mode and every length field: {@code MalformedClientHelloTests}.
 */
class MalformedClientHelloListenerTests {

	/** A session id, a cipher suite list and an SNI name that overrun their vectors. */
	private static final List<String> FIELDS = List.of("legacy_session_id", "cipher_suites", "server_name host_name");

	private final EventRecorder events = new EventRecorder();

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void malformedHelloIsAnsweredRecordedAndFreesItsPendingSlotAtOnce(BioMode mode) throws Exception {
		List<MalformedClientHellos.Case> cases = MalformedClientHellos.lengthOverruns()
			.stream()
			.filter((malformed) -> malformed.name().startsWith("jdk:") && FIELDS.contains(malformed.field()))
			.toList();
		assertThat(cases).hasSizeGreaterThanOrEqualTo(FIELDS.size());
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("malformed"))
			.bioMode(mode)
			.address(ServerFixtures.LOOPBACK)
			.maxPendingHandshakes(1)
			.build();
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(Duration.ofSeconds(30)), this.events,
				null)) {
			server.start();
			for (int i = 0; i < cases.size(); i++) {
				MalformedClientHellos.Case malformed = cases.get(i);
				try (Socket socket = ServerFixtures.raw(server)) {
					socket.getOutputStream().write(malformed.record());
					Optional<Alert> alert = RawClient.plaintextAlertIn(readToEndOrAlert(socket.getInputStream()));
					assertThat(alert).as(malformed.name())
						.hasValueSatisfying((sent) -> assertThat(sent.isFatal()).isTrue());
					int count = i + 1;
					// one pending slot only: the next case would be refused if this one
					// still held it
					ServerFixtures.await(Duration.ofSeconds(2), "the slot of " + malformed + " to be free",
							() -> server.stats().pendingHandshakes() == 0 && this.events.events().size() == count);
					HandshakeEvent event = this.events.events().get(i);
					assertThat(event.result().code()).as(malformed.name()).isEqualTo(-1);
					assertThat(event.result().error()).as(malformed.name()).isEqualTo(SslError.SSL);
					assertThat(event.result().reason()).as(malformed.name()).isEqualTo("decode error");
					assertThat(event.result().alert()).as(malformed.name())
						.isEqualTo(
								TlsAlert.of(alert.get().description(), TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
					assertThat(event.result().clientHello().parseError()).as(malformed.name())
						.startsWith("malformed ClientHello");
					assertThat(event.result().duration()).as(malformed.name()).isLessThan(Duration.ofSeconds(1));
				}
			}
			assertThat(server.stats().refusedMaxPendingHandshakes()).isZero();
			assertThat(server.stats().handshakesFailed()).isEqualTo(cases.size());
		}
	}

	/** Read until the server closes or a whole alert record arrived. */
	private static byte[] readToEndOrAlert(InputStream in) throws Exception {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int count;
		while ((count = in.read(buffer)) >= 0) {
			received.write(buffer, 0, count);
			if (RawClient.plaintextAlertIn(received.toByteArray()).isPresent()) {
				break;
			}
		}
		return received.toByteArray();
	}

}
