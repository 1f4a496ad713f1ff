package dev.tlsaccept.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.TrustAllClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 3, engine level: {@link TlsServer#setContext} rotated many times while a
 * load of back-to-back new handshakes and long-lived echo connections runs, in every BIO
 * mode, on the {@code jdk} and {@code openssl} engines, each old context closed right
 * after its rotation. Asserts 0 failed handshakes (by the clients and by the observer), 0
 * dropped established connections (every echo checked byte for byte), that every new
 * handshake sees a certificate at least as new as the last completed rotation (and a
 * probe right after each rotation sees exactly the new one), and that established
 * connections keep the certificate they started with, and that every retired context is
 * released once nothing uses it any more.
 *
 * <p>
 * Reduced size here ({@value #DEFAULT_ROTATIONS} rotations per mode); the full size is
 * {@code ./mvnw -pl engine test -Dtest=RotationUnderLoadTests -Dtlsaccept.stress.rotations=100}.
 */
class RotationUnderLoadTests {

	static final int DEFAULT_ROTATIONS = 20;

	static final int ROTATIONS = Integer.getInteger("tlsaccept.stress.rotations", DEFAULT_ROTATIONS);

	/** Established echo connections that stay open across every rotation. */
	static final int ESTABLISHED = 8;

	/** Client threads doing back-to-back new handshakes. */
	static final int HANDSHAKERS = 3;

	static final Duration ROTATION_INTERVAL = Duration.ofMillis(75);

	private static final TlsConnectionHandler ECHO = (connection) -> {
		InputStream in = connection.inputStream();
		OutputStream out = connection.outputStream();
		byte[] buffer = new byte[8192];
		int count;
		while ((count = in.read(buffer)) >= 0) {
			out.write(buffer, 0, count);
			out.flush();
		}
	};

	@ParameterizedTest
	@CsvSource({ "jdk, BLOCKING", "jdk, NON_BLOCKING", "jdk, PAIR", "openssl, BLOCKING", "openssl, NON_BLOCKING",
			"openssl, PAIR" })
	void rotationsUnderLoadFailNoHandshakeAndDropNoConnection(String engine, BioMode mode) throws Exception {
		long began = System.nanoTime();
		// pre-generated so the rotation loop spends no CPU on key generation
		List<KeyMaterial> keys = new ArrayList<>();
		List<TlsServerContext> contexts = new ArrayList<>();
		Map<BigInteger, Integer> generationOf = new HashMap<>();
		// one "self-signed certificate generated" warning per certificate would flood the
		// output
		java.util.logging.Logger generatorLogger = java.util.logging.Logger
			.getLogger(SelfSignedCertificate.class.getName());
		java.util.logging.Level generatorLevel = generatorLogger.getLevel();
		generatorLogger.setLevel(java.util.logging.Level.SEVERE);
		for (int i = 0; i <= ROTATIONS; i++) {
			KeyMaterial material = SelfSignedCertificate.generate();
			keys.add(material);
			contexts.add(TlsServerContext
				.create(TlsConfig.builder(material).engine(engine).handshakeTimeout(Duration.ofSeconds(10)).build()));
			assertThat(generationOf.put(material.leaf().getSerialNumber(), i)).as("distinct serials").isNull();
		}
		generatorLogger.setLevel(generatorLevel);
		Counters observed = new Counters();
		HandshakeObserver observer = (event) -> {
			if (event.result().isSuccess()) {
				observed.succeeded.incrementAndGet();
			}
			else {
				observed.failed.incrementAndGet();
				observed.failures.add(event.toString());
			}
		};
		TlsServerSettings settings = TlsServerSettings
			.builder(ServerFixtures.uniqueName("rotation-" + mode.configName()))
			.bioMode(mode)
			.address(ServerFixtures.LOOPBACK)
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
		TlsServer server = new TlsServer(settings, contexts.get(0), observer, ECHO);
		Counters clients = new Counters();
		AtomicBoolean running = new AtomicBoolean(true);
		// the generation of the last completed setContext: a handshake started after it
		// must see it or a newer one
		AtomicLong generation = new AtomicLong();
		AtomicLong bytesEchoed = new AtomicLong();
		AtomicLong echoes = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		try {
			server.start();
			// K established connections, opened on generation 0 and kept open throughout
			List<SSLSocket> established = new ArrayList<>();
			for (int i = 0; i < ESTABLISHED; i++) {
				SSLSocket socket = connect(server);
				assertThat(serial(socket)).isEqualTo(keys.get(0).leaf().getSerialNumber());
				established.add(socket);
			}
			Queue<String> dropped = new ConcurrentLinkedQueue<>();
			for (int i = 0; i < ESTABLISHED; i++) {
				SSLSocket socket = established.get(i);
				Random random = new Random(8_000 + i);
				threads.add(start("echo-" + i, () -> {
					try {
						InputStream in = socket.getInputStream();
						OutputStream out = socket.getOutputStream();
						do {
							byte[] sent = new byte[1 + random.nextInt(16_384)];
							random.nextBytes(sent);
							out.write(sent);
							out.flush();
							byte[] received = in.readNBytes(sent.length);
							if (!Arrays.equals(sent, received)) {
								throw new AssertionError(
										"echo mismatch: sent " + sent.length + " bytes, got " + received.length);
							}
							bytesEchoed.addAndGet(sent.length);
							echoes.incrementAndGet();
						}
						while (running.get());
					}
					catch (Throwable ex) {
						dropped.add(socket.getLocalPort() + ": " + ex);
					}
				}));
			}
			// M client threads doing back-to-back new handshakes, each with a one-byte
			// echo
			for (int i = 0; i < HANDSHAKERS; i++) {
				threads.add(start("handshaker-" + i, () -> {
					while (running.get()) {
						long before = generation.get();
						try (SSLSocket socket = connect(server)) {
							Integer seen = generationOf.get(serial(socket));
							if (seen == null || seen < before) {
								clients.stale.incrementAndGet();
								clients.failures
									.add("after rotation " + before + " a new handshake saw generation " + seen);
							}
							socket.getOutputStream().write(42);
							socket.getOutputStream().flush();
							if (socket.getInputStream().read() != 42) {
								throw new AssertionError("no echo on a new connection");
							}
							clients.succeeded.incrementAndGet();
						}
						catch (Throwable ex) {
							clients.failed.incrementAndGet();
							clients.failures.add(ex.toString());
						}
					}
				}));
			}
			// R rotations spaced evenly; a probe right after each must see the new
			// certificate
			int probesSeeingNew = 0;
			long rotationStart = System.nanoTime();
			for (int r = 1; r <= ROTATIONS; r++) {
				long due = rotationStart + r * ROTATION_INTERVAL.toNanos();
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				server.setContext(contexts.get(r));
				// as the listener does on a bundle update: the old context is closed at
				// once; handshakes
				// accepted just before still make their acceptors from it (the server
				// retained it for
				// them), and established connections made from it go on
				contexts.get(r - 1).close();
				generation.set(r);
				try (SSLSocket probe = connect(server)) {
					if (serial(probe).equals(keys.get(r).leaf().getSerialNumber())) {
						probesSeeingNew++;
					}
				}
			}
			TimeUnit.NANOSECONDS.sleep(ROTATION_INTERVAL.toNanos());
			long rotationMillis = (System.nanoTime() - rotationStart) / 1_000_000;
			running.set(false);
			for (Thread thread : threads) {
				thread.join(15_000);
				assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
			}
			// established connections still on their original certificate, still echoing,
			// then closed
			for (SSLSocket socket : established) {
				assertThat(serial(socket)).isEqualTo(keys.get(0).leaf().getSerialNumber());
				socket.getOutputStream().write(7);
				socket.getOutputStream().flush();
				assertThat(socket.getInputStream().read()).isEqualTo(7);
				socket.close();
			}
			ServerFixtures.await(Duration.ofSeconds(10), "every connection closed on the server",
					() -> server.stats().openConnections() == 0);
			// every retired context released once nothing used it any more; the current
			// one in use
			ServerFixtures.await(Duration.ofSeconds(10),
					() -> "every retired context closed, open: " + openGenerations(contexts.subList(0, ROTATIONS)),
					() -> openGenerations(contexts.subList(0, ROTATIONS)).isEmpty());
			assertThat(contexts.get(ROTATIONS).isClosed()).isFalse();
			TlsServerStats stats = server.stats();
			long handshakes = clients.succeeded.get() + ROTATIONS + ESTABLISHED;
			System.out
				.printf("rotation under load [%s %s]: %d rotations in %d ms, %d new handshakes by %d clients (+%d probes, %d established),"
						+ " %d failed by clients, %d failed in observer, %d stale certificates, %d/%d probes saw the new certificate,"
						+ " %d/%d established connections dropped, %d echoes, %d bytes echoed, server stats %s, total %d ms%n",
						engine, mode.configName(), ROTATIONS, rotationMillis, clients.succeeded.get(), HANDSHAKERS,
						ROTATIONS, ESTABLISHED, clients.failed.get(), observed.failed.get(), clients.stale.get(),
						probesSeeingNew, ROTATIONS, dropped.size(), ESTABLISHED, echoes.get(), bytesEchoed.get(), stats,
						(System.nanoTime() - began) / 1_000_000);
			assertThat(clients.failures).as("client-side failures").isEmpty();
			assertThat(clients.failed.get()).isZero();
			assertThat(clients.stale.get()).isZero();
			assertThat(observed.failures).as("failed handshakes in the observer").isEmpty();
			assertThat(dropped).as("dropped established connections").isEmpty();
			assertThat(probesSeeingNew).as("probes right after a rotation that saw the new certificate")
				.isEqualTo(ROTATIONS);
			assertThat(clients.succeeded.get()).as("new handshakes under load").isGreaterThanOrEqualTo(ROTATIONS);
			assertThat(observed.succeeded.get()).isEqualTo(handshakes);
			assertThat(stats.handshakesSucceeded()).isEqualTo(handshakes);
			assertThat(stats.handshakesFailed()).isZero();
			assertThat(echoes.get()).as("echoes on established connections").isGreaterThanOrEqualTo(ESTABLISHED);
		}
		finally {
			running.set(false);
			server.stop();
			for (Thread thread : threads) {
				thread.join(5_000);
			}
			contexts.forEach(TlsServerContext::close);
		}
		ServerFixtures.awaitNoThreads(settings.name());
	}

	private static List<Integer> openGenerations(List<TlsServerContext> contexts) {
		List<Integer> open = new ArrayList<>();
		for (int i = 0; i < contexts.size(); i++) {
			if (!contexts.get(i).isClosed()) {
				open.add(i);
			}
		}
		return open;
	}

	/**
	 * A JDK client, handshake done, trusting whatever certificate the server shows. A
	 * fresh client context per connection, so no session is resumed and every handshake
	 * shows the current certificate.
	 */
	private static SSLSocket connect(TlsServer server) throws Exception {
		SSLSocket socket = (SSLSocket) TrustAllClient.sslContext()
			.getSocketFactory()
			.createSocket(ServerFixtures.LOOPBACK, server.port());
		socket.setSoTimeout(10_000);
		socket.startHandshake();
		return socket;
	}

	private static BigInteger serial(SSLSocket socket) throws Exception {
		return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
	}

	private static Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, "rotation-load-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static final class Counters {

		final AtomicLong succeeded = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		final AtomicLong stale = new AtomicLong();

		final Queue<String> failures = new ConcurrentLinkedQueue<>();

	}

}
