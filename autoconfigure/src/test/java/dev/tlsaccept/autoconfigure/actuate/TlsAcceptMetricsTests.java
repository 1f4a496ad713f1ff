package dev.tlsaccept.autoconfigure.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.ProxyHeader;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TlsAcceptMetricsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptMetricsAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void handshakesAreTimedWithLowCardinalityTagsOnly() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		TlsAcceptMetrics metrics = new TlsAcceptMetrics(registry, null);
		metrics.handshakeFinished(event(AcceptResult.builder(1, SslError.NONE)
			.duration(Duration.ofMillis(12))
			.turns(1, 0)
			.protocol("TLSv1.3")
			.cipherSuite("TLS_AES_128_GCM_SHA256")
			.serverName("secret.example.com")
			.applicationProtocol("h2")
			.group("X25519MLKEM768")
			.build()));
		metrics.handshakeFinished(event(new AcceptResult(-1, SslError.SSL, Instant.EPOCH, Duration.ofMillis(3), 1, 0,
				null, null, "secret.example.com", null, List.of(),
				TlsAlert.of(70, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT), "x", "unsupported protocol")));
		Timer success = registry.get(TlsAcceptMetrics.HANDSHAKES)
			.tags("listener", "edge", "outcome", "SUCCESS", "error", "NONE", "protocol", "TLSv1.3", "group",
					"X25519MLKEM768", "resumed", "false")
			.timer();
		assertThat(success.count()).isEqualTo(1);
		assertThat(success.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(12.0);
		Timer failure = registry.get(TlsAcceptMetrics.HANDSHAKES)
			.tags("listener", "edge", "outcome", "FAILURE", "error", "SSL", "protocol", "none", "group", "none",
					"resumed", "false")
			.timer();
		assertThat(failure.count()).isEqualTo(1);
		assertThat(registry.get(TlsAcceptMetrics.ALERTS)
			.tags("listener", "edge", "alert", "protocol_version", "direction", "SENT")
			.counter()
			.count()).isEqualTo(1.0);
		for (Meter meter : registry.getMeters()) {
			assertThat(meter.getId().getTags()).extracting(Tag::getKey)
				.isSubsetOf("listener", "outcome", "error", "protocol", "group", "resumed", "alert", "direction");
			assertThat(meter.getId().getTags()).extracting(Tag::getValue)
				.doesNotContain("secret.example.com", "10.0.0.1");
		}
	}

	@Test
	void realHandshakesAreTimedAndListenersGauged() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(TlsAcceptMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(TlsAcceptMetrics.class).bindTo(registry); // MeterRegistryPostProcessor
																		// does this in an
																		// app
			int port = context.getBean(TlsListener.class).getPort();
			Clients.handshake(port, "TLSv1.2");
			Clients.plaintextHttp(port);
			await().untilAsserted(() -> {
				assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES)
					.tags("listener", "edge", "outcome", "SUCCESS", "protocol", "TLSv1.2")
					.timer()).isNotNull();
				assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES)
					.tags("listener", "edge", "outcome", "FAILURE", "error", "SSL")
					.timer()).isNotNull();
			});
			assertThat(registry.get(TlsAcceptMetrics.ACTIVE_CONNECTIONS).tag("listener", "edge").gauge().value())
				.isGreaterThanOrEqualTo(0);
			assertThat(registry.get(TlsAcceptMetrics.PENDING_HANDSHAKES).tag("listener", "edge").gauge().value())
				.isEqualTo(0);
		});
	}

	@Test
	void tagValuesFollowOneCaseRule() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(TlsAcceptMetrics.class).bindTo(registry);
			int port = context.getBean(TlsListener.class).getPort();
			Clients.handshake(port, "TLSv1.3");
			Clients.plaintextHttp(port);
			await().untilAsserted(() -> assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES).timers()).hasSize(2));
			// the group as IANA writes it (x25519, X25519MLKEM768), none when the server
			// chose none
			assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES)
				.tag("outcome", "SUCCESS")
				.timer()
				.getId()
				.getTag("group")).isEqualTo("x25519");
			assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES)
				.tag("outcome", "FAILURE")
				.timer()
				.getId()
				.getTag("group")).isEqualTo("none");
			assertThat(registry.getMeters()).isNotEmpty().allSatisfy((meter) -> {
				for (Tag tag : meter.getId().getTags()) {
					switch (tag.getKey()) {
						// names the configuration or the TLS protocol defines, as written
						// there
						case "listener", "protocol", "group", "alert" -> assertThat(tag.getValue()).isNotBlank();
						// a flag, as OpenTelemetry's tls.resumed attribute
						case "resumed" -> assertThat(tag.getValue()).isIn("true", "false");
						// closed sets tlsaccept defines: constants, or none
						default -> assertThat(tag.getValue()).as("%s %s", meter.getId().getName(), tag)
							.matches("[A-Z][A-Z_0-9]*|none");
					}
				}
			});
			assertThat(registry.find(TlsAcceptMetrics.REFUSED).functionCounters()).isNotEmpty();
			assertThat(registry.find(TlsAcceptMetrics.CONNECTIONS_CLOSED).functionCounters()).isNotEmpty();
		});
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(TlsAcceptMetrics.class));
	}

	@Test
	void aLoadBalancersHealthCheckIsTimedApartFromFailures() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		TlsAcceptMetrics metrics = new TlsAcceptMetrics(registry, null);
		InetSocketAddress balancer = new InetSocketAddress("10.1.0.5", 51000);
		metrics.handshakeFinished(new HandshakeEvent("edge", "jdk", BioMode.NON_BLOCKING, balancer,
				new AcceptResult(0, SslError.SYSCALL, Instant.EPOCH, Duration.ofMillis(1), 1, 0, null, null, null, null,
						List.of(), null, null, "unexpected eof while reading"),
				balancer, new ProxyHeader(2, true, null, null, null, null, null)));
		assertThat(registry.get(TlsAcceptMetrics.HANDSHAKES)
			.tags("listener", "edge", "outcome", "HEALTH_CHECK", "error", "SYSCALL")
			.timer()
			.count()).isEqualTo(1);
		assertThat(registry.find(TlsAcceptMetrics.HANDSHAKES).tag("outcome", "FAILURE").timers()).isEmpty();
	}

	private static HandshakeEvent event(AcceptResult result) {
		return new HandshakeEvent("edge", "jdk", BioMode.BLOCKING, new InetSocketAddress("10.0.0.1", 4000), result);
	}

}
