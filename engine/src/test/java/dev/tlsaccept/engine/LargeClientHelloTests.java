package dev.tlsaccept.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.tlsaccept.clienthello.MalformedClientHellos;
import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.RawClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-formed ClientHello that is only large (a padding extension; tlsfuzzer's
 * {@code test-large-hello.py}), over 2^14 bytes and so in several records, in every
 * engine × BIO mode. OpenSSL 3.0 answers up to 128 KB. SunJSSE and BCJSSE answer up to 32
 * KB and refuse beyond (SunJSSE unexpected_message, BCJSSE internal_error); BoringSSL
 * refuses a hello this large (illegal_parameter, its {@code EXCESSIVE_MESSAGE_SIZE}).
 * Every refusal has its alert on the wire and in the record, with OpenSSL's reason
 * {@code excessive message size}.
 */
class LargeClientHelloTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("dev.tlsaccept.engine.FlippedFinishedTests#cells")
	void clientHelloOf20KilobytesIsAnsweredOrRefusedWithAnAlert(String engine, BioMode mode) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build());
				ContractServer server = new ContractServer(context, mode)) {
			Answer answer = send(server.port(), MalformedClientHellos.validPaddedRecords(20_000));
			if (engine.equals(OpenSslTlsEngine.NAME)) {
				AcceptResult result = server.next(WAIT).result();
				assertRefused(answer, result, 47);
			}
			else {
				assertThat(answer.serverHello()).as("%s", answer).isTrue();
			}
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("dev.tlsaccept.engine.FlippedFinishedTests#cells")
	void clientHelloOf40KilobytesIsRefusedWithAnAlert(String engine, BioMode mode) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build());
				ContractServer server = new ContractServer(context, mode)) {
			Answer answer = send(server.port(), MalformedClientHellos.validPaddedRecords(40_000));
			AcceptResult result = server.next(WAIT).result();
			int alert = switch (engine) {
				case JdkTlsEngine.NAME -> 10;
				case BouncyCastleTlsEngine.NAME -> 80;
				default -> 47;
			};
			assertRefused(answer, result, alert);
		}
	}

	private static void assertRefused(Answer answer, AcceptResult result, int alert) {
		assertThat(answer.alert()).as("on the wire: %s; recorded %s", answer, result)
			.hasValue(new Alert(Alert.FATAL, alert));
		assertThat(result.code()).isEqualTo(-1);
		assertThat(result.error()).isEqualTo(SslError.SSL);
		assertThat(result.alert()).as("%s", result)
			.isEqualTo(TlsAlert.of(alert, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		assertThat(result.reason()).as("%s: %s", result, result.engineMessage()).isEqualTo("excessive message size");
	}

	/**
	 * Send the records whole, then read until an alert or a ServerHello. The server may
	 * refuse after the first records: a write that fails then is no failure of the test
	 * as long as the alert arrived.
	 */
	private static Answer send(int port, byte[] records) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			try {
				socket.getOutputStream().write(records);
			}
			catch (IOException ex) {
				// refused before the last records: the answer is what arrived
			}
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			byte[] buffer = new byte[16 * 1024];
			try {
				int count;
				while ((count = in.read(buffer)) >= 0) {
					received.write(buffer, 0, count);
					List<RawClient.Record> seen = RawClient.records(received.toByteArray());
					if (seen.stream().anyMatch(LargeClientHelloTests::isAlertOrServerHello)) {
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				// what arrived is the answer
			}
			catch (IOException ex) {
				// a reset after the alert
			}
			List<RawClient.Record> seen = RawClient.records(received.toByteArray());
			return new Answer(RawClient.plaintextAlertIn(received.toByteArray()), seen.stream()
				.anyMatch((record) -> record.contentType() == RawClient.Record.HANDSHAKE && record.fragment()[0] == 2),
					seen.toString());
		}
	}

	private static boolean isAlertOrServerHello(RawClient.Record record) {
		return record.contentType() == RawClient.Record.ALERT
				|| (record.contentType() == RawClient.Record.HANDSHAKE && record.fragment()[0] == 2);
	}

	private record Answer(Optional<Alert> alert, boolean serverHello, String records) {

	}

}
