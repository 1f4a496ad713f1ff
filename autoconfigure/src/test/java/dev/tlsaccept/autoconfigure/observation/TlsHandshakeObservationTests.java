package dev.tlsaccept.autoconfigure.observation;

import java.io.IOException;
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

	@ParameterizedTest
	@ValueSource(strings = { "non-blocking", "blocking" })
	void aHandshakeIsObservedWithTheOpenTelemetryTlsAttributes(String bioMode) {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("tlsaccept.listeners.edge.bio-mode=" + bioMode)
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				try (SSLSocket socket = handshake(new Socket("127.0.0.1", port), port, "device-7.example")) {
					await().atMost(Duration.ofSeconds(20))
						.untilAsserted(() -> assertThat(registry)
							.hasObservationWithNameEqualTo(DefaultTlsHandshakeObservationConvention.NAME)
							.that()
							.hasBeenStopped());
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
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				context.put("startNanos", System.nanoTime());
			}

			@Override
			public void onStop(Observation.Context context) {
				spans.add(new long[] { context.getRequired("startNanos"), System.nanoTime() });
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof TlsHandshakeObservationContext;
			}

		});
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
