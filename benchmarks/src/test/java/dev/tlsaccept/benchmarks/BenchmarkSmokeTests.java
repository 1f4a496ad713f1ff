package dev.tlsaccept.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Runs the whole suite in smoke mode (fractions of a second per measurement) so that it
 * cannot rot: every server answers, every rate is positive, the JSON file is written. The
 * bound is generous: it starts a dozen server JVMs, and on a loaded 2-core CI machine
 * that alone took over a minute (90 s was not enough once).
 */
class BenchmarkSmokeTests {

	@Test
	void smokeRunMeasuresEveryServer() throws Exception {
		Options options = Options.smoke();
		options.out = Path.of("target", "smoke-results.json");
		Results results = assertTimeoutPreemptively(Duration.ofSeconds(300), () -> Main.run(options));

		List<String> expected = new ArrayList<>(
				List.of("raw-jdk", "jdk-blocking", "jdk-non-blocking", "jdk-pair", "jdk-non-blocking-norec"));
		for (String engine : List.of("openssl", "bouncy-castle")) {
			if (Main.engineUnavailable(engine) == null) {
				expected.add(engine + "-non-blocking");
			}
		}
		if (NettyServer.available()) {
			expected.add("netty-openssl");
		}
		if (!Main.opensslVersion().startsWith("unavailable")) {
			expected.add("openssl-s_server");
		}
		String json = Files.readString(options.out);
		for (String server : expected) {
			assertThat(json).contains("\"server\": \"" + server + "\"");
			for (String protocol : Main.PROTOCOLS) {
				Results.Series series = results.series.get(server + " " + protocol);
				assertThat(series).as(server + " " + protocol).isNotNull();
				assertThat(series.rounds).isNotEmpty();
				assertThat(series.rounds).allSatisfy((round) -> {
					assertThat(round.handshakes()).as(server + " " + protocol + " handshakes").isPositive();
					assertThat(round.perSecond()).isPositive();
					assertThat(round.serverCpuSeconds()).as(server + " " + protocol + " server CPU").isPositive();
				});
				Results.LatencySeries latency = results.latency.get(server + " " + protocol);
				assertThat(latency).as(server + " " + protocol + " latency").isNotNull();
				assertThat(latency.rounds).isNotEmpty();
				assertThat(latency.percentileMs(50)).as(server + " " + protocol + " latency p50").isPositive();
				assertThat(latency.percentileMs(99)).as(server + " " + protocol + " latency p99").isPositive();
				assertThat(latency.percentileMs(100)).as(server + " " + protocol + " latency max").isPositive();
				assertThat(latency.achieved()[0]).as(server + " " + protocol + " achieved rate").isPositive();
			}
		}
		assertThat(results.pending).isNotEmpty().allSatisfy((Map<String, Object> entry) -> {
			assertThat(((Number) entry.get("opened")).intValue()).isEqualTo(options.pending);
			assertThat(((Number) entry.get("serverThreads")).intValue()).isPositive();
		});
		assertThat(results.bulk).containsKeys("raw-jdk", "jdk-non-blocking");
		assertThat(results.bulkMedian("jdk-non-blocking")).isPositive();
		assertThat(results.idle).isNotEmpty().allSatisfy((Map<String, Object> entry) -> {
			assertThat(entry).as("idle " + entry).doesNotContainKey("error");
			assertThat(((Number) entry.get("opened")).intValue()).isEqualTo(options.idleConnections);
			assertThat(((Number) entry.get("stillAnsweringAfterIdle")).intValue()).isEqualTo(options.idleConnections);
		});
		assertThat(results.idle).extracting((entry) -> entry.get("server")).contains("raw-jdk", "jdk-event");
		assertThat(json).contains("\"targets\"", "\"observability\"", "\"latency\"", "\"p99Ms\"", "\"pending\"",
				"\"bulkEcho\"", "\"idle\"");
		assertThat(results.markdown()).contains("Handshake latency at a fixed offered rate");
	}

}
