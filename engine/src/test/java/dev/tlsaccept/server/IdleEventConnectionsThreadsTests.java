package dev.tlsaccept.server;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What 2,000 established, idle event-driven connections cost in threads: nothing beyond
 * the listener's own, in {@code non-blocking} and {@code pair} modes.
 */
class IdleEventConnectionsThreadsTests {

	private static final int IDLE = 2_000;

	/** Threads of the whole JVM allowed above the count before the server started. */
	private static final int SLACK = 16;

	@Test
	void nonBlockingModeHoldsNoThreadForTwoThousandIdleConnections() throws Exception {
		assertNoThreadPerConnection(BioMode.NON_BLOCKING);
	}

	@Test
	void pairModeHoldsNoThreadForTwoThousandIdleConnections() throws Exception {
		assertNoThreadPerConnection(BioMode.PAIR);
	}

	private void assertNoThreadPerConnection(BioMode mode) throws Exception {
		String name = ServerFixtures.uniqueName("idle-" + mode.configName());
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		TlsChannelHandler handler = new TlsChannelHandler() {

			@Override
			public void opened(TlsChannel channel) {
				opened.incrementAndGet();
			}

			@Override
			public void received(TlsChannel channel, ByteBuffer data) {
				channel.write(data);
			}

			@Override
			public void closed(TlsChannel channel, CloseReason reason) {
				closed.incrementAndGet();
			}

		};
		int before = ManagementFactory.getThreadMXBean().getThreadCount();
		TlsServer server = TlsServer.eventDriven(TlsServerSettings.builder(name)
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.shutdownTimeout(Duration.ofMillis(100))
			.build(), ServerFixtures.context(Duration.ofSeconds(60)), HandshakeObserver.NONE, handler);
		server.start();
		// one client context: after the first, the TLS 1.2 handshakes resume (cheap on a
		// shared machine)
		SSLSocketFactory factory = ServerFixtures.clientContext(ServerFixtures.keys()).getSocketFactory();
		List<SSLSocket> clients = new ArrayList<>();
		try {
			long start = System.nanoTime();
			for (int i = 0; i < IDLE; i++) {
				SSLSocket client = (SSLSocket) factory.createSocket(ServerFixtures.LOOPBACK, server.port());
				clients.add(client);
				client.setSoTimeout(20_000);
				client.setEnabledProtocols(new String[] { "TLSv1.2" });
				client.startHandshake();
			}
			ServerFixtures.await(Duration.ofSeconds(60), IDLE + " open connections",
					() -> opened.get() == IDLE && server.stats().openConnections() == IDLE);
			int during = ManagementFactory.getThreadMXBean().getThreadCount();
			System.out.printf("THREADS %s: %d idle event-driven connections in %d ms: JVM threads %d -> %d%n",
					mode.configName(), IDLE, Duration.ofNanos(System.nanoTime() - start).toMillis(), before, during);
			assertThat(during).as("JVM threads with %d idle connections", IDLE).isLessThanOrEqualTo(before + SLACK);
			assertThat(server.stats().pendingHandshakes()).isZero();
			assertThat(closed).hasValue(0);
			// idle, not dead: the first and the last still answer
			for (SSLSocket client : List.of(clients.get(0), clients.get(IDLE - 1))) {
				client.getOutputStream().write(42);
				assertThat(client.getInputStream().read()).isEqualTo(42);
			}
		}
		finally {
			server.stop();
			for (SSLSocket client : clients) {
				client.close();
			}
		}
		assertThat(closed).hasValue(IDLE);
		assertThat(server.stats().openConnections()).isZero();
		ServerFixtures.awaitNoThreads(name);
	}

}
