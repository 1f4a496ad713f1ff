package dev.tlsaccept.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class TlsAcceptHealthAndInfoTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptEndpointAutoConfiguration.class, TlsAcceptHealthContributorAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void upWhenEveryListenerRunsWithAValidCertificate() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean("tlsacceptHealthIndicator", TlsAcceptHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			String json = TlsHandshakesEndpointTests.json(health.getDetails());
			int port = context.getBean(TlsListener.class).getPort();
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.listeners.edge"))
				.containsExactlyInAnyOrderEntriesOf(Map.of("state", "RUNNING", "port", port, "status", "UP"));
			assertThat(JsonPath.<List<Object>>read(json, "$.expiringCertificates")).isEmpty();
			assertThat(JsonPath.<List<Object>>read(json, "$.invalidCertificates")).isEmpty();
		});
	}

	@Test
	void certificateExpiringWithinTheThresholdIsListedAndStaysUp() {
		this.contextRunner.withBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), Duration.ofDays(360)))
			.run((context) -> {
				Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				String json = TlsHandshakesEndpointTests.json(health.getDetails());
				assertThat(JsonPath.<Map<String, Object>>read(json, "$.expiringCertificates[0]"))
					.containsKeys("subject", "serialNumber", "notAfter")
					.containsEntry("listener", "edge")
					.containsEntry("validity", "VALID")
					.containsEntry("daysLeft", 4)
					.containsEntry("subject", "******");
			});
	}

	@Test
	void certificateSubjectsFollowTheShowValuesOfTheListenersEndpoint() {
		ApplicationContextRunner expiring = this.contextRunner.withBean(Clock.class,
				() -> Clock.offset(Clock.systemUTC(), Duration.ofDays(360)));
		expiring.withPropertyValues("management.endpoint.tlslisteners.show-values=always")
			.run((context) -> assertThat(subject(context)).isEqualTo("CN=tlsaccept self-signed"));
		expiring.withPropertyValues("management.endpoint.tlslisteners.show-values=when-authorized")
			.run((context) -> assertThat(subject(context)).isEqualTo("******"));
		expiring.withPropertyValues("management.endpoint.tlslisteners.show-values=never")
			.run((context) -> assertThat(subject(context)).isEqualTo("******"));
	}

	private static String subject(org.springframework.context.ApplicationContext context) {
		Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
		return JsonPath.read(TlsHandshakesEndpointTests.json(health.getDetails()), "$.expiringCertificates[0].subject");
	}

	@Test
	void thresholdIsConfigurable() {
		this.contextRunner.withBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), Duration.ofDays(360)))
			.withPropertyValues("tlsaccept.health.certificate-warning-threshold=3d")
			.run((context) -> assertThat(context.getBean(TlsAcceptHealthIndicator.class).health(true).getDetails())
				.containsEntry("expiringCertificates", List.of()));
	}

	@Test
	void expiredCertificateIsOutOfServiceLikeTheSslIndicator() {
		this.contextRunner.withBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), Duration.ofDays(400)))
			.run((context) -> {
				Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				String json = TlsHandshakesEndpointTests.json(health.getDetails());
				assertThat(JsonPath.<String>read(json, "$.invalidCertificates[0].validity")).isEqualTo("EXPIRED");
			});
	}

	@Test
	void downWhenAListenerStopsWhileTheContextRuns() {
		this.contextRunner.run((context) -> {
			context.getBean(TlsListener.class).stop();
			Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(TlsHandshakesEndpointTests.json(health.getDetails())).contains("\"state\":\"STOPPED\"",
					"\"status\":\"DOWN\"");
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.tlsaccept.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TlsAcceptHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutTlsaccept() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TlsAcceptHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TlsAcceptHealthIndicator.class));
	}

	@Test
	void infoContributorSummarizesTheListeners() {
		this.contextRunner.run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean("tlsacceptInfoContributor", TlsAcceptInfoContributor.class).contribute(builder);
			String json = TlsHandshakesEndpointTests.json(builder.build().getDetails());
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.tlsaccept.listeners.edge"))
				.containsEntry("state", "RUNNING")
				.containsEntry("port", context.getBean(TlsListener.class).getPort())
				.containsEntry("engine", "jdk")
				.containsEntry("bioMode", "non-blocking")
				.containsEntry("protocols", List.of("TLSv1.3", "TLSv1.2"));
		});
	}

	@Test
	void infoContributorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.info.tlsaccept.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TlsAcceptInfoContributor.class));
	}

}
