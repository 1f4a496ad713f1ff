package dev.tlsaccept.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resumed handshakes per server CPU-second, beside each server's own full handshakes, in
 * one run: the raw JDK server, tlsaccept's engines (non-blocking, recording on; the
 * {@code openssl} engine both with its own ticket keys and with operator-supplied ones)
 * and {@code openssl s_server}, alternating, the server order rotated each round. The
 * client is {@link LoadClient#runResumed} for resumed handshakes (each thread offers its
 * latest session) and {@link LoadClient#run} for full ones. {@code openssl s_time -reuse}
 * is not used: it takes its session before the TLS 1.3 ticket arrives, so it resumes TLS
 * 1.2 only.
 */
final class ResumptionPhase {

	record Cell(double fullPerCpu, double resumedPerCpu, double resumedPerSecond, double clientResumedShare,
			double serverResumedShare, long errors, String firstError) {

	}

	private ResumptionPhase() {
	}

	static void run(Options options, Path p12, Path certPem, Path keyPem, Path work, LoadClient client, Results results)
			throws Exception {
		List<Server> servers = new ArrayList<>();
		servers.add(Server.java(Main.BASELINE, "raw JDK SSLServerSocket", p12, "raw-jdk"));
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, recording on", p12,
				"tlsaccept:jdk:non-blocking:rec"));
		if (Main.engineUnavailable("bouncy-castle") == null) {
			servers.add(Server.java("bouncy-castle-non-blocking", "tlsaccept bouncy-castle, non-blocking", p12,
					"tlsaccept:bouncy-castle:non-blocking:rec"));
		}
		if (Main.engineUnavailable("openssl") == null) {
			servers.add(Server.java("openssl-non-blocking", "tlsaccept openssl, its own ticket keys", p12,
					"tlsaccept:openssl:non-blocking:rec"));
			servers.add(Server.java("openssl-tickets", "tlsaccept openssl, session-tickets.keys (one 48-byte key)", p12,
					"tlsaccept:openssl:non-blocking:rec", "tickets"));
		}
		if (!Main.opensslVersion().startsWith("unavailable")) {
			servers.add(Server.openssl("openssl-s_server", "openssl s_server", certPem, keyPem));
		}
		if (!options.only.isEmpty()) {
			servers.removeIf((server) -> !options.only.contains(server.name));
		}
		Map<String, List<Cell>> cells = new LinkedHashMap<>();
		try {
			Server.startAll(servers, work);
			for (Server server : servers) {
				for (String protocol : Main.PROTOCOLS) {
					LoadClient.handshakeOnce(client.factory(), server.port, protocol);
					if (server.jvm && options.warmupSeconds > 0) {
						Main.log("resumption warm-up " + server.name + " " + protocol);
						client.run(server.port, protocol, options.threads, options.warmupSeconds / 4);
						client.runResumed(server.port, protocol, options.threads, options.warmupSeconds / 4);
					}
				}
			}
			for (int round = 0; round < options.rounds; round++) {
				for (int i = 0; i < servers.size(); i++) {
					Server server = servers.get((i + round) % servers.size());
					for (String protocol : Main.PROTOCOLS) {
						Cell cell = measure(options, server, protocol, client);
						cells.computeIfAbsent(key(server.name, protocol), (k) -> new ArrayList<>()).add(cell);
						Main.log(String.format(Locale.ROOT,
								"resumption round %d %-28s %s full %7.1f hs/cpu-s resumed %7.1f hs/cpu-s (%.1f hs/s,"
										+ " resumed share client %.2f server %.2f) errors %d %s",
								round + 1, server.name, protocol, cell.fullPerCpu(), cell.resumedPerCpu(),
								cell.resumedPerSecond(), cell.clientResumedShare(), cell.serverResumedShare(),
								cell.errors(), cell.firstError()));
					}
				}
			}
		}
		finally {
			for (Server server : servers) {
				server.stop();
			}
		}
		results.sections.add(markdown(options, servers, cells));
		List<Map<String, Object>> json = new ArrayList<>();
		cells.forEach((key, list) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", key.substring(0, key.indexOf(' ')));
			entry.put("protocol", key.substring(key.indexOf(' ') + 1));
			entry.put("fullPerServerCpuSecond", median(list, Cell::fullPerCpu));
			entry.put("resumedPerServerCpuSecond", median(list, Cell::resumedPerCpu));
			entry.put("resumedPerSecond", median(list, Cell::resumedPerSecond));
			entry.put("clientResumedShare", median(list, Cell::clientResumedShare));
			entry.put("serverResumedShare", median(list, Cell::serverResumedShare));
			json.add(entry);
		});
		results.meta.put("resumption", json);
	}

	private static Cell measure(Options options, Server server, String protocol, LoadClient client) throws Exception {
		double before = server.cpuSeconds();
		LoadClient.Run full = client.run(server.port, protocol, options.threads, options.seconds);
		double fullCpu = server.cpuSeconds() - before;
		long[] countsBefore = server.jvm && !server.name.equals(Main.BASELINE) ? server.resumedCounts() : null;
		before = server.cpuSeconds();
		LoadClient.ResumedRun resumed = client.runResumed(server.port, protocol, options.threads, options.seconds);
		double resumedCpu = server.cpuSeconds() - before;
		double serverShare = Double.NaN;
		if (countsBefore != null) {
			long[] after = server.resumedCounts();
			long r = after[0] - countsBefore[0];
			long f = after[1] - countsBefore[1];
			serverShare = (r + f > 0) ? (double) r / (r + f) : 0;
		}
		long total = resumed.resumed() + resumed.full();
		String firstError = !full.firstError().isEmpty() ? full.firstError() : resumed.firstError();
		return new Cell(full.handshakes() / Math.max(fullCpu, 1e-3), resumed.resumed() / Math.max(resumedCpu, 1e-3),
				resumed.resumed() / resumed.seconds(), (total > 0) ? (double) resumed.resumed() / total : 0,
				serverShare, full.errors() + resumed.errors(), firstError);
	}

	private static String markdown(Options options, List<Server> servers, Map<String, List<Cell>> cells) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"%nResumed vs full handshakes: %s key, %d round(s) x %.0f s per server, protocol and kind, "
						+ "alternating; medians; resumed counts only handshakes that resumed.%n%n",
				options.key.equals("rsa") ? "RSA 2048" : "EC P-256", options.rounds, options.seconds));
		out.append("| server | protocol | full hs per server CPU-s | resumed hs per server CPU-s | resumed ÷ full "
				+ "| resumed × s_server resumed | resumed hs/s | resumed share (client / server) | errors |\n");
		out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (String protocol : Main.PROTOCOLS) {
			double reference = median(cells.getOrDefault(key("openssl-s_server", protocol), List.of()),
					Cell::resumedPerCpu);
			for (Server server : servers) {
				List<Cell> list = cells.get(key(server.name, protocol));
				if (list == null) {
					continue;
				}
				double full = median(list, Cell::fullPerCpu);
				double resumed = median(list, Cell::resumedPerCpu);
				double serverShare = median(list, Cell::serverResumedShare);
				out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %s | %.0f | %.2f / %s | %d |%n",
						server.name, protocol.replace("TLSv", "TLS "), full, resumed, resumed / full,
						(reference > 0) ? String.format(Locale.ROOT, "%.2f", resumed / reference) : "–",
						median(list, Cell::resumedPerSecond), median(list, Cell::clientResumedShare),
						Double.isNaN(serverShare) ? "–" : String.format(Locale.ROOT, "%.2f", serverShare),
						list.stream().mapToLong(Cell::errors).sum()));
			}
		}
		return out.toString();
	}

	private static String key(String server, String protocol) {
		return server + " " + protocol;
	}

	private static double median(List<Cell> cells, java.util.function.ToDoubleFunction<Cell> value) {
		double[] values = cells.stream().mapToDouble(value).filter((v) -> !Double.isNaN(v)).toArray();
		return (values.length == 0) ? Double.NaN : Results.spread(values)[0];
	}

}
