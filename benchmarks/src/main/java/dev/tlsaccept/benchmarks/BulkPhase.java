package dev.tlsaccept.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bulk phase: echo over one TLS 1.3 connection, 16 KB writes, alternating servers.
 */
final class BulkPhase {

	private BulkPhase() {
	}

	/** Bulk echo over one TLS 1.3 connection, 16 KB writes, alternating servers. */
	static void run(Options options, Path p12, Path work, LoadClient client, Results results) throws Exception {
		List<Server> servers = new ArrayList<>();
		servers.add(Server.java(Main.BASELINE, "raw JDK SSLSocket echo", p12, "raw-jdk", "echo"));
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, echo handler", p12,
				"tlsaccept:jdk:non-blocking:rec", "echo"));
		if (!options.smoke) {
			servers.add(Server.java("jdk-blocking", "tlsaccept jdk, blocking, echo handler", p12,
					"tlsaccept:jdk:blocking:rec", "echo"));
		}
		if (!options.smoke && NettyServer.available()) {
			servers.add(Server.java("netty-openssl", "Netty SslHandler on OpenSSL, echo handler", p12, "netty-openssl",
					"echo"));
		}
		if (!options.smoke && Main.engineUnavailable("openssl") == null) {
			servers.add(Server.java("openssl-non-blocking", "tlsaccept openssl, non-blocking, echo handler", p12,
					"tlsaccept:openssl:non-blocking:rec", "echo"));
		}
		try {
			Server.startAll(servers, work);
			int rounds = Math.max(1, options.rounds);
			for (int round = 0; round < rounds; round++) {
				for (Server server : servers) {
					if (round == 0 && !options.smoke) {
						client.echo(server.port, options.bulkSeconds);
					}
					double cpuBefore = server.cpuSeconds();
					double mbPerSecond = client.echo(server.port, options.bulkSeconds);
					double cpu = server.cpuSeconds() - cpuBefore;
					results.bulk(server.name, server.description).add(new double[] { mbPerSecond, cpu });
					Main.log(String.format(Locale.ROOT, "bulk round %d %-22s %8.1f MB/s server cpu %.2f s", round + 1,
							server.name, mbPerSecond, cpu));
				}
			}
		}
		finally {
			for (Server server : servers) {
				server.stop();
			}
		}
	}

}
