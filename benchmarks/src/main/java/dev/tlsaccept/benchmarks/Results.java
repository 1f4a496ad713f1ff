package dev.tlsaccept.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a run measured, with the derived medians, spreads, ratios and target verdicts;
 * renders the Markdown table and the JSON file.
 */
final class Results {

	final Options options;

	final Map<String, Object> meta = new LinkedHashMap<>();

	final List<String> skipped = new ArrayList<>();

	/** Markdown sections of phases with their own tables (resumption). */
	final List<String> sections = new ArrayList<>();

	final Map<String, Series> series = new LinkedHashMap<>();

	final Map<String, LatencySeries> latency = new LinkedHashMap<>();

	final List<Map<String, Object>> pending = new ArrayList<>();

	final List<Map<String, Object>> idle = new ArrayList<>();

	final Map<String, List<double[]>> bulk = new LinkedHashMap<>();

	final Map<String, String> bulkDescriptions = new LinkedHashMap<>();

	Results(Options options) {
		this.options = options;
	}

	record Round(long handshakes, long errors, double seconds, double serverCpuSeconds, double p50Ms, double p99Ms,
			String firstError) {

		double perSecond() {
			return this.handshakes / this.seconds;
		}

		double perCpuSecond() {
			return (this.serverCpuSeconds > 0) ? this.handshakes / this.serverCpuSeconds : 0;
		}

	}

	static final class Series {

		final String server;

		final String description;

		final String protocol;

		final List<Round> rounds = new ArrayList<>();

		Series(String server, String description, String protocol) {
			this.server = server;
			this.description = description;
			this.protocol = protocol;
		}

		double[] stats(ToDoubleFunction<Round> value) {
			return spread(this.rounds.stream().mapToDouble(value).toArray());
		}

		long errors() {
			return this.rounds.stream().mapToLong(Round::errors).sum();
		}

	}

	/**
	 * Open-loop latency rounds of one server and protocol; percentiles pool the rounds'
	 * samples.
	 */
	static final class LatencySeries {

		final String server;

		final String description;

		final String protocol;

		final List<LoadClient.OpenLoopRun> rounds = new ArrayList<>();

		final List<Double> cpuSeconds = new ArrayList<>();

		LatencySeries(String server, String description, String protocol) {
			this.server = server;
			this.description = description;
			this.protocol = protocol;
		}

		long[] pooled() {
			return this.rounds.stream().flatMapToLong((r) -> Arrays.stream(r.latenciesNanos())).sorted().toArray();
		}

		/** Pooled percentile in ms (p 100 is the max), -1 if nothing completed. */
		double percentileMs(double p) {
			long[] all = pooled();
			if (all.length == 0) {
				return -1;
			}
			return ((p >= 100) ? all[all.length - 1] : LoadClient.percentile(all, p)) / 1e6;
		}

		double[] achieved() {
			return spread(this.rounds.stream().mapToDouble(LoadClient.OpenLoopRun::achievedPerSecond).toArray());
		}

		/** Server CPU busy at this rate, % of one core (median over rounds). */
		double cpuPercent() {
			double[] values = new double[this.rounds.size()];
			for (int i = 0; i < values.length; i++) {
				double seconds = this.rounds.get(i).seconds();
				values[i] = (seconds > 0) ? this.cpuSeconds.get(i) / seconds * 100 : 0;
			}
			return spread(values)[0];
		}

		long errors() {
			return this.rounds.stream().mapToLong(LoadClient.OpenLoopRun::errors).sum();
		}

		String firstError() {
			return this.rounds.stream()
				.map(LoadClient.OpenLoopRun::firstError)
				.filter((e) -> !e.isEmpty())
				.findFirst()
				.orElse("");
		}

	}

	LatencySeries latency(String server, String description, String protocol) {
		return this.latency.computeIfAbsent(server + " " + protocol,
				(k) -> new LatencySeries(server, description, protocol));
	}

	/**
	 * A server's pooled latency percentile over the baseline's, same protocol; NaN if
	 * either is absent.
	 */
	double latencyRatio(String server, String protocol, double p) {
		LatencySeries a = this.latency.get(server + " " + protocol);
		LatencySeries b = this.latency.get(Main.BASELINE + " " + protocol);
		if (a == null || b == null) {
			return Double.NaN;
		}
		double denominator = b.percentileMs(p);
		return (denominator > 0) ? a.percentileMs(p) / denominator : Double.NaN;
	}

