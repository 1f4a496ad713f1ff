package dev.tlsaccept.autoconfigure.actuate;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.autoconfigure.TestTls;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections refused by the allow and deny lists and the limits per source, as an
 * operator sees them: recorded with the rule in {@code /actuator/tlshandshakes}, counted
 * in {@code /actuator/tlslisteners} and in the {@value TlsAcceptMetrics#REFUSED} counter
 * tagged by rule.
 */
class SourceRefusalsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptEndpointAutoConfiguration.class, TlsAcceptMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners,tlshandshakes",
				"tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
				"tlsaccept.listeners.edge.allow=127.0.0.0/8", "tlsaccept.listeners.edge.deny=127.0.0.5");

	@Test
	void refusalsAreRecordedWithTheirRuleAndCountedInTheEndpointAndTheMetrics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(TlsAcceptMetrics.class).bindTo(registry); // MeterRegistryPostProcessor
																		// does this in an
																		// app
			TlsListener edge = context.getBean(TlsListener.class);
			refusedFrom(edge.getPort(), "127.0.0.5");
			refusedFrom(edge.getPort(), "127.0.0.5");
			handshakeFrom(edge.getPort(), "127.0.0.6");
			await().until(() -> edge.getStats().handshakesSucceeded() == 1);
			HandshakeRecord refusal = context.getBean(HandshakeRepository.class)
				.findAll()
				.stream()
				.filter((record) -> !record.result().isSuccess())
				.findFirst()
				.orElseThrow();
			assertThat(refusal.result().reason()).isEqualTo("refused: deny 127.0.0.5");
			String json = TlsHandshakesEndpointTests
				.json(context.getBean(TlsListenersEndpoint.class).listener(SecurityContext.NONE, "edge"));
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.connections")).containsEntry("accepted", 3)
				.containsEntry("refusedDenied", 2)
				.containsEntry("refusedNotAllowed", 0)
				.containsEntry("refusedMaxPendingHandshakesPerSource", 0)
				.containsEntry("refusedMaxHandshakesPerSecondPerSource", 0)
				.containsEntry("refusedMaxPendingHandshakes", 0);
			assertThat(registry.get(TlsAcceptMetrics.REFUSED)
				.tags("listener", "edge", "rule", "DENY")
				.functionCounter()
				.count()).isEqualTo(2.0);
			assertThat(registry.get(TlsAcceptMetrics.REFUSED)
				.tags("listener", "edge", "rule", "ALLOW")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.find(TlsAcceptMetrics.REFUSED).tag("listener", "edge").functionCounters())
				.extracting((counter) -> counter.getId().getTag("rule"))
				.containsExactlyInAnyOrder("MAX_CONNECTIONS", "MAX_PENDING_HANDSHAKES", "DENY", "ALLOW",
						"MAX_PENDING_HANDSHAKES_PER_SOURCE", "MAX_HANDSHAKES_PER_SECOND_PER_SOURCE", "TRUSTED_PROXIES",
						"PROXY_PROTOCOL");
		});
	}

	@Test
	void proxyProtocolRefusalsAreCountedByTheirRuleInTheEndpointAndTheMetrics() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
					TlsAcceptEndpointAutoConfiguration.class, TlsAcceptMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners",
					"tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.proxy-protocol=optional",
					"tlsaccept.listeners.edge.trusted-proxies=127.0.0.7")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(TlsAcceptMetrics.class).bindTo(registry);
				TlsListener edge = context.getBean(TlsListener.class);
				// a v1 header from a source that is no trusted proxy, then a malformed
				// one from the trusted proxy
				refusedAfter(edge.getPort(), "127.0.0.6", "PROXY TCP4 192.0.2.1 127.0.0.1 4000 443\r\n");
				refusedAfter(edge.getPort(), "127.0.0.7", "PROXY TCP4 192.0.2.999 127.0.0.1 4000 443\r\n");
				await().until(() -> edge.getStats().refused() == 2);
				assertThat(edge.getStats().handshakesFailed()).isZero();
				String json = TlsHandshakesEndpointTests
					.json(context.getBean(TlsListenersEndpoint.class).listener(SecurityContext.NONE, "edge"));
				assertThat(JsonPath.<Map<String, Object>>read(json, "$.connections"))
					.containsEntry("refusedUntrustedProxy", 1)
					.containsEntry("refusedProxyHeader", 1);
				assertThat(registry.get(TlsAcceptMetrics.REFUSED)
					.tags("listener", "edge", "rule", "TRUSTED_PROXIES")
					.functionCounter()
					.count()).isEqualTo(1.0);
				assertThat(registry.get(TlsAcceptMetrics.REFUSED)
					.tags("listener", "edge", "rule", "PROXY_PROTOCOL")
					.functionCounter()
					.count()).isEqualTo(1.0);
			});
	}

	private static void refusedAfter(int port, String from, String header) throws Exception {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			assertThat(in.read()).as("closed without a TLS byte").isEqualTo(-1);
		}
	}

	private static void refusedFrom(int port, String from) throws Exception {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
			socket.setSoTimeout(10_000);
			InputStream in = socket.getInputStream();
			assertThat(in.read()).as("closed at once, without a TLS byte").isEqualTo(-1);
		}
	}

	private static void handshakeFrom(int port, String from) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
			.createSocket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
			socket.setSoTimeout(10_000);
			socket.startHandshake();
		}
	}

}
