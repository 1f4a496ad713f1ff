package dev.tlsaccept.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What 1,000 pending half-handshakes (a record header, then silence) cost in threads:
 * nothing in {@code non-blocking} and {@code pair} modes, one thread each in
 * {@code blocking} mode.
 */
class PendingHandshakeThreadsTests {

	private static final int PENDING = 1_000;

	@Test
	void nonBlockingModeKeepsThreadCountConstantWithThousandPendingHandshakes() throws Exception {
		Measurement measurement = measure(BioMode.NON_BLOCKING, TlsServerSettings.DEFAULT_SELECTOR_THREADS);
		// the selector threads only: one per processor by default
		assertThat(measurement.during()).isEqualTo(measurement.before())
			.isEqualTo(TlsServerSettings.DEFAULT_SELECTOR_THREADS);
	}

	@Test
	void pairModeKeepsThreadCountConstantWithThousandPendingHandshakes() throws Exception {
		Measurement measurement = measure(BioMode.PAIR, TlsServerSettings.DEFAULT_SELECTOR_THREADS);
		assertThat(measurement.during()).isEqualTo(measurement.before())
			.isEqualTo(TlsServerSettings.DEFAULT_SELECTOR_THREADS);
	}

	@Test
	void blockingModeHoldsOneThreadPerPendingHandshake() throws Exception {
		Measurement measurement = measure(BioMode.BLOCKING, 1 + PENDING);
		assertThat(measurement.before()).isEqualTo(1);
		assertThat(measurement.during()).isEqualTo(1 + PENDING);
	}

	/**
	 * Open {@value #PENDING} half-handshakes and count the listener's threads once they
	 * are all pending and the thread count has settled on {@code expectedDuring}: the
	 * pending count is raised on admission, a moment before a {@code blocking} listener
	 * submits the handshake to a thread, so the last threads may still be starting when
	 * it reaches {@value #PENDING}. A count that never reaches {@code expectedDuring}
	 * fails after a bounded wait, naming the count seen.
	 */
	private Measurement measure(BioMode mode, int expectedDuring) throws IOException {
		String name = ServerFixtures.uniqueName("thousand-" + mode.configName());
		String prefix = "tlsaccept-" + name + "-";
		EventRecorder events = new EventRecorder();
		TlsServer server = new TlsServer(
				TlsServerSettings.builder(name).address(ServerFixtures.LOOPBACK).bioMode(mode).build(),
				ServerFixtures.context(Duration.ofSeconds(60)), events, null);
		server.start();
		List<Socket> clients = new ArrayList<>();
		try {
			int before = ServerFixtures.threadsNamed(prefix).size();
			int allBefore = ServerFixtures.countThreads((thread) -> thread.startsWith("tlsaccept-"));
			for (int i = 0; i < PENDING; i++) {
				Socket client = ServerFixtures.raw(server);
				clients.add(client);
				client.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01 });
			}
			ServerFixtures.await(Duration.ofSeconds(30), PENDING + " pending handshakes",
					() -> server.stats().pendingHandshakes() == PENDING);
			ServerFixtures.await(Duration.ofSeconds(30),
					() -> expectedDuring + " threads named " + prefix + "*, last seen "
							+ ServerFixtures.threadsNamed(prefix).size(),
					() -> ServerFixtures.threadsNamed(prefix).size() == expectedDuring);
			int during = ServerFixtures.threadsNamed(prefix).size();
			int allDuring = ServerFixtures.countThreads((thread) -> thread.startsWith("tlsaccept-"));
			System.out.printf("THREADS %s: %d pending handshakes: %s* threads %d -> %d (all tlsaccept-* %d -> %d)%n",
					mode.configName(), PENDING, prefix, before, during, allBefore, allDuring);
			assertThat(server.stats().refusedMaxPendingHandshakes()).isZero();
			assertThat(events.events()).isEmpty();
			server.stop();
			assertThat(events.awaitCount(PENDING)).allSatisfy(
					(event) -> assertThat(event.result().reason()).isEqualTo("handshake cut: listener stopping"));
			assertThat(server.stats().openConnections()).isZero();
			ServerFixtures.awaitNoThreads(name);
			return new Measurement(before, during);
		}
		finally {
			server.stop();
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	private record Measurement(int before, int during) {
	}

}