	/** median, min, max. */
	static double[] spread(double[] values) {
		if (values.length == 0) {
			return new double[] { 0, 0, 0 };
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new double[] { median, sorted[0], sorted[n - 1] };
	}

	Series series(String server, String description, String protocol) {
		return this.series.computeIfAbsent(server + " " + protocol, (k) -> new Series(server, description, protocol));
	}

	List<double[]> bulk(String server, String description) {
		this.bulkDescriptions.put(server, description);
		return this.bulk.computeIfAbsent(server, (k) -> new ArrayList<>());
	}

	Collection<Series> allSeries() {
		return this.series.values();
	}

	/**
	 * Median of a server's hs/s (or hs per CPU-s) over the baseline's, same protocol; NaN
	 * if either is absent.
	 */
	double ratio(String server, String baseline, String protocol, boolean perCpu) {
		Series a = this.series.get(server + " " + protocol);
		Series b = this.series.get(baseline + " " + protocol);
		if (a == null || b == null) {
			return Double.NaN;
		}
		ToDoubleFunction<Round> value = perCpu ? Round::perCpuSecond : Round::perSecond;
		double denominator = b.stats(value)[0];
		return (denominator > 0) ? a.stats(value)[0] / denominator : Double.NaN;
	}

	/**
	 * Cost of recording in % of handshakes per server CPU-second (positive: recording
	 * costs).
	 */
	double observabilityCost(String protocol, boolean perCpu) {
		double ratio = ratio("jdk-non-blocking", "jdk-non-blocking-norec", protocol, perCpu);
		return (1 - ratio) * 100;
	}

	double bulkMedian(String server) {
		List<double[]> rounds = this.bulk.get(server);
		return (rounds == null) ? Double.NaN : spread(rounds.stream().mapToDouble((r) -> r[0]).toArray())[0];
	}

	Map<String, String> targets() {
		Map<String, String> targets = new LinkedHashMap<>();
		for (String protocol : this.series.isEmpty() ? List.<String>of() : Main.PROTOCOLS) {
			double rate = ratio("jdk-non-blocking", Main.BASELINE, protocol, false);
			double cpu = ratio("jdk-non-blocking", Main.BASELINE, protocol, true);
			targets.put("jdk non-blocking >= 1.0x raw JDK hs/s (" + protocol + ")",
					verdict(rate >= 1.0, "%.2fx hs/s, %.2fx hs/CPU-s", rate, cpu));
			double vsNative = ratio("openssl-non-blocking", "openssl-s_server", protocol, true);
			double vsJdk = ratio("openssl-non-blocking", "jdk-non-blocking", protocol, true);
			targets.put("openssl engine >= 0.8x s_server and >= 2x jdk engine, per CPU-s (" + protocol + ")",
					Double.isNaN(vsNative) ? "not measured: openssl engine unavailable" : verdict(
							vsNative >= 0.8 && vsJdk >= 2, "%.2fx s_server, %.2fx jdk engine", vsNative, vsJdk));
			double cost = observabilityCost(protocol, true);
			targets.put("observability cost <= 3% (" + protocol + ")", verdict(cost <= 3,
					"%.1f%% of hs/CPU-s (%.1f%% of hs/s)", cost, observabilityCost(protocol, false)));
		}
		for (Map<String, Object> entry : this.pending) {
			if (entry.get("server").equals("jdk-non-blocking") && entry.containsKey("serverThreads")) {
				long threads = ((Number) entry.get("serverThreads")).longValue();
				double heap = ((Number) entry.get("heapUsedMB")).doubleValue();
				targets.put(entry.get("target") + " pending handshakes on <= 8 threads, <= 512 MB heap",
						verdict(threads <= 8 && heap <= 512, "%d of %d opened: %d tlsaccept threads, %.0f MB heap",
								((Number) entry.get("opened")).longValue(), ((Number) entry.get("target")).longValue(),
								threads, heap));
			}
		}
		double bulk = bulkMedian("jdk-non-blocking") / bulkMedian(Main.BASELINE);
		if (this.bulk.isEmpty()) {
			return targets;
		}
		targets.put("bulk echo >= 0.9x raw JDK (non-blocking)",
				Double.isNaN(bulk) ? "not measured" : verdict(bulk >= 0.9, "%.2fx", bulk));
		return targets;
	}

	private static String verdict(boolean met, String format, Object... args) {
		return (met ? "met: " : "MISSED: ") + String.format(Locale.ROOT, format, args);
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		markdownHandshakes(out);
		this.sections.forEach(out::append);
		markdownRest(out);
		return out.toString();
	}

	private void markdownHandshakes(StringBuilder out) {
		if (this.series.isEmpty()) {
			return;
		}
		out.append(String.format(Locale.ROOT,
				"Full handshakes, no resumption: %d round(s) x %.0f s per server and protocol, alternating; "
						+ "median (min-max); ratios are medians over the raw JDK baseline of this run.%n%n",
				this.options.rounds, this.options.seconds));
		out.append(
				"| server | protocol | hs/s | × raw JDK | hs per server CPU-s | × raw JDK | p50 / p99 ms | errors |\n");
		out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
		for (String protocol : Main.PROTOCOLS) {
			for (Series s : allSeries()) {
				if (!s.protocol.equals(protocol)) {
					continue;
				}
				double[] rate = s.stats(Round::perSecond);
				double[] cpu = s.stats(Round::perCpuSecond);
				out.append(String.format(Locale.ROOT,
						"| %s | %s | %.0f (%.0f–%.0f) | %.2f | %.0f (%.0f–%.0f) | %.2f | %.1f / %.1f | %d |%n",
						s.server, protocol.replace("TLSv", "TLS "), rate[0], rate[1], rate[2],
						ratio(s.server, Main.BASELINE, protocol, false), cpu[0], cpu[1], cpu[2],
						ratio(s.server, Main.BASELINE, protocol, true), s.stats(Round::p50Ms)[0],
						s.stats(Round::p99Ms)[0], s.errors()));
			}
		}
	}

	private void markdownRest(StringBuilder out) {
		if (!this.latency.isEmpty()) {
			out.append(String.format(Locale.ROOT,
					"%nHandshake latency at a fixed offered rate (open loop, %.0f hs/s, %d round(s) x %.1f s per server and"
							+ " protocol, alternating; from the scheduled start to the end of the handshake; percentiles"
							+ " pool the rounds; ratios over the raw JDK of this run):%n%n",
					this.options.rate, this.options.rounds, this.options.latencySeconds));
			out.append(
					"| server | protocol | p50 ms | × raw JDK | p99 ms | × raw JDK | max ms | achieved hs/s | server CPU % | errors |\n");
			out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			for (String protocol : Main.PROTOCOLS) {
				for (LatencySeries s : this.latency.values()) {
					if (!s.protocol.equals(protocol)) {
						continue;
					}
					double[] achieved = s.achieved();
					out.append(String.format(Locale.ROOT,
							"| %s | %s | %.1f | %.2f | %.1f | %.2f | %.1f | %.1f (%.1f–%.1f) | %.0f | %d |%n", s.server,
							protocol.replace("TLSv", "TLS "), s.percentileMs(50), latencyRatio(s.server, protocol, 50),
							s.percentileMs(99), latencyRatio(s.server, protocol, 99), s.percentileMs(100), achieved[0],
							achieved[1], achieved[2], s.cpuPercent(), s.errors()));
				}
			}
		}
		if (!this.pending.isEmpty()) {
			out.append("\nPending handshakes (half a ClientHello each, held open):\n\n");
			out.append(
					"| server | pending held | server threads | JVM threads | heap used after GC | RSS | fresh handshake p50 / max ms (idle → loaded) |\n");
			out.append("|---|---:|---:|---:|---:|---:|---:|\n");
			for (Map<String, Object> entry : this.pending) {
				if (!entry.containsKey("serverThreads")) {
					continue;
				}
				Map<?, ?> idle = (Map<?, ?>) entry.get("idleLatencyMs");
				Map<?, ?> loaded = (Map<?, ?>) entry.get("latencyMs");
				out.append(String.format(Locale.ROOT,
						"| %s | %s / %s | %s | %s | %.0f MB | %.0f MB | %.1f / %.1f → %.1f / %.1f |%n",
						entry.get("server"), entry.get("opened"), entry.get("target"), entry.get("serverThreads"),
						entry.get("processThreads"), (Double) entry.get("heapUsedMB"), (Double) entry.get("rssMB"),
						(Double) idle.get("p50"), (Double) idle.get("max"), (Double) loaded.get("p50"),
						(Double) loaded.get("max")));
			}
		}
		if (!this.bulk.isEmpty()) {
			out.append("\nBulk echo, one TLS 1.3 connection, 16 KB writes:\n\n");
			out.append("| server | MB/s median (min–max) | × raw JDK | MB per server CPU-s |\n|---|---:|---:|---:|\n");
			for (Map.Entry<String, List<double[]>> entry : this.bulk.entrySet()) {
				double[] rate = spread(entry.getValue().stream().mapToDouble((r) -> r[0]).toArray());
				double[] perCpu = spread(entry.getValue()
					.stream()
					.mapToDouble((r) -> r[1] > 0 ? r[0] * this.options.bulkSeconds / r[1] : 0)
					.toArray());
				out.append(String.format(Locale.ROOT, "| %s | %.0f (%.0f–%.0f) | %.2f | %.0f |%n", entry.getKey(),
						rate[0], rate[1], rate[2], rate[0] / bulkMedian(Main.BASELINE), perCpu[0]));
			}
		}
		if (!this.idle.isEmpty()) {
			out.append("\nIdle established connections (each echoed a line, then idle; server -Xmx1g):\n\n");
			out.append(
					"| server | connections | still answering | tlsaccept threads | process threads (before → after) "
							+ "| RSS per connection | heap per connection (live / committed) | native per connection "
							+ "| fresh echo p50 / p99 ms |\n");
			out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			for (Map<String, Object> entry : this.idle) {
				if (!entry.containsKey("rssPerConnectionKB")) {
					out.append("| ")
						.append(entry.get("server"))
						.append(" | failed: ")
						.append(entry.get("error"))
						.append(" | | | | | | | |\n");
					continue;
				}
				Map<?, ?> fresh = (Map<?, ?>) entry.get("freshEchoMs");
				out.append(String.format(Locale.ROOT,
						"| %s | %s | %s | %s → %s | %s → %s | %.1f KB | %.1f / %.1f KB | %.1f KB | %.2f / %.2f |%n",
						entry.get("server"), entry.get("opened"), entry.get("stillAnsweringAfterIdle"),
						entry.get("tlsacceptThreadsBefore"), entry.get("tlsacceptThreadsAfter"),
						entry.get("processThreadsBefore"), entry.get("processThreadsAfter"),
						(Double) entry.get("rssPerConnectionKB"), (Double) entry.get("heapPerConnectionKB"),
						(Double) entry.getOrDefault("heapCommittedPerConnectionKB", Double.NaN),
						(Double) entry.get("nativePerConnectionKB"), (Double) fresh.get("p50"),
						(Double) fresh.get("p99")));
			}
		}
		Map<String, String> targets = targets();
		if (!targets.isEmpty()) {
			out.append("\nTargets:\n\n");
			targets.forEach(
					(target, verdict) -> out.append("- ").append(target).append(": ").append(verdict).append('\n'));
		}
		if (!this.skipped.isEmpty()) {
			out.append("\nNot measured:\n\n");
			this.skipped.forEach((note) -> out.append("- ").append(note).append('\n'));
		}
	}

	String json() {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("meta", this.meta);
		root.put("options",
				Map.of("smoke", this.options.smoke, "rounds", this.options.rounds, "seconds", this.options.seconds,
						"warmupSeconds", this.options.warmupSeconds, "threads", this.options.threads,
						"latencyOfferedPerSecond", this.options.rate, "latencySeconds", this.options.latencySeconds));
		List<Object> handshakes = new ArrayList<>();
		for (Series s : allSeries()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", s.server);
			entry.put("description", s.description);
			entry.put("protocol", s.protocol);
			entry.put("hsPerSecond", triple(s.stats(Round::perSecond)));
			entry.put("hsPerServerCpuSecond", triple(s.stats(Round::perCpuSecond)));
			entry.put("ratioHsPerSecondVsRawJdk", ratio(s.server, Main.BASELINE, s.protocol, false));
			entry.put("ratioHsPerCpuSecondVsRawJdk", ratio(s.server, Main.BASELINE, s.protocol, true));
			List<Object> rounds = new ArrayList<>();
			for (Round r : s.rounds) {
				Map<String, Object> round = new LinkedHashMap<>();
				round.put("handshakes", r.handshakes());
				round.put("errors", r.errors());
				round.put("seconds", r.seconds());
				round.put("serverCpuSeconds", r.serverCpuSeconds());
				round.put("hsPerSecond", r.perSecond());
				round.put("hsPerServerCpuSecond", r.perCpuSecond());
				round.put("latencyP50Ms", r.p50Ms());
				round.put("latencyP99Ms", r.p99Ms());
				if (!r.firstError().isEmpty()) {
					round.put("firstError", r.firstError());
				}
				rounds.add(round);
			}
			entry.put("rounds", rounds);
			handshakes.add(entry);
		}
		root.put("handshakes", handshakes);
		List<Object> latencyJson = new ArrayList<>();
		for (LatencySeries s : this.latency.values()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", s.server);
			entry.put("description", s.description);
			entry.put("protocol", s.protocol);
			entry.put("offeredPerSecond", this.options.rate);
			entry.put("p50Ms", s.percentileMs(50));
			entry.put("p99Ms", s.percentileMs(99));
			entry.put("maxMs", s.percentileMs(100));
			entry.put("ratioP50VsRawJdk", latencyRatio(s.server, s.protocol, 50));
			entry.put("ratioP99VsRawJdk", latencyRatio(s.server, s.protocol, 99));
			entry.put("achievedPerSecond", triple(s.achieved()));
			entry.put("serverCpuPercent", s.cpuPercent());
			entry.put("errors", s.errors());
			if (!s.firstError().isEmpty()) {
				entry.put("firstError", s.firstError());
			}
			List<Object> rounds = new ArrayList<>();
			for (int i = 0; i < s.rounds.size(); i++) {
				LoadClient.OpenLoopRun r = s.rounds.get(i);
				long[] l = r.latenciesNanos();
				Map<String, Object> round = new LinkedHashMap<>();
				round.put("scheduled", r.scheduled());
				round.put("completed", r.completed());
				round.put("errors", r.errors());
				round.put("seconds", r.seconds());
				round.put("achievedPerSecond", r.achievedPerSecond());
				round.put("serverCpuSeconds", s.cpuSeconds.get(i));
				round.put("p50Ms", LoadClient.percentile(l, 50) / 1e6);
				round.put("p99Ms", LoadClient.percentile(l, 99) / 1e6);
				round.put("maxMs", (l.length > 0 ? l[l.length - 1] : -1) / 1e6);
				rounds.add(round);
			}
			entry.put("rounds", rounds);
			latencyJson.add(entry);
		}
		root.put("latency", latencyJson);
		Map<String, Object> observability = new LinkedHashMap<>();
		for (String protocol : Main.PROTOCOLS) {
			observability.put(protocol, Map.of("costPercentHsPerCpuSecond", observabilityCost(protocol, true),
					"costPercentHsPerSecond", observabilityCost(protocol, false)));
		}
		root.put("observability", observability);
		root.put("pending", this.pending);
		root.put("idle", this.idle);
		Map<String, Object> bulkJson = new LinkedHashMap<>();
		this.bulk.forEach((server, rounds) -> bulkJson.put(server,
				Map.of("description", this.bulkDescriptions.get(server), "mbPerSecond",
						triple(spread(rounds.stream().mapToDouble((r) -> r[0]).toArray())), "rounds",
						rounds.stream().map((r) -> Map.of("mbPerSecond", r[0], "serverCpuSeconds", r[1])).toList())));
		root.put("bulkEcho", bulkJson);
		root.put("targets", targets());
		root.put("skipped", this.skipped);
		StringBuilder out = new StringBuilder();
		write(out, root, "");
		return out.append('\n').toString();
	}

	private static Map<String, Object> triple(double[] values) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("median", values[0]);
		map.put("min", values[1]);
		map.put("max", values[2]);
		return map;
	}

	private static void write(StringBuilder out, Object value, String indent) {
		if (value instanceof Map<?, ?> map) {
			out.append("{");
			String inner = indent + "  ";
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				out.append(first ? "\n" : ",\n").append(inner);
				first = false;
				string(out, String.valueOf(entry.getKey()));
				out.append(": ");
				write(out, entry.getValue(), inner);
			}
			out.append(first ? "}" : "\n" + indent + "}");
		}
		else if (value instanceof Collection<?> list) {
			out.append("[");
			String inner = indent + "  ";
			boolean first = true;
			for (Object item : list) {
				out.append(first ? "\n" : ",\n").append(inner);
				first = false;
				write(out, item, inner);
			}
			out.append(first ? "]" : "\n" + indent + "]");
		}
		else if (value instanceof Double d) {
			out.append((d.isNaN() || d.isInfinite()) ? "null" : String.format(Locale.ROOT, "%.3f", d));
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value == null) {
			out.append("null");
		}
		else {
			string(out, value.toString());
		}
	}

	private static void string(StringBuilder out, String text) {
		out.append('"');
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
