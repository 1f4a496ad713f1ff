package dev.tlsaccept.server;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection floods beyond {@code max-pending-handshakes} and {@code max-connections} in every
 * BIO mode: each extra connection is closed at once without a TLS byte, counted in the stats and
 * recorded with its "refused: ..." reason, while the connections holding the limit are
 * unaffected. Reduced size here (300 per limit); {@link StressMain} floods 2,000.
 */
class HostileFloodTests {

	static final int FLOOD = 300;

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void floodBeyondMaxPendingHandshakesIsRefusedQuicklyCountedAndRecorded(BioMode mode) throws Exception {
		assertRefused(StressMain.flood(mode, StressMain.Limit.MAX_PENDING_HANDSHAKES, FLOOD, 4));
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
