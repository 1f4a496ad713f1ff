package dev.tlsaccept.server;

import java.time.Duration;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legitimate clients always get through an attack: reconnecting slowloris connections
 * beyond {@code max-pending-handshakes} plus mutated-hello garbage, from other addresses
 * or from the legitimate client's own, while a real {@code openssl s_client} handshakes
 * every 0.5 s. Reduced size here (150 slowloris over a limit of 100, 10 s);
 * {@link OverloadScenario#main} runs the full size (1,200 over the default 1,000, 40 s),
 * see the README.
 */
class HostileOverloadTests {

	@ParameterizedTest
	@CsvSource({ "NON_BLOCKING, false", "PAIR, false", "NON_BLOCKING, true" })
	void everyLegitimateHandshakeSucceedsWhileSlowlorisAndGarbageHoldThePendingSlots(BioMode mode, boolean fromLegit)
			throws Exception {
		OverloadScenario.Report report;
		try (StressMain.Watch watch = StressMain.Watch.start()) {
			report = OverloadScenario.run(new OverloadScenario.Options(mode, 100, Duration.ofSeconds(2), 150, 2,
					Duration.ofSeconds(10), fromLegit));
			System.out.println(report);
			assertThat(watch.uncaught()).as("uncaught exceptions").isEmpty();
			assertThat(watch.exceptionInThread()).isFalse();
		}
		assertThat(report.legitTotal()).as("legit handshakes tried").isGreaterThanOrEqualTo(10);
		assertThat(report.legitFailures()).as("legit handshakes that failed").isEmpty();
		// the full-size run shows the slowest within 1 s; here only that none waited for
		// a timeout
		assertThat(report.legitMaxMillis()).as("slowest legit s_client run, ms").isLessThan(2_000);
		assertThat(report.stats().stalledHandshakesCut()).as("stalled handshakes cut to make room").isPositive();
		assertThat(report.reasons())
			.containsKey("handshake cut: stalled while max-pending-handshakes (100) was reached, silent N ms");
		assertThat(report.after().threads()).as("threads after vs " + report.before())
			.isLessThanOrEqualTo(report.before().threads());
		assertThat(report.after().fds()).as("open fds after vs " + report.before())
			.isLessThanOrEqualTo(report.before().fds() + StressMain.FD_SLACK);
	}

}
