package dev.tlsaccept.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLSocketFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.tlsaccept.engine.TlsEngine;
import dev.tlsaccept.engine.TlsEngines;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;

/**
 * The benchmark suite: starts every server as its own process on 127.0.0.1 with the same
 * key (EC P-256 by default, {@code --key rsa} for RSA 2048), drives them all with the
 * same {@link LoadClient} in alternating rounds, reads each server's CPU time from
 * {@code /proc/PID/stat}, and prints a Markdown table (ratios against the raw JDK
 * baseline of the same run) and a JSON file.
 *
 * <pre>
 * java -jar benchmarks/target/tlsaccept-benchmarks.jar [--smoke] [--out FILE] [--rounds N]
 *      [--seconds S] [--warmup S] [--threads N] [--pending N] [--bulk-seconds S]
 *      [--rate HS_PER_S] [--latency-seconds S] [--only SERVER,...] [--phases handshake,latency,resumption,pending,bulk,idle]
 *      [--idle-connections N] [--idle-seconds S] [--key ec|rsa]
 * </pre>
 */
public final class Main {

	static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	static final String BASELINE = "raw-jdk";

	private Main() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Results results = run(options);
		System.out.println();
		System.out.println(results.markdown());
		System.out.println("JSON: " + options.out.toAbsolutePath());
	}

	static Results run(Options options) throws Exception {
		Path work = Files.createTempDirectory("tlsaccept-bench");
		KeyMaterial key = options.key.equals("rsa") ? rsaKey() : SelfSignedCertificate.generate();
		Path p12 = work.resolve("key.p12");
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		keyStore.load(null, null);
		keyStore.setKeyEntry("bench", key.privateKey(), ServerMain.PASSWORD,
				key.certificateChain().toArray(new Certificate[0]));
		try (OutputStream out = Files.newOutputStream(p12)) {
			keyStore.store(out, ServerMain.PASSWORD);
		}
		Path certPem = work.resolve("cert.pem");
		Path keyPem = work.resolve("key.pem");
		Files.writeString(certPem, pem("CERTIFICATE", key.leaf().getEncoded()));
		Files.writeString(keyPem, pem("PRIVATE KEY", key.privateKey().getEncoded()));
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("bench", key.leaf());
		LoadClient client = new LoadClient(trust);

		Results results = new Results(options);
		results.meta.put("java", System.getProperty("java.version"));
		results.meta.put("cores", Runtime.getRuntime().availableProcessors());
		results.meta.put("openssl", opensslVersion());
		results.meta.put("engines", TlsEngines.names());
		results.meta.put("client", "JDK SSLSocket, " + options.threads + " threads, no resumption, "
				+ LoadClient.TLS13_SUITE + " / " + LoadClient.TLS12_SUITE + " or " + LoadClient.TLS12_RSA_SUITE);
		results.meta.put("key", options.key.equals("rsa") ? "RSA 2048" : "EC P-256");
		results.meta.put("started", Instant.now().toString());
		results.meta.put("loadAverageAtStart", loadAverage());

		List<Server> servers = new ArrayList<>();
		servers.add(Server.java(BASELINE, "raw JDK SSLServerSocket, thread per connection", p12, "raw-jdk"));
		servers.add(Server.java("jdk-blocking", "tlsaccept jdk, blocking, recording on", p12,
				"tlsaccept:jdk:blocking:rec"));
		servers.add(Server.java("jdk-non-blocking", "tlsaccept jdk, non-blocking, recording on", p12,
				"tlsaccept:jdk:non-blocking:rec"));
		servers.add(Server.java("jdk-pair", "tlsaccept jdk, pair, recording on", p12, "tlsaccept:jdk:pair:rec"));
		servers.add(Server.java("jdk-non-blocking-norec", "tlsaccept jdk, non-blocking, HandshakeObserver.NONE", p12,
				"tlsaccept:jdk:non-blocking:norec"));
		for (String engine : List.of("openssl", "bouncy-castle")) {
			String why = engineUnavailable(engine);
			if (why != null) {
				results.skipped.add(engine + " engine skipped: " + why);
				continue;
			}
			servers.add(Server.java(engine + "-non-blocking", "tlsaccept " + engine + ", non-blocking, recording on",
					p12, "tlsaccept:" + engine + ":non-blocking:rec"));
		}
		if (NettyServer.available()) {
			servers.add(Server.java("netty-openssl",
					"Netty SslHandler on OpenSSL (netty-tcnative), default event loops", p12, "netty-openssl"));
		}
		else {
			results.skipped.add("netty-openssl skipped: netty-tcnative not available");
		}
		if (opensslVersion().startsWith("unavailable")) {
			results.skipped.add("openssl s_server skipped: no openssl command");
		}
		else {
			servers.add(Server.openssl("openssl-s_server", "openssl s_server (native reference)", certPem, keyPem));
		}

		if (!options.only.isEmpty()) {
			servers.removeIf((server) -> !options.only.contains(server.name));
		}
		boolean handshakePhase = options.phases.contains("handshake");
		boolean latencyPhase = options.phases.contains("latency");
		if (!handshakePhase && !latencyPhase) {
			servers.clear();
		}
		try {
			Server.startAll(servers, work);
			// a first handshake on each, so a broken server fails fast
			SSLSocketFactory factory = client.factory();
			for (Server server : servers) {
				for (String protocol : PROTOCOLS) {
					LoadClient.handshakeOnce(factory, server.port, protocol);
				}
			}
			if (options.warmupSeconds > 0) {
				for (Server server : servers) {
					if (server.jvm) {
						for (String protocol : PROTOCOLS) {
							log("warm-up " + server.name + " " + protocol);
							client.run(server.port, protocol, options.threads,
									options.warmupSeconds / PROTOCOLS.size());
						}
					}
				}
			}
			for (int round = 0; handshakePhase && round < options.rounds; round++) {
				for (int i = 0; i < servers.size(); i++) {
					Server server = servers.get((i + round) % servers.size());
					for (String protocol : PROTOCOLS) {
						double cpuBefore = server.cpuSeconds();
						LoadClient.Run run = client.run(server.port, protocol, options.threads, options.seconds);
						double cpu = server.cpuSeconds() - cpuBefore;
						Results.Round result = new Results.Round(run.handshakes(), run.errors(), run.nanos() / 1e9, cpu,
								LoadClient.percentile(run.latenciesNanos(), 50) / 1e6,
								LoadClient.percentile(run.latenciesNanos(), 99) / 1e6, run.firstError());
						results.series(server.name, server.description, protocol).rounds.add(result);
						log(String.format(Locale.ROOT, "round %d %-24s %s %8.1f hs/s %8.1f hs/cpu-s errors %d %s",
								round + 1, server.name, protocol, result.perSecond(), result.perCpuSecond(),
								run.errors(), run.firstError()));
					}
				}
			}
			if (latencyPhase) {
				latency(options, servers, client, results);
			}
		}
		finally {
			for (Server server : servers) {
				server.stop();
			}
		}
		try {
			if (options.phases.contains("resumption")) {
				ResumptionPhase.run(options, p12, certPem, keyPem, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("resumption failed: " + ex);
			log("resumption failed: " + ex);
		}
		try {
			if (options.phases.contains("pending")) {
				PendingPhase.run(options, p12, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("pending handshakes failed: " + ex);
			log("pending handshakes failed: " + ex);
		}
		try {
			if (options.phases.contains("bulk")) {
				BulkPhase.run(options, p12, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("bulk echo failed: " + ex);
			log("bulk echo failed: " + ex);
		}
		try {
			if (options.phases.contains("idle")) {
				IdlePhase.run(options, p12, work, client, results);
			}
		}
		catch (Exception ex) {
			results.skipped.add("idle connections failed: " + ex);
			log("idle connections failed: " + ex);
		}
		results.meta.put("finished", Instant.now().toString());
		results.meta.put("loadAverageAtEnd", loadAverage());
		Files.createDirectories(options.out.toAbsolutePath().getParent());
		Files.writeString(options.out, results.json());
		return results;
	}

	/**
	 * Handshake latency at a fixed offered rate ({@link Options#rate}, open loop), every
	 * server and protocol, alternating rounds with the server order rotated; servers are
	 * already started and warm.
	 */
	static void latency(Options options, List<Server> servers, LoadClient client, Results results) throws Exception {
		for (int round = 0; round < options.rounds; round++) {
			for (int i = 0; i < servers.size(); i++) {
				Server server = servers.get((i + round) % servers.size());
				for (String protocol : PROTOCOLS) {
					double cpuBefore = server.cpuSeconds();
					LoadClient.OpenLoopRun run = client.openLoop(server.port, protocol, options.rate,
							options.latencySeconds);
					double cpu = server.cpuSeconds() - cpuBefore;
					results.latency(server.name, server.description, protocol).rounds.add(run);
					results.latency(server.name, server.description, protocol).cpuSeconds.add(cpu);
					long[] l = run.latenciesNanos();
					log(String.format(Locale.ROOT,
							"latency round %d %-24s %s offered %.0f/s achieved %6.1f/s p50 %6.1f p99 %6.1f max %6.1f ms"
									+ " server cpu %.2f s errors %d %s",
							round + 1, server.name, protocol, options.rate, run.achievedPerSecond(),
							LoadClient.percentile(l, 50) / 1e6, LoadClient.percentile(l, 99) / 1e6,
							(l.length > 0 ? l[l.length - 1] : -1) / 1e6, cpu, run.errors(), run.firstError()));
				}
			}
		}
	}

	static String engineUnavailable(String name) {
		if (!TlsEngines.names().contains(name)) {
			return "not in TlsEngines.names() " + TlsEngines.names();
		}
		try {
			TlsEngine engine = TlsEngines.get(name);
			return engine.unavailabilityReason();
		}
		catch (RuntimeException | LinkageError ex) {
			return ex.toString();
		}
	}

	/**
	 * A self-signed RSA 2048 certificate for 127.0.0.1 (SHA256withRSA), the key most
	 * deployments run with.
	 */
	static KeyMaterial rsaKey() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		X500Principal subject = new X500Principal("CN=tlsaccept benchmark RSA");
		Instant now = Instant.now();
		JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
				BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
				Date.from(now.plusSeconds(86_400)), subject, pair.getPublic());
		builder.addExtension(Extension.subjectAlternativeName, false,
				new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
						new GeneralName(GeneralName.dNSName, "localhost") }));
		X509CertificateHolder holder = builder
			.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
		X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
		return KeyMaterial.of(pair.getPrivate(), List.of(certificate), "benchmark RSA 2048");
	}

	static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	static String opensslVersion() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
			String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor();
			return version;
		}
		catch (IOException | InterruptedException ex) {
			return "unavailable: " + ex;
		}
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	static void log(String message) {
		System.err.println("[bench " + Instant.now() + "] " + message);
	}

}
