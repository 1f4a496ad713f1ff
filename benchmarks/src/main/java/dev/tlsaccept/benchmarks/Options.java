package dev.tlsaccept.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * Run options of the benchmark suite; {@link #smoke()} is the seconds-long variant run by
 * {@code ./mvnw verify}.
 */
final class Options {

	boolean smoke;

	int rounds = 3;

	double seconds = 6;

	double warmupSeconds = 30;

	int threads = 4;

	int pending = 10_000;

	double bulkSeconds = 3;

	/**
	 * Offered rate of the latency phase, handshakes per second (open loop, below
	 * saturation).
	 */
	double rate = 50;

	/** Seconds per server, protocol and round of the latency phase. */
	double latencySeconds = 4;

	Path out = Path.of("benchmarks/target/results.json");

	/** Handshake servers to run (all when empty). */
	List<String> only = List.of();

	List<String> phases = List.of("handshake", "latency", "pending", "bulk", "idle");

	/** Established connections held per server in the idle phase. */
	int idleConnections = 10_000;

	/** How long they stay idle before they are measured and asked to answer again. */
	double idleSeconds = 25;

	/**
	 * The servers' key: {@code ec} (P-256, SHA256withECDSA) or {@code rsa} (2048 bits,
	 * RSA-PSS in TLS 1.3), the same for every server of a run.
	 */
	String key = "ec";

	static Options smoke() {
		Options options = new Options();
		options.smoke = true;
		options.rounds = 1;
		options.seconds = 0.5;
		options.warmupSeconds = 0;
		options.pending = 200;
		options.bulkSeconds = 0.5;
		options.latencySeconds = 0.2;
		options.idleConnections = 50;
		options.idleSeconds = 1;
		return options;
	}

	static Options parse(String[] args) {
		Options options = List.of(args).contains("--smoke") ? smoke() : new Options();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--smoke" -> {
				}
				case "--out" -> options.out = Path.of(args[++i]);
				case "--rounds" -> options.rounds = Integer.parseInt(args[++i]);
				case "--seconds" -> options.seconds = Double.parseDouble(args[++i]);
				case "--warmup" -> options.warmupSeconds = Double.parseDouble(args[++i]);
				case "--threads" -> options.threads = Integer.parseInt(args[++i]);
				case "--pending" -> options.pending = Integer.parseInt(args[++i]);
				case "--bulk-seconds" -> options.bulkSeconds = Double.parseDouble(args[++i]);
				case "--rate" -> options.rate = Double.parseDouble(args[++i]);
				case "--latency-seconds" -> options.latencySeconds = Double.parseDouble(args[++i]);
				case "--only" -> options.only = List.of(args[++i].split(","));
				case "--phases" -> options.phases = List.of(args[++i].split(","));
				case "--idle-connections" -> options.idleConnections = Integer.parseInt(args[++i]);
				case "--idle-seconds" -> options.idleSeconds = Double.parseDouble(args[++i]);
				case "--key" -> {
					options.key = args[++i];
					if (!List.of("ec", "rsa").contains(options.key)) {
						throw new IllegalArgumentException("--key takes ec or rsa, not " + options.key);
					}
				}
				default -> throw new IllegalArgumentException("Unknown option " + args[i]
						+ ": use --smoke, --out, --rounds, --seconds, --warmup, --threads, --pending, --bulk-seconds,"
						+ " --rate, --latency-seconds, --only SERVER,SERVER, --phases handshake,latency,resumption,pending,bulk,idle (resumption only when named), --idle-connections N, --idle-seconds S, --key ec|rsa");
			}
		}
		return options;
	}

}
