package dev.tlsaccept.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection floods beyond {@code max-pending-handshakes} and {@code max-connections}:
 * beyond {@code max-connections} (every mode) and beyond {@code max-pending-handshakes}
 * in {@code blocking} mode, each extra connection is closed at once without a TLS byte,
 * counted in the stats and recorded with its "refused: ..." reason, while the connections
 * holding the limit are unaffected. In the selector modes, a flood of silent connections
 * beyond {@code max-pending-handshakes} cuts the most silent handshakes instead, so that
 * a legitimate client always gets a slot. Reduced size here (300 per limit);
 * {@link StressMain} floods 2,000.
 */
class HostileFloodTests {

	static final int FLOOD = 300;

	@Test
	void floodBeyondMaxPendingHandshakesIsRefusedQuicklyCountedAndRecordedInBlockingMode() throws Exception {
		assertRefused(StressMain.flood(BioMode.BLOCKING, StressMain.Limit.MAX_PENDING_HANDSHAKES, FLOOD, 4));
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void floodOfSilentConnectionsCutsTheMostSilentAndLegitimateClientsGetThrough(BioMode mode) throws Exception {
		int limit = 20;
		StressMain.Resources before = StressMain.Resources.now();
		EventRecorder events = new EventRecorder();
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("silent-flood"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.maxPendingHandshakes(limit)
			.build();
		TlsConnectionHandler echo = (connection) -> connection.inputStream().transferTo(connection.outputStream());
		List<Socket> flood = new ArrayList<>();
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(), events, echo)) {
			server.start();
			try {
				for (int i = 0; i < FLOOD; i++) {
					flood.add(ServerFixtures.raw(server));
					if (i % 50 == 49) {
						// a legitimate client among the flood, with every slot taken by
						// silent ones
						try (SSLSocket legit = ServerFixtures.connect(server, "TLSv1.3")) {
							legit.getOutputStream().write(42);
							assertThat(legit.getInputStream().read()).isEqualTo(42);
						}
					}
				}
				ServerFixtures.await(Duration.ofSeconds(20), "every silent connection beyond the limit to be cut",
						() -> server.stats().stalledHandshakesCut() >= FLOOD - limit);
				TlsServerStats stats = server.stats();
				assertThat(stats.pendingHandshakes()).isLessThanOrEqualTo(limit);
				assertThat(stats.refusedMaxPendingHandshakes()).isZero();
				assertThat(stats.handshakesSucceeded()).isEqualTo(FLOOD / 50);
				// the first ones were the most silent: cut, without a TLS byte
				for (Socket early : flood.subList(0, 10)) {
					early.setSoTimeout(10_000);
					assertThat(early.getInputStream().read()).isEqualTo(-1);
				}
				List<HandshakeEvent> cuts = events.awaitCount(FLOOD - limit + FLOOD / 50)
					.stream()
					.filter((e) -> !e.result().isSuccess())
					.toList();
				// cut to make room at the limit, or (the last ones, silent for 2.5 s
				// while the slots stay
				// half full) by the pressure sweep
				assertThat(cuts).hasSizeGreaterThanOrEqualTo(FLOOD - limit)
					.allSatisfy((e) -> assertThat(e.result().reason()).startsWith("handshake cut: stalled "));
				assertThat(cuts)
					.filteredOn((e) -> e.result()
						.reason()
						.startsWith("handshake cut: stalled while max-pending-handshakes (" + limit + ") was reached"))
					.hasSizeGreaterThanOrEqualTo(FLOOD - 2 * limit);
			}
			finally {
				for (Socket socket : flood) {
					closeQuietly(socket);
				}
			}
			ServerFixtures.await(Duration.ofSeconds(20), "every connection to be gone",
					() -> server.stats().openConnections() == 0);
		}
		StressMain.Resources after = StressMain.Resources.awaitBackTo(before);
		assertThat(after.threads()).as("threads after vs " + before).isLessThanOrEqualTo(before.threads());
		assertThat(after.fds()).as("open fds after vs " + before)
			.isLessThanOrEqualTo(before.fds() + StressMain.FD_SLACK);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void floodBeyondMaxConnectionsIsRefusedQuicklyCountedAndRecorded(BioMode mode) throws Exception {
		assertRefused(StressMain.flood(mode, StressMain.Limit.MAX_CONNECTIONS, FLOOD, 4));
	}

	private static void assertRefused(StressMain.FloodReport report) {
		System.out.println(report);
		assertThat(report.notRefused()).as("connections the server kept or answered").isZero();
		assertThat(report.refusedInStats()).isEqualTo(FLOOD);
		assertThat(report.refusedEvents()).as("events with the refusal reason").isEqualTo(FLOOD);
		// quickly: closed at once, not at a handshake timeout (10 s here)
		assertThat(report.refusalTime().p99()).as("connect-to-close p99 in ms").isLessThan(1_000);
		assertThat(report.keptWorking()).as("connections holding the limit unaffected").isTrue();
		assertThat(report.legitAfterwards()).as("a legit handshake once the limit is free").isTrue();
		assertThat(report.after().threads()).as("threads after vs " + report.before())
			.isLessThanOrEqualTo(report.before().threads());
		assertThat(report.after().fds()).as("open fds after vs " + report.before())
			.isLessThanOrEqualTo(report.before().fds() + StressMain.FD_SLACK);
	}

}
