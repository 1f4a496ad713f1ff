package dev.tlsaccept.autoconfigure.observation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.autoconfigure.TestTls;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An Observation per handshake, from the handshake's start to its end, with the
 * OpenTelemetry TLS attributes.
 */
class TlsHandshakeObservationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptObservationAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	private static final String PROXY_REQUIRED = "tlsaccept.listeners.edge.proxy-protocol=required";

	private static final String TRUSTED_PROXY = "tlsaccept.listeners.edge.trusted-proxies=127.0.0.2";

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("192.0.2.7"), 56324);

	@ParameterizedTest
	@ValueSource(strings = { "non-blocking", "blocking" })
	void aHandshakeIsObservedWithTheOpenTelemetryTlsAttributes(String bioMode) {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("tlsaccept.listeners.edge.bio-mode=" + bioMode)
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				try (SSLSocket socket = handshake(new Socket("127.0.0.1", port), port, "device-7.example")) {
					awaitStoppedHandshake(registry);
					assertThat(registry).hasSingleObservationThat()
						.hasContextualNameEqualTo("tls handshake edge")
						.doesNotHaveError()
						.hasLowCardinalityKeyValue("listener", "edge")
						.hasLowCardinalityKeyValue("engine", "jdk")
						.hasLowCardinalityKeyValue("outcome", "SUCCESS")
						.hasLowCardinalityKeyValue("protocol", "TLSv1.3")
						.hasLowCardinalityKeyValue("ssl.error", "NONE")
						.hasLowCardinalityKeyValue("group", "x25519")
						.hasHighCardinalityKeyValue("tls.established", "true")
						.hasHighCardinalityKeyValue("tls.resumed", "false")
						.hasHighCardinalityKeyValue("tls.protocol.name", "tls")
						.hasHighCardinalityKeyValue("tls.protocol.version", "1.3")
						.hasHighCardinalityKeyValue("tls.cipher", socket.getSession().getCipherSuite())
						.hasHighCardinalityKeyValue("tls.curve", "x25519")
						.hasHighCardinalityKeyValue("server.address", "device-7.example")
						.hasHighCardinalityKeyValue("client.address", "127.0.0.1")
						.hasHighCardinalityKeyValue("client.port", Integer.toString(socket.getLocalPort()))
						.hasHighCardinalityKeyValue("network.peer.address", "127.0.0.1")
						.hasHighCardinalityKeyValueWithKey("tlsaccept.ja4")
						.doesNotHaveHighCardinalityKeyValueWithKey("error.type");
				}
			});
	}

	@Test
	void aFailedHandshakeIsObservedAsAnErrorWithItsType() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			int port = context.getBean(TlsListener.class).getPort();
			plaintextHttp(port);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(registry).hasSingleObservationThat().hasBeenStopped());
			assertThat(registry).hasSingleObservationThat()
				.hasError()
				.hasLowCardinalityKeyValue("outcome", "FAILURE")
				.hasLowCardinalityKeyValue("ssl.error", "SSL")
				.hasLowCardinalityKeyValue("protocol", "none")
				.hasHighCardinalityKeyValue("tls.established", "false")
				.hasHighCardinalityKeyValue("tlsaccept.code", "-1")
				.hasHighCardinalityKeyValue("error.type", "SSL")
				.hasHighCardinalityKeyValueWithKey("tlsaccept.reason");
		});
	}

	@Test
	void theObservationRunsFromTheHandshakesStartToItsEndNotFromWhenItIsRecorded() {
		ObservationRegistry registry = ObservationRegistry.create();
		List<long[]> spans = new CopyOnWriteArrayList<>();
		registry.observationConfig().observationHandler(new SpanTimes(spans));
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			int port = context.getBean(TlsListener.class).getPort();
			long connected;
			try (Socket raw = new Socket("127.0.0.1", port)) {
				connected = System.nanoTime();
				// the client waits before its ClientHello: part of the handshake
				TimeUnit.MILLISECONDS.sleep(500);
				handshake(raw, port, null).close();
			}
			long handshook = System.nanoTime();
			await().atMost(Duration.ofSeconds(20)).until(() -> spans.size() == 1);
			long start = spans.get(0)[0];
			long stop = spans.get(0)[1];
			assertThat(TimeUnit.NANOSECONDS.toMillis(stop - start)).isGreaterThanOrEqualTo(450);
			// started before the client even sent its hello
			assertThat(start).isLessThan(connected + TimeUnit.MILLISECONDS.toNanos(450));
			assertThat(stop).isGreaterThan(connected + TimeUnit.MILLISECONDS.toNanos(500));
			assertThat(handshook).isGreaterThan(start);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "non-blocking", "blocking", "pair" })
	void behindAProxyAHealthCheckIsNotObservedAndAProxiedClientIsObservedWithItsAddress(String bioMode) {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("tlsaccept.listeners.edge.bio-mode=" + bioMode, PROXY_REQUIRED, TRUSTED_PROXY)
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				healthCheck(port);
				HandshakeRepository repository = context.getBean(HandshakeRepository.class);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> repository.findAll().stream().anyMatch(HandshakeRecord::healthCheck));
				try (Socket raw = fromProxy(port)) {
					raw.getOutputStream().write(TestTls.proxyV2(CLIENT, new byte[0]));
					handshake(raw, port, null).close();
					awaitStoppedHandshake(registry);
					assertThat(registry).hasSingleObservationThat()
						.doesNotHaveError()
						.hasLowCardinalityKeyValue("outcome", "SUCCESS")
						.hasHighCardinalityKeyValue("client.address", "192.0.2.7")
						.hasHighCardinalityKeyValue("client.port", "56324")
						.hasHighCardinalityKeyValue("network.peer.address", "127.0.0.2")
						.hasHighCardinalityKeyValue("network.peer.port", Integer.toString(raw.getLocalPort()));
				}
				assertThat(context.getBean(HandshakeObservations.class).inProgressCount()).isZero();
			});
	}

	@Test
	void healthChecksAreObservedWhenAskedFor() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues(PROXY_REQUIRED, TRUSTED_PROXY, "tlsaccept.handshakes.observe-health-checks=true")
			.run((context) -> {
				healthCheck(context.getBean(TlsListener.class).getPort());
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(registry).hasSingleObservationThat().hasBeenStopped());
				assertThat(registry).hasSingleObservationThat()
					.doesNotHaveError()
					.hasLowCardinalityKeyValue("outcome", "HEALTH_CHECK")
					.hasHighCardinalityKeyValue("client.address", "127.0.0.2")
					.hasHighCardinalityKeyValue("tlsaccept.code", "0");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "non-blocking", "blocking" })
	void behindAProxyTheObservationStartsWhenTheHeaderIsReadBeforeTheClientHello(String bioMode) {
		ObservationRegistry registry = ObservationRegistry.create();
		List<long[]> spans = new CopyOnWriteArrayList<>();
		registry.observationConfig().observationHandler(new SpanTimes(spans));
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("tlsaccept.listeners.edge.bio-mode=" + bioMode, PROXY_REQUIRED, TRUSTED_PROXY)
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				long connected;
				try (Socket raw = fromProxy(port)) {
					connected = System.nanoTime();
					// as HAProxy: the header at once, the client's hello when it comes
					raw.getOutputStream().write(TestTls.proxyV2(CLIENT, new byte[0]));
					TimeUnit.MILLISECONDS.sleep(500);
					handshake(raw, port, null).close();
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> spans.size() == 1);
				long start = spans.get(0)[0];
				long stop = spans.get(0)[1];
				long startLagMillis = TimeUnit.NANOSECONDS.toMillis(start - connected);
				assertThat(startLagMillis).as("the span's start after the connect, in ms").isLessThan(450);
				assertThat(TimeUnit.NANOSECONDS.toMillis(stop - start)).isGreaterThanOrEqualTo(450);
			});
	}

	@Test
	void aConventionBeanReplacesTheDefault() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withBean(TlsHandshakeObservationConvention.class, () -> new DefaultTlsHandshakeObservationConvention() {

				@Override
				public String getName() {
					return "edge.handshake";
				}

			})
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				handshake(new Socket("127.0.0.1", port), port, null).close();
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(registry).hasObservationWithNameEqualTo("edge.handshake")
						.that()
						.hasBeenStopped()
						.hasLowCardinalityKeyValue("outcome", "SUCCESS"));
			});
	}

	@Test
	void withoutAnObservationRegistryHandshakesAreNotObserved() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HandshakeObservations.class);
			int port = context.getBean(TlsListener.class).getPort();
			handshake(new Socket("127.0.0.1", port), port, null).close();
			HandshakeObservations observations = context.getBean(HandshakeObservations.class);
			assertThat(observations.inProgressCount()).isZero();
		});
	}

	@Test
	void backsOffWithoutMicrometersObservationApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HandshakeObservations.class));
	}

	/** Wait until the handshake's observation, by its default name, has been stopped. */
	private static void awaitStoppedHandshake(TestObservationRegistry registry) {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(registry)
				.hasObservationWithNameEqualTo(DefaultTlsHandshakeObservationConvention.NAME)
				.that()
				.hasBeenStopped());
	}

	private static Socket fromProxy(int port) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/** A balancer's health check: PROXY v2 LOCAL, then close. */
	private static void healthCheck(int port) throws IOException {
		try (Socket raw = fromProxy(port)) {
			raw.getOutputStream().write(TestTls.proxyV2Local());
			raw.shutdownOutput();
			while (raw.getInputStream().read() != -1) {
				// until the server closes
			}
		}
		catch (java.net.SocketException ex) {
			// reset by the server: also closed
		}
	}

	/** Records each observation's start and stop, by {@link System#nanoTime()}. */
	private record SpanTimes(List<long[]> spans) implements ObservationHandler<Observation.Context> {

		@Override
		public void onStart(Observation.Context context) {
			context.put("startNanos", System.nanoTime());
		}

		@Override
		public void onStop(Observation.Context context) {
			this.spans.add(new long[] { context.getRequired("startNanos"), System.nanoTime() });
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof TlsHandshakeObservationContext;
		}

	}

	private static SSLSocket handshake(Socket raw, int port, String serverName) throws Exception {
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		raw.setSoTimeout(10_000);
		SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
		socket.setEnabledProtocols(new String[] { "TLSv1.3" });
		if (serverName != null) {
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(serverName)));
			socket.setSSLParameters(parameters);
		}
		socket.startHandshake();
		return socket;
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static void plaintextHttp(int port) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			while (socket.getInputStream().read() != -1) {
				// until the server closes
			}
		}
		catch (java.net.SocketException ex) {
			// reset by the server: fine
		}
	}

}
