package dev.tlsaccept.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsServerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The listener's behaviour in every BIO mode, against real peers: the JDK's
 * {@code SSLSocket} and {@code openssl s_client}.
 */
class TlsServerModeTests {

	private static final TlsConnectionHandler ECHO = (connection) -> {
		InputStream in = connection.inputStream();
		OutputStream out = connection.outputStream();
		byte[] buffer = new byte[8192];
		int count;
		while ((count = in.read(buffer)) >= 0) {
			out.write(buffer, 0, count);
		}
	};

	private final EventRecorder events = new EventRecorder();

	private TlsServer server(BioMode mode, TlsServerContext context, TlsConnectionHandler handler) {
		return server(TlsServerSettings.builder(ServerFixtures.uniqueName(mode.configName())).bioMode(mode), context,
				handler);
	}

	private TlsServer server(TlsServerSettings.Builder settings, TlsServerContext context,
			TlsConnectionHandler handler) {
		TlsServer server = new TlsServer(settings.address(ServerFixtures.LOOPBACK).build(), context, this.events,
				handler);
		server.start();
		return server;
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void echoHandlerRoundTripsBytesOverTls13(BioMode mode) throws Exception {
		try (TlsServer server = server(mode, ServerFixtures.context(), ECHO)) {
			byte[] sent = new byte[200_000];
			new Random(13).nextBytes(sent);
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
				CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
					try {
						client.getOutputStream().write(sent);
						client.getOutputStream().flush();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				byte[] received = client.getInputStream().readNBytes(sent.length);
				writer.get(10, TimeUnit.SECONDS);
				assertThat(received).isEqualTo(sent);
			}
			HandshakeEvent event = this.events.await("a success", (e) -> e.result().isSuccess());
			assertThat(event.listener()).isEqualTo(server.settings().name());
			assertThat(event.bioMode()).isEqualTo(mode);
			assertThat(event.engine()).isEqualTo("jdk");
			assertThat(event.peer()).isNotNull();
			assertThat(event.result().protocol()).isEqualTo("TLSv1.3");
			ServerFixtures.await(Duration.ofSeconds(5), "the connection to be closed",
					() -> server.stats().openConnections() == 0);
			assertThat(server.stats().handshakesSucceeded()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void everyAdmittedHandshakeIsReportedStartedBeforeItEndsOffTheSelectorThreads(BioMode mode) throws Exception {
		StartAndEndRecorder observer = new StartAndEndRecorder();
		List<Object> seen = observer.seen;
		List<String> threads = observer.startThreads;
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName(mode.configName()))
			.bioMode(mode)
			.address(ServerFixtures.LOOPBACK)
			.build();
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(), observer, null)) {
			server.start();
			int localPort;
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
				localPort = client.getLocalPort();
			}
			ServerFixtures.await(Duration.ofSeconds(15), "a start and an end in " + seen, () -> seen.size() >= 2);
			assertThat(seen).hasSize(2);
			HandshakeStarted started = (HandshakeStarted) seen.get(0);
			HandshakeEvent finished = (HandshakeEvent) seen.get(1);
			assertThat(started.listener()).isEqualTo(finished.listener());
			assertThat(started.bioMode()).isEqualTo(mode);
			assertThat(started.connecting()).isEqualTo(finished.connecting());
			assertThat(started.connecting().getPort()).isEqualTo(localPort);
			assertThat(started.time()).isBeforeOrEqualTo(finished.result().startedAt().plusMillis(1));
			assertThat(threads).singleElement().asString().doesNotContain("-selector-").doesNotContain("-acceptor");
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void anObserverThatDoesNotObserveStartsIsToldOnlyTheEnds(BioMode mode) throws Exception {
		List<Object> seen = new CopyOnWriteArrayList<>();
		HandshakeObserver observer = new HandshakeObserver() {

			@Override
			public void handshakeStarted(HandshakeStarted started) {
				seen.add(started);
			}

			@Override
			public void handshakeFinished(HandshakeEvent event) {
				seen.add(event);
			}

		};
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName(mode.configName()))
			.bioMode(mode)
			.address(ServerFixtures.LOOPBACK)
			.build();
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(), observer, null)) {
			server.start();
			for (int i = 0; i < 2; i++) {
				try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
					client.getSession();
				}
			}
			ServerFixtures.await(Duration.ofSeconds(15), "two ends in " + seen, () -> seen.size() >= 2);
			assertThat(seen).hasSize(2).allMatch(HandshakeEvent.class::isInstance);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void lineEchoWorksWithOpenSslClientOverTls12(BioMode mode) throws Exception {
		TlsConnectionHandler lineEcho = (connection) -> {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
			String line = reader.readLine();
			connection.outputStream().write(("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8));
		};
		try (TlsServer server = server(mode, ServerFixtures.context(), lineEcho)) {
			ServerFixtures.OpenSslRun run = ServerFixtures.openssl(server.port(), "hello over tls 1.2\n", "-tls1_2",
					"-quiet");
			assertThat(run.stdout()).contains("echo: hello over tls 1.2");
			HandshakeEvent event = this.events.await("a success", (e) -> e.result().isSuccess());
			assertThat(event.result().protocol()).isEqualTo("TLSv1.2");
			assertThat(event.result().cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_");
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void echoHandlerRoundTripsBytesOverTls12WithJdkClient(BioMode mode) throws Exception {
		try (TlsServer server = server(mode, ServerFixtures.context(), ECHO)) {
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.2")) {
				client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
				client.getOutputStream().flush();
				assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
					.isEqualTo("ping");
				assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
			}
			assertThat(this.events.await("a success", (e) -> e.result().isSuccess()).result().protocol())
				.isEqualTo("TLSv1.2");
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void handshakeProbeWithoutHandlerClosesWithCloseNotify(BioMode mode) throws Exception {
		try (TlsServer server = server(mode, ServerFixtures.context(), null)) {
			for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
				try (SSLSocket client = ServerFixtures.connect(server, protocol)) {
					// the JDK returns -1 only on the peer's close_notify
					assertThat(client.getInputStream().read()).isEqualTo(-1);
				}
			}
			ServerFixtures.OpenSslRun run = ServerFixtures.openssl(server.port(), "", "-tls1_3", "-brief");
			assertThat(run.stderr()).contains("CONNECTION ESTABLISHED").contains("TLSv1.3");
			ServerFixtures.await(Duration.ofSeconds(5), "three handshakes to be counted and closed",
					() -> server.stats().handshakesSucceeded() == 3 && server.stats().openConnections() == 0);
			// observers run on their own thread in the selector modes: wait for the
			// events too
			assertThat(this.events.awaitCount(3)).hasSize(3)
				.allSatisfy((e) -> assertThat(e.result().isSuccess()).isTrue());
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void plaintextHttpIsReportedAsSslFailureWhileGoodClientSucceeds(BioMode mode) throws Exception {
		try (TlsServer server = server(mode, ServerFixtures.context(), ECHO)) {
			try (Socket http = ServerFixtures.raw(server)) {
				http.getOutputStream()
					.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				HandshakeEvent failure = this.events.await("a failure", (e) -> !e.result().isSuccess());
				assertThat(failure.result().code()).isEqualTo(-1);
				assertThat(failure.result().error()).isEqualTo(SslError.SSL);
				assertThat(failure.result().reason()).isEqualTo("http request");
				// the server closes the connection without answering in TLS
				assertThat(ServerFixtures.readToEnd(http.getInputStream())).isEmpty();
			}
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
				client.getOutputStream().write(7);
				assertThat(client.getInputStream().read()).isEqualTo(7);
			}
			assertThat(server.stats().handshakesFailed()).isEqualTo(1);
			assertThat(server.stats().handshakesSucceeded()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void stalledClientTimesOutAsSyscallFailure(BioMode mode) throws Exception {
		try (TlsServer server = server(mode, ServerFixtures.context(Duration.ofMillis(500)), ECHO)) {
			long start = System.nanoTime();
			try (Socket stalled = ServerFixtures.raw(server)) {
				// the start of a TLS record header, then nothing
				stalled.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01 });
				HandshakeEvent timeout = this.events.await("a timeout", (e) -> !e.result().isSuccess());
				assertThat(timeout.result().code()).isEqualTo(-1);
				assertThat(timeout.result().error()).isEqualTo(SslError.SYSCALL);
				assertThat(timeout.result().reason()).isEqualTo("handshake timed out");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450))
					.isLessThan(Duration.ofSeconds(5));
				assertThat(stalled.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(server.stats().pendingHandshakes()).isZero();
			assertThat(server.stats().openConnections()).isZero();
		}
	}

	@Test
	void maxPendingHandshakesRefusesFurtherConnectionsInBlockingMode() throws Exception {
		TlsServerSettings.Builder settings = TlsServerSettings.builder(ServerFixtures.uniqueName("pending"))
			.bioMode(BioMode.BLOCKING)
			.maxPendingHandshakes(2);
		try (TlsServer server = server(settings, ServerFixtures.context(), ECHO);
				Socket first = ServerFixtures.raw(server);
				Socket second = ServerFixtures.raw(server)) {
			ServerFixtures.await(Duration.ofSeconds(5), "two pending handshakes",
					() -> server.stats().pendingHandshakes() == 2);
			try (Socket refused = ServerFixtures.raw(server)) {
				// closed at once, not a single TLS byte
				assertThat(refused.getInputStream().read()).isEqualTo(-1);
			}
			HandshakeEvent event = this.events.await("a refusal", (e) -> !e.result().isSuccess());
			assertThat(event.result().code()).isEqualTo(-1);
			assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
			assertThat(event.result().reason()).isEqualTo("refused: max-pending-handshakes (2) reached");
			TlsServerStats stats = server.stats();
			assertThat(stats.refusedMaxPendingHandshakes()).isEqualTo(1);
			assertThat(stats.refusedMaxConnections()).isZero();
			assertThat(stats.accepted()).isEqualTo(3);
			assertThat(stats.pendingHandshakes()).isEqualTo(2);
			assertThat(stats.openConnections()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void maxPendingHandshakesCutsTheMostSilentHandshakeForANewOne(BioMode mode) throws Exception {
		TlsServerSettings.Builder settings = TlsServerSettings.builder(ServerFixtures.uniqueName("pending"))
			.bioMode(mode)
			.maxPendingHandshakes(2);
		try (TlsServer server = server(settings, ServerFixtures.context(), ECHO);
				Socket silent = ServerFixtures.raw(server)) {
			ServerFixtures.await(Duration.ofSeconds(5), "one pending handshake",
					() -> server.stats().pendingHandshakes() == 1);
			try (Socket later = ServerFixtures.raw(server)) {
				ServerFixtures.await(Duration.ofSeconds(5), "two pending handshakes",
						() -> server.stats().pendingHandshakes() == 2);
				// neither sent a byte: the first has been silent the longest
				try (SSLSocket legit = ServerFixtures.connect(server, "TLSv1.3")) {
					legit.getOutputStream().write('x');
					assertThat(legit.getInputStream().read()).isEqualTo('x');
				}
				// the silent one was cut to make room, without a byte
				assertThat(silent.getInputStream().read()).isEqualTo(-1);
				HandshakeEvent event = this.events.await("the cut", (e) -> !e.result().isSuccess());
				assertThat(event.result().code()).isEqualTo(-1);
				assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
				assertThat(event.result().reason())
					.startsWith("handshake cut: stalled while max-pending-handshakes (2) was reached, silent ");
				assertThat(event.peer().getPort()).isEqualTo(silent.getLocalPort());
				TlsServerStats stats = server.stats();
				assertThat(stats.stalledHandshakesCut()).isEqualTo(1);
				assertThat(stats.refusedMaxPendingHandshakes()).isZero();
				assertThat(stats.pendingHandshakes()).isEqualTo(1);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void maxConnectionsRefusesFurtherConnections(BioMode mode) throws Exception {
		TlsServerSettings.Builder settings = TlsServerSettings.builder(ServerFixtures.uniqueName("max"))
			.bioMode(mode)
			.maxConnections(1);
		try (TlsServer server = server(settings, ServerFixtures.context(), ECHO);
				SSLSocket established = ServerFixtures.connect(server, "TLSv1.3")) {
			established.getOutputStream().write(1);
			assertThat(established.getInputStream().read()).isEqualTo(1);
			try (Socket refused = ServerFixtures.raw(server)) {
				assertThat(refused.getInputStream().read()).isEqualTo(-1);
			}
			HandshakeEvent event = this.events.await("a refusal", (e) -> !e.result().isSuccess());
			assertThat(event.result().reason()).isEqualTo("refused: max-connections (1) reached");
			assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
			assertThat(server.stats().refusedMaxConnections()).isEqualTo(1);
			assertThat(server.stats().openConnections()).isEqualTo(1);
			// the established connection is unaffected
			established.getOutputStream().write(2);
			assertThat(established.getInputStream().read()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void stopLetsAnEstablishedConnectionFinishItsTransfer(BioMode mode) throws Exception {
		TlsServerSettings.Builder settings = TlsServerSettings.builder(ServerFixtures.uniqueName("drain"))
			.bioMode(mode)
			.shutdownTimeout(Duration.ofSeconds(20));
		TlsServer server = server(settings, ServerFixtures.context(), ECHO);
		CompletableFuture<Void> stopped;
		byte[] chunk = new byte[32 * 1024];
		Arrays.fill(chunk, (byte) 'x');
		int chunks = 8;
		try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
			OutputStream out = client.getOutputStream();
			InputStream in = client.getInputStream();
			out.write(chunk);
			assertThat(in.readNBytes(chunk.length)).isEqualTo(chunk);
			CountDownLatch stopCalled = new CountDownLatch(1);
			stopped = CompletableFuture.runAsync(() -> {
				stopCalled.countDown();
				server.stop();
			});
			assertThat(stopCalled.await(5, TimeUnit.SECONDS)).isTrue();
			// STOPPING is set just before the listening socket closes: wait for the close
			ServerFixtures.await(Duration.ofSeconds(5), "the server to stop accepting",
					() -> server.state() == TlsServer.State.STOPPING && refusesConnections(server));
			// new connections are refused meanwhile
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> ServerFixtures.connect(server, "TLSv1.3").close());
			// mid-transfer: the connection keeps working while the server stops
			for (int i = 1; i < chunks; i++) {
				out.write(chunk);
				assertThat(in.readNBytes(chunk.length)).isEqualTo(chunk);
			}
			assertThat(stopped).isNotDone();
			client.shutdownOutput();
			// the server closes with close_notify after the handler returns
			assertThat(in.read()).isEqualTo(-1);
		}
		stopped.get(10, TimeUnit.SECONDS);
		assertThat(server.state()).isEqualTo(TlsServer.State.STOPPED);
		assertThat(server.stats().openConnections()).isZero();
		assertThat(server.stats().handshakesSucceeded()).isEqualTo(1);
		ServerFixtures.awaitNoThreads(server.settings().name());
	}

	private static boolean refusesConnections(TlsServer server) {
		try (Socket probe = ServerFixtures.raw(server)) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

}
