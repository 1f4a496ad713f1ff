package dev.tlsaccept.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.tlsaccept.clienthello.ClientHelloCollector;
import dev.tlsaccept.clienthello.MalformedClientHellos;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.RawClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ClientHello with a length field that overruns its vector (every field, about 200
 * cases, see {@link MalformedClientHellos}) is answered at once in every engine × BIO
 * mode: a fatal alert on the raw socket well before the 10 s handshake timeout (within 1
 * s), and {@code -1 SSL} recorded with that same alert, a reason and the parser's error;
 * never {@code 0 SYSCALL}, never a timeout. One server per cell.
 *
 * <p>
 * A case that misses 1 s is sent once more and must make it then (a 2-core machine shared
 * with builds can stall any thread for a while: 100 ms was missed twice in a row there);
 * the alert and the record must be right both times. A hang shows as no alert within
 * {@link #NO_ANSWER}.
 */
class MalformedClientHelloTests {

	private static final Duration AT_ONCE = Duration.ofSeconds(1);

	private static final Duration NO_ANSWER = Duration.ofSeconds(5);

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static KeyMaterial keys;

	@BeforeAll
	static void createKeys() {
		keys = SelfSignedCertificate.generate();
	}

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
	void everyMalformedClientHelloIsAnsweredAtOnceWithAFatalAlert(String engine, BioMode mode) throws Exception {
		TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(keys).engine(engine).handshakeTimeout(Duration.ofSeconds(10)).build());
		List<String> failures = new ArrayList<>();
		Map<String, Integer> sent = new TreeMap<>();
		try (ContractServer server = new ContractServer(context, mode)) {
			for (Map.Entry<String, byte[]> base : MalformedClientHellos.bases().entrySet()) {
				Answer answer = send(server.port(), MalformedClientHellos.record(base.getValue()));
				assertThat(answer.serverHello())
					.as("%s %s: ServerHello for the valid '%s' hello: %s", engine, mode, base.getKey(), answer)
					.isTrue();
				server.next(WAIT);
			}
			for (MalformedClientHellos.Case malformed : MalformedClientHellos.lengthOverruns()) {
				Answer answer = send(server.port(), malformed.record());
				String problem = problem(malformed, answer, server.next(WAIT).result());
				if (problem == null && answer.millis() > AT_ONCE.toMillis()) {
					Answer again = send(server.port(), malformed.record());
					problem = problem(malformed, again, server.next(WAIT).result());
					if (problem == null && again.millis() > AT_ONCE.toMillis()) {
						problem = "answered after " + answer.millis() + " ms, then " + again.millis() + " ms";
					}
				}
				if (problem != null) {
					failures.add(malformed.name() + ": " + problem);
				}
				answer.alert().ifPresent((alert) -> sent.merge(alert.toString(), 1, Integer::sum));
			}
		}
		System.out.println("malformed hellos, " + engine + " " + mode + ": alerts sent " + sent);
		assertThat(failures).as("%s %s", engine, mode).isEmpty();
	}

	/**
	 * What is wrong with the server's answer to a malformed hello.
	 * @return {@code null} when it is right
	 */
	private static String problem(MalformedClientHellos.Case malformed, Answer answer, AcceptResult result) {
		if (answer.alert().isEmpty() || !answer.alert().get().isFatal()) {
			return "no fatal alert on the wire: " + answer + "; recorded " + result;
		}
		if (result.code() != -1 || result.error() != SslError.SSL) {
			return "recorded " + result.code() + " " + result.error() + " (" + result.reason() + ")";
		}
		Alert wire = answer.alert().get();
		TlsAlert recorded = result.alert();
		if (recorded == null || recorded.number() != wire.description() || recorded.level() != TlsAlert.Level.FATAL
				|| recorded.direction() != TlsAlert.Direction.SENT) {
			return "recorded alert " + recorded + " but sent " + wire;
		}
		boolean oversized = malformed.field().equals("handshake message")
				&& malformed.value() > ClientHelloCollector.DEFAULT_MAX_BYTES;
		String reason = oversized ? "excessive message size" : "decode error";
		if (!reason.equals(result.reason())) {
			return "reason '" + result.reason() + "', expected '" + reason + "' (" + result.engineMessage() + ")";
		}
		if (result.clientHello() == null || result.clientHello().parseError() == null) {
			return "no parse error recorded: " + result.clientHello();
		}
		return null;
	}

	/**
	 * Connect, send the bytes, read until a whole alert record (or a ServerHello)
	 * arrived.
	 */
	private static Answer send(int port, byte[] bytes) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
			socket.setTcpNoDelay(true);
			socket.setSoTimeout((int) NO_ANSWER.toMillis());
			long start = System.nanoTime();
			socket.getOutputStream().write(bytes);
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			byte[] buffer = new byte[16 * 1024];
			String end = "eof";
			try {
				int count;
				while ((count = in.read(buffer)) >= 0) {
					received.write(buffer, 0, count);
					List<RawClient.Record> records = RawClient.records(received.toByteArray());
					if (records.stream().anyMatch(MalformedClientHelloTests::isAlertOrServerHello)) {
						end = "answer";
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				end = "nothing within " + NO_ANSWER.toMillis() + " ms";
			}
			catch (IOException ex) {
				end = ex.getMessage();
			}
			long millis = (System.nanoTime() - start) / 1_000_000;
			List<RawClient.Record> records = RawClient.records(received.toByteArray());
			return new Answer(RawClient.plaintextAlertIn(received.toByteArray()),
					records.stream().anyMatch(MalformedClientHelloTests::isServerHello), millis,
					end + ", records " + records);
		}
	}

	private static boolean isAlertOrServerHello(RawClient.Record record) {
		return record.contentType() == RawClient.Record.ALERT || isServerHello(record);
	}

	private static boolean isServerHello(RawClient.Record record) {
		return record.contentType() == RawClient.Record.HANDSHAKE && record.fragment()[0] == 2;
	}

	/** What the client saw. */
	private record Answer(Optional<Alert> alert, boolean serverHello, long millis, String how) {

		@Override
		public String toString() {
			return this.alert.map(Alert::toString).orElse("no alert") + " after " + this.millis + " ms (" + this.how
					+ ")";
		}

	}

}
