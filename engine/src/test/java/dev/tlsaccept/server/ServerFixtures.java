package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;

/**
 * Key material, clients and polling helpers shared by the server tests.
 */
final class ServerFixtures {

	static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final AtomicInteger names = new AtomicInteger();

	private static volatile KeyMaterial keys;

	private ServerFixtures() {
	}

	static synchronized KeyMaterial keys() {
		if (keys == null) {
			keys = SelfSignedCertificate.generate();
		}
		return keys;
	}

	/**
	 * A listener name no other test uses, so thread names never collide.
	 */
	static String uniqueName(String base) {
		return base + names.incrementAndGet();
	}

	static TlsServerContext context(Duration handshakeTimeout) {
		return TlsServerContext.create(TlsConfig.builder(keys()).handshakeTimeout(handshakeTimeout).build());
	}

	static TlsServerContext context() {
		return context(Duration.ofSeconds(10));
	}

	/**
	 * A client context that trusts exactly the given key material's certificate.
	 */
	static SSLContext clientContext(KeyMaterial trusted) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setCertificateEntry("server", trusted.leaf());
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	/**
	 * A JDK client connected to the server, handshake done.
	 */
	static SSLSocket connect(TlsServer server, String protocol) throws Exception {
		return connect(server, protocol, keys());
	}

	static SSLSocket connect(TlsServer server, String protocol, KeyMaterial trusted) throws Exception {
		SSLSocket socket = (SSLSocket) clientContext(trusted).getSocketFactory().createSocket(LOOPBACK, server.port());
		socket.setSoTimeout(10_000);
		socket.setEnabledProtocols(new String[] { protocol });
		socket.startHandshake();
		return socket;
	}

	static Socket raw(TlsServer server) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(LOOPBACK, server.port()), 5_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * Poll a condition until it holds, failing after the timeout.
	 */
	static void await(Duration timeout, String what, BooleanSupplier condition) {
		await(timeout, () -> what, condition);
	}

	/**
	 * Poll a condition until it holds, failing after the timeout with a message made then
	 * (so it can say what was seen last).
	 */
	static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeout + " waiting for " + what.get());
			}
			try {
				TimeUnit.MILLISECONDS.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for " + what, ex);
			}
		}
	}

	static List<Thread> threadsNamed(String prefix) {
		List<Thread> threads = new ArrayList<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith(prefix) && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	static int countThreads(Predicate<String> name) {
		int count = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.isAlive() && name.test(thread.getName())) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Wait (bounded) until no thread of the listener is alive.
	 */
	static void awaitNoThreads(String listener) {
		String prefix = "tlsaccept-" + listener + "-";
		await(Duration.ofSeconds(10), "no thread named " + prefix + "* to be alive, but found " + threadsNamed(prefix),
				() -> threadsNamed(prefix).isEmpty());
	}

	/**
	 * Read until end of stream (or a read timeout), returning what arrived.
	 */
	static byte[] readToEnd(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int count;
		while ((count = in.read(buffer)) >= 0) {
			out.write(buffer, 0, count);
		}
		return out.toByteArray();
	}

	/**
	 * The result of running {@code openssl s_client} against the server.
	 */
	record OpenSslRun(int exitCode, String stdout, String stderr) {
	}

	/**
	 * Run {@code openssl s_client} with the given stdin, waiting at most 20 seconds.
	 */
	static OpenSslRun openssl(int port, String stdin, String... options) throws Exception {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
				"-no-CAfile", "-no-CApath", "-no-CAstore"));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).start();
		process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
		process.getOutputStream().close();
		if (!process.waitFor(20, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("openssl s_client did not finish: " + command);
		}
		return new OpenSslRun(process.exitValue(),
				new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
				new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
	}

}
