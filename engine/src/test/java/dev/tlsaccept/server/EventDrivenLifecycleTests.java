package dev.tlsaccept.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.RawClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Graceful drain, key rotation and {@code max-connections} behave for event-driven
 * connections as they do for blocking streams ({@link TlsServerLifecycleTests},
 * {@link TlsServerModeTests}), and no way of ending a connection leaves a thread or a
 * file descriptor behind.
 */
class EventDrivenLifecycleTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ChannelRecorder handler = new ChannelRecorder();

	private final EventRecorder events = new EventRecorder();

	private @Nullable TlsServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.stop();
			this.handler.awaitAllClosed();
			this.handler.assertContractKept();
			assertThat(this.server.stats().openConnections()).isZero();
			ServerFixtures.awaitNoThreads(this.server.settings().name());
		}
	}

	private TlsServer start(BioMode mode, UnaryOperator<TlsServerSettings.Builder> settings) {
		return start(mode, settings, ServerFixtures.context());
	}

	private TlsServer start(BioMode mode, UnaryOperator<TlsServerSettings.Builder> settings, TlsServerContext context) {
		TlsServerSettings.Builder builder = TlsServerSettings
			.builder(ServerFixtures.uniqueName("event-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode);
		TlsServer started = TlsServer.eventDriven(settings.apply(builder).build(), context, this.events, this.handler);
		this.server = started;
		started.start();
		return started;
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void stopLetsAnEstablishedConnectionFinishItsTransfer(BioMode mode) throws Exception {
		TlsServer server = start(mode, (settings) -> settings.shutdownTimeout(WAIT));
		byte[] chunk = new byte[32 * 1024];
		Arrays.fill(chunk, (byte) 'x');
		CompletableFuture<Void> stopped;
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
			ServerFixtures.await(WAIT, "the server to stop accepting",
					() -> server.state() == TlsServer.State.STOPPING);
			// new connections are refused meanwhile
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> ServerFixtures.connect(server, "TLSv1.3").close());
			// mid-transfer: the connection keeps working while the server stops
			for (int i = 0; i < 8; i++) {
				out.write(chunk);
				assertThat(in.readNBytes(chunk.length)).isEqualTo(chunk);
			}
			assertThat(stopped).isNotDone();
			// close_notify (a TLS 1.3 half-close): the server answers with its own and
			// closes
			client.shutdownOutput();
			assertThat(in.read()).isEqualTo(-1);
		}
		stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(server.state()).isEqualTo(TlsServer.State.STOPPED);
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(server.stats().handshakesSucceeded()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void stopClosesConnectionsThatOutliveTheShutdownTimeoutWithCloseNotify(BioMode mode) throws Exception {
		TlsServer server = start(mode, (settings) -> settings.shutdownTimeout(Duration.ofMillis(200)));
		try (JdkPeer first = peer(server, "TLSv1.3"); JdkPeer second = peer(server, "TLSv1.2")) {
			assertThat(first.roundTrip("one")).isEqualTo("one");
			assertThat(second.roundTrip("two")).isEqualTo("two");
			long start = System.nanoTime();
			server.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(first.readByte()).as("close_notify").isEqualTo(-1);
			assertThat(first.readRawToEnd()).as("then the end of the TCP stream").isEmpty();
			assertThat(RawClient.records(second.readRawToEnd())).as("TLS 1.2: one alert record, then the end")
				.extracting(RawClient.Record::contentType)
				.containsExactly(RawClient.Record.ALERT);
		}
		assertThat(this.handler.connections()).hasSize(2)
			.allSatisfy((connection) -> assertThat(connection.awaitClosed()).isEqualTo(CloseReason.LISTENER_STOPPED));
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void newContextAppliesToNewHandshakesWhileEstablishedConnectionsKeepTheirs(BioMode mode) throws Exception {
		KeyMaterial first = ServerFixtures.keys();
		KeyMaterial second = SelfSignedCertificate.generate();
		try (TlsServerContext rotated = TlsServerContext.create(TlsConfig.builder(second).build())) {
			TlsServer server = start(mode, UnaryOperator.identity());
			try (SSLSocket before = ServerFixtures.connect(server, "TLSv1.3", first)) {
				before.getOutputStream().write(1);
				assertThat(before.getInputStream().read()).isEqualTo(1);
				server.setContext(rotated);
				assertThatExceptionOfType(SSLHandshakeException.class)
					.isThrownBy(() -> ServerFixtures.connect(server, "TLSv1.3", first).close());
				try (SSLSocket after = ServerFixtures.connect(server, "TLSv1.3", second)) {
					after.getOutputStream().write(2);
					assertThat(after.getInputStream().read()).isEqualTo(2);
					assertThat(after.getSession().getPeerCertificates()[0]).isEqualTo(second.leaf());
				}
				// the connection from before the rotation was not dropped
				before.getOutputStream().write(3);
				assertThat(before.getInputStream().read()).isEqualTo(3);
				assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(first.leaf());
			}
			server.stop();
		}
		assertThat(this.handler.connections()).hasSize(2)
			.allSatisfy((connection) -> assertThat(connection.awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED));
		// the refused handshake never became a connection
		assertThat(this.server.stats().handshakesFailed()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void maxConnectionsCountsEventDrivenConnections(BioMode mode) throws Exception {
		TlsServer server = start(mode, (settings) -> settings.maxConnections(1));
		try (JdkPeer established = peer(server, "TLSv1.3")) {
			assertThat(established.roundTrip("1")).isEqualTo("1");
			try (Socket refused = ServerFixtures.raw(server)) {
				// closed at once, not a single TLS byte
				assertThat(refused.getInputStream().read()).isEqualTo(-1);
			}
			HandshakeEvent event = this.events.await("a refusal", (e) -> !e.result().isSuccess());
			assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
			assertThat(event.result().reason()).isEqualTo("refused: max-connections (1) reached");
			assertThat(server.stats().refusedMaxConnections()).isEqualTo(1);
			assertThat(server.stats().openConnections()).isEqualTo(1);
			// the established connection is unaffected
			assertThat(established.roundTrip("2")).isEqualTo("2");
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		ServerFixtures.await(WAIT, "the connection to be uncounted", () -> server.stats().openConnections() == 0);
		// its slot is free again
		try (JdkPeer next = peer(server, "TLSv1.3")) {
			assertThat(next.roundTrip("3")).isEqualTo("3");
		}
		assertThat(this.handler.connection(1).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(server.stats().refusedMaxConnections()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void noWayOfEndingLeavesAThreadOrAFileDescriptorBehind(BioMode mode) throws Exception {
		StressMain.Resources before = StressMain.Resources.now();
		this.handler.onReceived = (channel, data) -> {
			String command = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
			switch (command) {
				case "close" -> channel.close();
				case "idle" -> channel.setIdleTimeout(Duration.ofMillis(50));
				case "expire" -> channel.setMaxLifetime(Duration.ofMillis(1));
				case "fail" -> throw new IllegalStateException("handler failure expected by the test");
				default -> channel.write(data);
			}
		};
		TlsServer server = start(mode, (settings) -> settings.shutdownTimeout(Duration.ofMillis(200)));
		for (int round = 0; round < 3; round++) {
			try (JdkPeer client = peer(server, "TLSv1.3")) {
				client.roundTrip("hello");
				client.tls().shutdownOutput();
				assertThat(client.readByte()).isEqualTo(-1);
			}
			for (String command : List.of("close", "idle", "expire", "fail")) {
				try (JdkPeer client = peer(server, "TLSv1.3")) {
					client.write(command);
					assertThat(client.readByte()).as(command).isEqualTo(-1);
				}
			}
			try (JdkPeer client = peer(server, "TLSv1.2")) {
				client.roundTrip("hello");
				client.endWithoutCloseNotify();
				assertThat(client.readRawToEnd()).isEmpty();
			}
			try (JdkPeer client = peer(server, "TLSv1.3")) {
				client.roundTrip("hello");
				client.reset();
			}
			try (JdkPeer client = peer(server, "TLSv1.2")) {
				client.roundTrip("hello");
				client.tamperWithNextRecord();
				client.write("spoiled");
				assertThat(client.readRawToEnd()).isNotEmpty();
			}
		}
		// and one still open when the server stops
		JdkPeer open = peer(server, "TLSv1.3");
		try {
			assertThat(open.roundTrip("hello")).isEqualTo("hello");
			ServerFixtures.await(WAIT, "every other connection to end", () -> server.stats().openConnections() == 1);
			server.stop();
		}
		finally {
			open.close();
		}
		this.handler.awaitAllClosed();
		List<CloseReason> ways = List.of(CloseReason.PEER_CLOSED, CloseReason.CLOSED, CloseReason.IDLE_TIMEOUT,
				CloseReason.LIFETIME_EXPIRED, CloseReason.HANDLER_FAILED, CloseReason.PEER_EOF, CloseReason.RESET,
				CloseReason.TLS_FAILURE);
		List<CloseReason> expected = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			expected.addAll(ways);
		}
		expected.add(CloseReason.LISTENER_STOPPED);
		assertThat(this.handler.connections()).extracting(ChannelRecorder.Connection::awaitClosed)
			.containsExactlyInAnyOrderElementsOf(expected);
		ServerFixtures.awaitNoThreads(server.settings().name());
		StressMain.Resources after = StressMain.Resources.awaitBackTo(before);
		assertThat(after.within(before)).as("resources before %s, after %s", before, after).isTrue();
	}

	private static JdkPeer peer(TlsServer server, String protocol) throws Exception {
		return JdkPeer.connect(server.port(), protocol, clientContext());
	}

	private static SSLContext clientContext() throws Exception {
		return ServerFixtures.clientContext(ServerFixtures.keys());
	}

}
