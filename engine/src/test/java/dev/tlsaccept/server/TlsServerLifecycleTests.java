package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Start, stop, failures to start, key rotation and misbehaving callbacks.
 */
class TlsServerLifecycleTests {

	private final EventRecorder events = new EventRecorder();

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void portInUseFailsWithPortInUseAndLeavesNothingBehind(BioMode mode) throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
			String name = ServerFixtures.uniqueName("edge");
			TlsServer server = new TlsServer(
					TlsServerSettings.builder(name).port(taken.getLocalPort()).bioMode(mode).build(),
					ServerFixtures.context(), this.events, null);
			assertThatExceptionOfType(TlsServerException.class).isThrownBy(server::start).satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(TlsServerException.Kind.PORT_IN_USE);
				assertThat(ex.listener()).isEqualTo(name);
				assertThat(ex.port()).isEqualTo(taken.getLocalPort());
				assertThat(ex.address()).isEqualTo("0.0.0.0");
				assertThat(ex).hasMessage("Port " + taken.getLocalPort() + " on 0.0.0.0 is already in use for TLS "
						+ "listener '" + name + "': stop the process that listens on it, or configure another port "
						+ "(0 picks a free one)");
			});
			assertThat(server.state()).isEqualTo(TlsServer.State.FAILED);
			assertThat(server.failure()).isInstanceOf(TlsServerException.class);
			assertThat(server.port()).isEqualTo(-1);
			assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-")).isEmpty();
			server.stop();
			assertThat(server.state()).isEqualTo(TlsServer.State.FAILED);
		}
	}

	@Test
	void addressOfAnotherHostFailsWithBadAddress() throws IOException {
		// TEST-NET-1 (RFC 5737): never assigned to this host
		InetAddress elsewhere = InetAddress.getByAddress(new byte[] { (byte) 192, 0, 2, 1 });
		String name = ServerFixtures.uniqueName("elsewhere");
		TlsServer server = new TlsServer(TlsServerSettings.builder(name).address(elsewhere).port(8443).build(),
				ServerFixtures.context(), this.events, null);
		assertThatExceptionOfType(TlsServerException.class).isThrownBy(server::start).satisfies((ex) -> {
			assertThat(ex.kind()).isEqualTo(TlsServerException.Kind.BAD_ADDRESS);
			assertThat(ex.getMessage()).contains("192.0.2.1", "8443", "'" + name + "'",
					"Use one of this host's addresses");
		});
		assertThat(server.state()).isEqualTo(TlsServer.State.FAILED);
		assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-")).isEmpty();
	}

	@Test
	void ephemeralPortIsReportedAfterStartAndThreadsAreNamedAfterTheListener() {
		String name = ServerFixtures.uniqueName("named");
		TlsServer server = new TlsServer(
				TlsServerSettings.builder(name).address(ServerFixtures.LOOPBACK).selectorThreads(2).build(),
				ServerFixtures.context(), this.events, null);
		assertThat(server.port()).isEqualTo(-1);
		assertThat(server.localAddress()).isNull();
		assertThat(server.state()).isEqualTo(TlsServer.State.NEW);
		// nothing starts in the constructor
		assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-")).isEmpty();
		server.start();
		try {
			assertThat(server.state()).isEqualTo(TlsServer.State.RUNNING);
			assertThat(server.port()).isPositive();
			assertThat(server.localAddress()).isEqualTo(new InetSocketAddress(ServerFixtures.LOOPBACK, server.port()));
			assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-")).extracting(Thread::getName)
				.containsExactlyInAnyOrder("tlsaccept-" + name + "-selector-1", "tlsaccept-" + name + "-selector-2");
			assertThatIllegalStateException().isThrownBy(server::start).withMessageContaining("starts once");
		}
		finally {
			server.stop();
		}
		assertThat(server.state()).isEqualTo(TlsServer.State.STOPPED);
		server.stop();
		assertThat(server.state()).isEqualTo(TlsServer.State.STOPPED);
		ServerFixtures.awaitNoThreads(name);
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void severalSelectorThreadsShareTheHandshakes(BioMode mode) throws Exception {
		String name = ServerFixtures.uniqueName("selectors");
		try (TlsServer server = new TlsServer(
				TlsServerSettings.builder(name)
					.address(ServerFixtures.LOOPBACK)
					.bioMode(mode)
					.selectorThreads(3)
					.build(),
				ServerFixtures.context(), this.events,
				(connection) -> connection.outputStream().write(Thread.currentThread().getName().length()))) {
			server.start();
			for (int i = 0; i < 6; i++) {
				try (SSLSocket client = ServerFixtures.connect(server, (i % 2 == 0) ? "TLSv1.3" : "TLSv1.2")) {
					assertThat(client.getInputStream().read()).isEqualTo(("tlsaccept-" + name + "-worker-1").length());
				}
			}
			assertThat(this.events.awaitCount(6)).allSatisfy((e) -> assertThat(e.result().isSuccess()).isTrue());
			assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-selector-")).hasSize(3);
		}
		ServerFixtures.awaitNoThreads(name);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void stopCutsPendingHandshakesAndReportsThem(BioMode mode) throws Exception {
		String name = ServerFixtures.uniqueName("cut");
		TlsServer server = new TlsServer(
				TlsServerSettings.builder(name).address(ServerFixtures.LOOPBACK).bioMode(mode).build(),
				ServerFixtures.context(), this.events, null);
		server.start();
		try (Socket pending = ServerFixtures.raw(server)) {
			pending.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01 });
			ServerFixtures.await(Duration.ofSeconds(5), "a pending handshake",
					() -> server.stats().pendingHandshakes() == 1);
			server.stop();
			HandshakeEvent event = this.events.await("the cut handshake", (e) -> true);
			assertThat(event.result().code()).isEqualTo(-1);
			assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
			assertThat(event.result().reason()).isEqualTo("handshake cut: listener stopping");
			assertThat(pending.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.events.events()).hasSize(1);
		TlsServerStats stats = server.stats();
		assertThat(stats.pendingHandshakes()).isZero();
		assertThat(stats.openConnections()).isZero();
		assertThat(stats.handshakesFailed()).isEqualTo(1);
		ServerFixtures.awaitNoThreads(name);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void stopClosesConnectionsWhoseHandlerOutlivesTheShutdownTimeout(BioMode mode) throws Exception {
		String name = ServerFixtures.uniqueName("slow");
		CountDownLatch handling = new CountDownLatch(1);
		TlsConnectionHandler blockedReader = (connection) -> {
			handling.countDown();
			// waits for bytes the client never sends
			connection.inputStream().read();
		};
		TlsServer server = new TlsServer(TlsServerSettings.builder(name)
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.shutdownTimeout(Duration.ofMillis(200))
			.build(), ServerFixtures.context(), this.events, blockedReader);
		server.start();
		try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
			assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			server.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			// close_notify reaches the client: the JDK returns -1 only then
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(server.stats().openConnections()).isZero();
		ServerFixtures.awaitNoThreads(name);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void stopEndsAHandlerBlockedWritingToAPeerThatDoesNotRead(BioMode mode) throws Exception {
		String name = ServerFixtures.uniqueName("flood");
		CountDownLatch writing = new CountDownLatch(1);
		TlsConnectionHandler flood = (connection) -> {
			byte[] chunk = new byte[64 * 1024];
			writing.countDown();
			while (true) {
				connection.outputStream().write(chunk);
			}
		};
		TlsServer server = new TlsServer(TlsServerSettings.builder(name)
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.shutdownTimeout(Duration.ofMillis(200))
			.build(), ServerFixtures.context(), this.events, flood);
		server.start();
		try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
			assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			server.stop();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
		}
		assertThat(server.state()).isEqualTo(TlsServer.State.STOPPED);
		assertThat(server.stats().openConnections()).isZero();
		ServerFixtures.awaitNoThreads(name);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void newContextAppliesToNewHandshakesWhileEstablishedConnectionsKeepTheirs(BioMode mode) throws Exception {
		KeyMaterial first = ServerFixtures.keys();
		KeyMaterial second = SelfSignedCertificate.generate();
		TlsServerContext rotated = TlsServerContext.create(TlsConfig.builder(second).build());
		TlsConnectionHandler echo = (connection) -> connection.inputStream().transferTo(connection.outputStream());
		try (TlsServer server = new TlsServer(TlsServerSettings.builder(ServerFixtures.uniqueName("rotate"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build(), ServerFixtures.context(), this.events, echo)) {
			server.start();
			try (SSLSocket before = ServerFixtures.connect(server, "TLSv1.3", first)) {
				server.setContext(rotated);
				assertThat(server.context()).isSameAs(rotated);
				assertThatExceptionOfType(SSLHandshakeException.class)
					.isThrownBy(() -> ServerFixtures.connect(server, "TLSv1.3", first).close());
				try (SSLSocket after = ServerFixtures.connect(server, "TLSv1.3", second)) {
					after.getOutputStream().write(2);
					assertThat(after.getInputStream().read()).isEqualTo(2);
				}
				before.getOutputStream().write(1);
				assertThat(before.getInputStream().read()).isEqualTo(1);
				assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(first.leaf());
			}
		}
		finally {
			rotated.close();
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void failingObserverAndHandlerNeverStopTheServer(BioMode mode) throws Exception {
		HandshakeObserver failingObserver = (event) -> {
			throw new IllegalStateException("observer failure");
		};
		TlsConnectionHandler failingHandler = (connection) -> {
			connection.outputStream().write(42);
			throw new IOException("handler failure");
		};
		try (TlsServer server = new TlsServer(TlsServerSettings.builder(ServerFixtures.uniqueName("failing"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build(), ServerFixtures.context(), failingObserver, failingHandler)) {
			server.start();
			for (int i = 0; i < 3; i++) {
				try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
					assertThat(client.getInputStream().read()).isEqualTo(42);
					// closed with close_notify after the handler failed
					assertThat(client.getInputStream().read()).isEqualTo(-1);
				}
			}
			assertThat(server.state()).isEqualTo(TlsServer.State.RUNNING);
			assertThat(server.stats().handshakesSucceeded()).isEqualTo(3);
			ServerFixtures.await(Duration.ofSeconds(5), "connections closed",
					() -> server.stats().openConnections() == 0);
			ServerFixtures.await(Duration.ofSeconds(5), "handler exceptions counted",
					() -> server.stats().handlerErrors() == 3);
		}
	}

	@Test
	void workerExecutorOfTheApplicationRunsHandlers() throws Exception {
		String name = ServerFixtures.uniqueName("custom");
		java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors
			.newSingleThreadExecutor((task) -> new Thread(task, "app-worker"));
		try (TlsServer server = new TlsServer(
				TlsServerSettings.builder(name).address(ServerFixtures.LOOPBACK).workerExecutor(executor).build(),
				ServerFixtures.context(), this.events, (connection) -> connection.outputStream()
					.write(Thread.currentThread().getName().getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
			server.start();
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
				assertThat(new String(ServerFixtures.readToEnd(client.getInputStream()),
						java.nio.charset.StandardCharsets.US_ASCII))
					.isEqualTo("app-worker");
			}
			assertThat(ServerFixtures.threadsNamed("tlsaccept-" + name + "-worker")).isEmpty();
		}
		finally {
			executor.shutdownNow();
		}
	}

}
