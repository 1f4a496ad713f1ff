package dev.tlsaccept.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.server.TlsConnection;
import dev.tlsaccept.server.TlsConnectionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * With {@code spring.threads.virtual.enabled=true} on JDK 21+, every blocking
 * {@link TlsConnectionHandler} runs on a virtual thread, in every BIO mode: 200
 * connections that each echo a line and then sit idle in a blocking read cost no platform
 * thread each (the JVM's platform thread count grows by at most
 * {@value #PLATFORM_THREAD_SLACK}), and the selector is never throttled by the executor.
 *
 * <p>
 * Skipped on JDK 17 (no virtual threads; the handlers run on the server's bounded pool).
 * {@code .ci/run} runs this class again on JDK 25 where one is installed, with
 * {@code -Dtlsaccept.test.require-virtual-threads=true}, which turns the skip into a
 * failure.
 */
class TlsListenerVirtualThreadsTests {

	static final int CONNECTIONS = 200;

	static final int PLATFORM_THREAD_SLACK = 16;

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("spring.threads.virtual.enabled=true", "tlsaccept.listeners.vt.port=0",
				"tlsaccept.listeners.vt.address=127.0.0.1", "tlsaccept.listeners.vt.shutdown-timeout=1s");

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void blockingHandlersRunOnVirtualThreadsAndIdleConnectionsHoldNoPlatformThread(BioMode mode) throws Exception {
		int feature = Runtime.version().feature();
		if (Boolean.getBoolean("tlsaccept.test.require-virtual-threads")) {
			assertThat(feature).as("JVM feature version (virtual threads required)").isGreaterThanOrEqualTo(21);
		}
		assumeTrue(feature >= 21, "virtual threads need JDK 21+, this is JDK " + feature);
		IdleEchoHandler handler = new IdleEchoHandler();
		this.contextRunner
			.withPropertyValues(
					"tlsaccept.listeners.vt.bio-mode=" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-'))
			.withBean(TlsConnectionHandler.class, () -> handler)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getServer().settings().workerExecutor()).isInstanceOfSatisfying(
						SimpleAsyncTaskExecutor.class,
						(executor) -> assertThat(executor.isThrottleActive()).as("a concurrency limit").isFalse());
				SSLContext client = SSLContext.getInstance("TLS");
				client.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
				ThreadMXBean threads = ManagementFactory.getThreadMXBean();
				// warm up: selector, handshake and carrier threads exist from here on
				try (SSLSocket socket = connect(client, listener.getPort())) {
					assertThat(TestTls.exchange(socket, "warm-up")).isEqualTo("echo: warm-up");
				}
				await().atMost(WAIT).until(() -> handler.active.get() == 0);
				int before = threads.getThreadCount();
				List<SSLSocket> sockets = new ArrayList<>();
				try {
					for (int i = 0; i < CONNECTIONS; i++) {
						SSLSocket socket = connect(client, listener.getPort());
						sockets.add(socket);
						assertThat(TestTls.exchange(socket, "line " + i)).isEqualTo("echo: line " + i);
					}
					await().atMost(WAIT).until(() -> handler.active.get() == CONNECTIONS);
					int after = threads.getThreadCount();
					System.out.printf(
							"virtual threads, JDK %d, %s: platform threads %d before, %d with %d idle "
									+ "connections (peak %d); handler threads virtual: %d of %d%n",
							feature, mode, before, after, CONNECTIONS, threads.getPeakThreadCount(), handler.virtual(),
							handler.threads.size());
					assertThat(handler.threads).as("handler threads")
						.hasSize(CONNECTIONS + 1)
						.allSatisfy((thread) -> assertThat(isVirtual(thread)).as(thread.toString()).isTrue());
					assertThat(after).as("platform threads with %d idle connections, %d before", CONNECTIONS, before)
						.isLessThanOrEqualTo(before + PLATFORM_THREAD_SLACK);
					assertThat(listener.getServer().stats().openConnections()).isEqualTo(CONNECTIONS);
				}
				finally {
					for (SSLSocket socket : sockets) {
						socket.close();
					}
				}
				await().atMost(WAIT).until(() -> handler.active.get() == 0);
			});
	}

	private static SSLSocket connect(SSLContext client, int port) throws Exception {
		SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port);
		socket.setSoTimeout((int) WAIT.toMillis());
		socket.setEnabledProtocols(new String[] { "TLSv1.3" });
		socket.startHandshake();
		return socket;
	}

	/**
	 * {@code Thread.isVirtual()}, which JDK 17 (the release this compiles for) does not
	 * have.
	 */
	static boolean isVirtual(Thread thread) {
		try {
			Method isVirtual = Thread.class.getMethod("isVirtual");
			return (boolean) isVirtual.invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	/** Echoes each line, then blocks reading the next one until the peer closes. */
	static final class IdleEchoHandler implements TlsConnectionHandler {

		final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

		final AtomicInteger active = new AtomicInteger();

		@Override
		public void handle(TlsConnection connection) throws Exception {
			this.threads.add(Thread.currentThread());
			this.active.incrementAndGet();
			try {
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
				OutputStream out = connection.outputStream();
				String line;
				while ((line = reader.readLine()) != null) {
					out.write(("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
				}
			}
			finally {
				this.active.decrementAndGet();
			}
		}

		long virtual() {
			return this.threads.stream().filter(TlsListenerVirtualThreadsTests::isVirtual).count();
		}

	}

}
