package dev.tlsaccept.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

/**
 * The pending phase: holds {@code --pending} half-ClientHellos open against a server and
 * measures it meanwhile.
 */
final class PendingPhase {

	private PendingPhase() {
	}

	/**
	 * Holds {@code count} half-ClientHellos open against a server and measures it
	 * meanwhile.
	 */
	static void run(Options options, Path p12, Path work, LoadClient client, Results results) throws Exception {
		List<Server> servers = new ArrayList<>();
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, recording on", p12,
				"tlsaccept:jdk:non-blocking:rec", "pending"));
		if (!options.smoke) {
			servers.add(Server.java(Main.BASELINE, "raw JDK SSLServerSocket, thread per connection", p12, "raw-jdk",
					"pending"));
		}
		for (Server server : servers) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("server", server.name);
			entry.put("target", options.pending);
			server.start(work);
			List<SocketChannel> channels = new ArrayList<>();
			try {
				SSLSocketFactory factory = client.factory();
				for (int i = 0; i < (options.smoke ? 5 : 300); i++) {
					LoadClient.handshakeOnce(factory, server.port, "TLSv1.3");
				}
				entry.put("idleLatencyMs", latencies(factory, server.port, options.smoke ? 10 : 50));
				String error = "";
				ByteBuffer half = halfClientHello();
				long openStart = System.nanoTime();
				for (int i = 0; i < options.pending; i++) {
					try {
						SocketChannel channel = SocketChannel
							.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port));
						channels.add(channel);
						channel.write(half.duplicate());
					}
					catch (IOException ex) {
						error = ex.toString();
						break;
					}
				}
				entry.put("opened", channels.size());
				entry.put("openSeconds", (System.nanoTime() - openStart) / 1e9);
				if (!error.isEmpty()) {
					entry.put("openError", error);
				}
				Thread.sleep(options.smoke ? 300 : 2_000);
				long[] stats = server.stats();
				entry.put("serverThreads", stats[0]);
				entry.put("jvmThreads", stats[1]);
				entry.put("heapUsedMB", stats[2] / 1e6);
				entry.put("pendingReportedByServer", stats[3]);
				entry.put("processThreads", server.procStatus("Threads:"));
				entry.put("rssMB", server.procStatus("VmRSS:") / 1e3);
				entry.put("latencyMs", latencies(factory, server.port, options.smoke ? 10 : 50));
				Main.log("pending " + entry);
			}
			finally {
				for (SocketChannel channel : channels) {
					try {
						channel.close();
					}
					catch (IOException ex) {
						// already gone
					}
				}
				server.stop();
			}
			results.pending.add(entry);
		}
	}

	static Map<String, Object> latencies(SSLSocketFactory factory, int port, int count) throws IOException {
		long[] took = new long[count];
		for (int i = 0; i < count; i++) {
			took[i] = LoadClient.handshakeOnce(factory, port, "TLSv1.3");
		}
		java.util.Arrays.sort(took);
		Map<String, Object> latency = new LinkedHashMap<>();
		latency.put("p50", LoadClient.percentile(took, 50) / 1e6);
		latency.put("max", took[count - 1] / 1e6);
		return latency;
	}

	/**
	 * A TLS record header announcing a 512-byte ClientHello, and only its first 64 bytes.
	 */
	static ByteBuffer halfClientHello() {
		ByteBuffer buffer = ByteBuffer.allocate(5 + 64);
		buffer.put(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
		buffer.put(new byte[] { 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03 });
		while (buffer.hasRemaining()) {
			buffer.put((byte) 0x42);
		}
		return buffer.flip();
	}

}
