package dev.tlsaccept.autoconfigure.actuate;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint.HandshakeDescriptor;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint.HandshakesDescriptor;
import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import dev.tlsaccept.server.ProxyHeader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class TlsHandshakesEndpointTests {

	static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

	static final X509Certificate CLIENT_CERTIFICATE = SelfSignedCertificate
		.generate(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30))
		.leaf();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptEndpointAutoConfiguration.class, JacksonEndpointAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	/**
	 * 100 handshakes, the i-th taking i ms, added oldest first: every 4th failed (SSL
	 * with an alert when i is a multiple of 8, else SYSCALL); odd ones on listener
	 * "edge", even ones on "raw".
	 */
	static InMemoryHandshakeRepository hundredHandshakes() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(1000);
		for (int i = 1; i <= 100; i++) {
			repository.add(record(i));
		}
		return repository;
	}

	static HandshakeRecord record(int i) {
		Duration duration = Duration.ofMillis(i);
		ClientHelloSummary hello = new ClientHelloSummary(0x0303, List.of("TLSv1.3", "TLSv1.2"),
				List.of(0x1301, 0x1302), List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"),
				List.of(0, 10, 13, 43), List.of("x25519", "secp256r1"), List.of("ecdsa_secp256r1_sha256"),
				List.of("h2"), "client" + i + ".example.com", "t13d0204h2_62ed6f6ca7ad_9fd3d6f2a8e7", null);
		AcceptResult result;
		if (i % 4 != 0) {
			result = new AcceptResult(1, SslError.NONE, NOW, duration, 1, 0, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
					"client" + i + ".example.com", "h2", (i == 1) ? List.of(CLIENT_CERTIFICATE) : List.of(), null, null,
					null, hello)
				.toBuilder()
				.group((i % 3 == 0) ? "X25519MLKEM768" : "x25519")
				.build();
		}
		else if (i % 8 == 0) {
			result = new AcceptResult(-1, SslError.SSL, NOW, duration, 1, 0, null, null, null, null, List.of(),
					TlsAlert.of(70, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT), "Client requested protocol TLSv1.1",
					"unsupported protocol", hello);
		}
		else {
			result = new AcceptResult(0, SslError.SYSCALL, NOW, duration, 1, 0, null, null, null, null, List.of(), null,
					null, "unexpected eof while reading", hello);
		}
		return new HandshakeRecord(Integer.toString(i), NOW.plusSeconds(i), (i % 2 == 1) ? "edge" : "raw", "jdk",
				BioMode.NON_BLOCKING, new InetSocketAddress("10.0.0." + i, 40000 + i), result);
	}

	static TlsHandshakesEndpoint endpoint(Show show) {
		return new TlsHandshakesEndpoint(hundredHandshakes(), new ShowValues(show, Set.of()),
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@Test
	void summaryCountsAndExactPercentiles() {
		HandshakesDescriptor all = endpoint(Show.NEVER).handshakes(SecurityContext.NONE, null, null, null, null);
		assertThat(all.handshakes()).hasSize(100);
		assertThat(all.handshakes().get(0).id()).isEqualTo("100");
		assertThat(all.summary().total()).isEqualTo(100);
		assertThat(all.summary().byOutcome())
			.containsExactlyInAnyOrderEntriesOf(Map.of("success", 75L, "failure", 25L));
		assertThat(all.summary().byCode()).containsExactlyInAnyOrderEntriesOf(Map.of("1", 75L, "-1", 12L, "0", 13L));
		assertThat(all.summary().byError())
			.containsExactlyInAnyOrderEntriesOf(Map.of("NONE", 75L, "SSL", 12L, "SYSCALL", 13L));
		assertThat(all.summary().byAlert()).containsExactly(Map.entry("protocol_version (sent)", 12L));
		assertThat(all.summary().byProtocol()).containsExactly(Map.entry("TLSv1.3", 75L));
		assertThat(all.summary().byGroup())
			.containsExactlyInAnyOrderEntriesOf(Map.of("X25519MLKEM768", 25L, "x25519", 50L));
		assertThat(all.summary().durationMillis().p50()).isEqualTo(50.0);
		assertThat(all.summary().durationMillis().p95()).isEqualTo(95.0);
		assertThat(all.summary().durationMillis().p99()).isEqualTo(99.0);
		assertThat(all.summary().durationMillis().max()).isEqualTo(100.0);
	}

	@Test
	void filtersCombineAndLimitKeepsTheSummaryOfEveryMatch() {
		TlsHandshakesEndpoint endpoint = endpoint(Show.NEVER);
		assertThat(endpoint.handshakes(SecurityContext.NONE, "edge", null, null, null).summary().total()).isEqualTo(50);
		HandshakesDescriptor failures = endpoint.handshakes(SecurityContext.NONE, null, "failure", null, null);
		assertThat(failures.handshakes()).extracting(HandshakeDescriptor::outcome).containsOnly("failure");
		assertThat(failures.summary().total()).isEqualTo(25);
		HandshakesDescriptor syscall = endpoint.handshakes(SecurityContext.NONE, "raw", "failure", "syscall", null);
		assertThat(syscall.handshakes()).extracting(HandshakeDescriptor::id)
			.containsExactly("100", "92", "84", "76", "68", "60", "52", "44", "36", "28", "20", "12", "4");
		HandshakesDescriptor limited = endpoint.handshakes(SecurityContext.NONE, null, "success", null, 3);
		assertThat(limited.handshakes()).extracting(HandshakeDescriptor::id).containsExactly("99", "98", "97");
		assertThat(limited.summary().total()).isEqualTo(75);
		assertThat(limited.summary().durationMillis().p50()).isEqualTo(50.0); // the 38th
																				// of 75
																				// successes
		HandshakesDescriptor none = endpoint.handshakes(SecurityContext.NONE, "nope", null, null, null);
		assertThat(none.handshakes()).isEmpty();
		assertThat(none.summary().durationMillis().p50()).isNull();
	}

	@Test
	void invalidOutcomeOrLimitIsABadRequest() {
		TlsHandshakesEndpoint endpoint = endpoint(Show.NEVER);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.handshakes(SecurityContext.NONE, null, "maybe", null, null))
			.withMessageContaining("success, failure or health-check");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.handshakes(SecurityContext.NONE, null, null, null, -1));
	}

	@Test
	void personalDataIsMaskedByDefault() {
		String json = json(endpoint(Show.NEVER).handshakes(SecurityContext.NONE, null, null, null, null));
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].peer")).isEqualTo("******");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].serverName")).isEqualTo("******");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].clientHello.serverName")).isEqualTo("******");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].clientCertificates[0].subject")).isEqualTo("******");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].clientCertificates[0].issuer")).isEqualTo("******");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].clientCertificates[0].serialNumber"))
			.isEqualTo(CLIENT_CERTIFICATE.getSerialNumber().toString(16));
		assertThat(json).doesNotContain("10.0.0.", "example.com", "CN=");
	}

	@Test
	void personalDataIsShownWhenAlwaysAllowed() {
		String json = json(endpoint(Show.ALWAYS).handshakes(SecurityContext.NONE, null, null, null, null));
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].peer")).isEqualTo("10.0.0.1:40001");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].serverName")).isEqualTo("client1.example.com");
		assertThat(JsonPath.<String>read(json, "$.handshakes[99].clientCertificates[0].subject"))
			.isEqualTo(CLIENT_CERTIFICATE.getSubjectX500Principal().getName());
		assertThat(JsonPath.<Integer>read(json, "$.handshakes[99].clientCertificates[0].daysLeft")).isEqualTo(30);
	}

	@Test
	void whenAuthorizedShowsValuesToAnAuthenticatedCallerOnly() {
		TlsHandshakesEndpoint endpoint = endpoint(Show.WHEN_AUTHORIZED);
		SecurityContext anonymous = new TestSecurityContext(null);
		SecurityContext user = new TestSecurityContext(() -> "alice");
		assertThat(endpoint.handshake(anonymous, "1").peer()).isEqualTo("******");
		assertThat(endpoint.handshake(user, "1").peer()).isEqualTo("10.0.0.1:40001");
	}

	@Test
	void jsonShapeOfTheListAsActuatorWritesIt() {
		String json = json(endpoint(Show.NEVER).handshakes(SecurityContext.NONE, null, null, null, 8));
		assertThat(JsonPath.<Map<String, Object>>read(json, "$")).containsOnlyKeys("handshakes", "summary");
		Map<String, Object> failure = JsonPath.read(json, "$.handshakes[4]");
		assertThat(failure).containsOnlyKeys("id", "time", "listener", "engine", "bioMode", "peer", "outcome", "code",
				"error", "reason", "engineMessage", "alert", "clientCertificates", "durationMillis", "wantReadTurns",
				"wantWriteTurns", "clientHello", "resumed");
		assertThat(failure).containsEntry("id", "96")
			.containsEntry("time", "2026-11-30T12:01:36Z")
			.containsEntry("bioMode", "non-blocking")
			.containsEntry("code", -1)
			.containsEntry("error", "SSL")
			.containsEntry("reason", "unsupported protocol")
			.containsEntry("durationMillis", 96.0)
			.containsEntry("alert",
					Map.of("name", "protocol_version", "number", 70, "direction", "SENT", "level", "FATAL"));
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.handshakes[4].clientHello")).containsOnlyKeys("ja4",
				"protocolOffered", "serverName", "alpn", "resumptionOffered");
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.summary")).containsOnlyKeys("total", "byOutcome",
				"byCode", "byError", "byAlert", "byProtocol", "byGroup", "resumed", "durationMillis");
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.handshakes[1]")).containsEntry("id", "99")
			.containsEntry("group", "X25519MLKEM768")
			.containsEntry("cipherSuite", "TLS_AES_128_GCM_SHA256");
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.summary.durationMillis"))
			.containsExactlyInAnyOrderEntriesOf(Map.of("p50", 50.0, "p95", 95.0, "p99", 99.0, "max", 100.0));
	}

	@Test
	void oneHandshakeInFullWithTheClientHello() {
		TlsHandshakesEndpoint endpoint = endpoint(Show.ALWAYS);
		String json = json(endpoint.handshake(SecurityContext.NONE, "1"));
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.clientHello"))
			.containsEntry("ja4", "t13d0204h2_62ed6f6ca7ad_9fd3d6f2a8e7")
			.containsEntry("legacyVersion", "TLSv1.2")
			.containsEntry("protocolOffered", "TLSv1.3")
			.containsEntry("serverName", "client1.example.com")
			.containsEntry("supportedVersions", List.of("TLSv1.3", "TLSv1.2"))
			.containsEntry("cipherSuites", List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"))
			.containsEntry("extensions", List.of(0, 10, 13, 43))
			.containsEntry("supportedGroups", List.of("x25519", "secp256r1"))
			.containsEntry("signatureAlgorithms", List.of("ecdsa_secp256r1_sha256"))
			.containsEntry("alpn", List.of("h2"))
			.containsEntry("resumptionOffered", "NONE");
		assertThat(JsonPath.<String>read(json, "$.protocol")).isEqualTo("TLSv1.3");
		assertThat(JsonPath.<String>read(json, "$.applicationProtocol")).isEqualTo("h2");
		assertThat(endpoint.handshake(SecurityContext.NONE, "1000")).isNull();
	}

	@Test
	void aProxiedHandshakeShowsTheProxyBesideTheClientMaskedLikeThePeer() {
		InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository(10);
		InetSocketAddress client = new InetSocketAddress("192.0.2.7", 56324);
		InetSocketAddress balancer = new InetSocketAddress("10.1.0.5", 51000);
		HandshakeRecord proxied = record(1);
		repository
			.add(new HandshakeRecord("p1", NOW, "edge", "jdk", BioMode.NON_BLOCKING, client, proxied.result(), balancer,
					new ProxyHeader(2, false, client, new InetSocketAddress("198.51.100.1", 443), "device.example.com",
							"h2", "req-42", new ProxyHeader.Ssl(true, true, false, 0, "TLSv1.3", "device-7",
									"TLS_AES_128_GCM_SHA256", "SHA256", "RSA2048"))));
		repository.add(new HandshakeRecord("hc", NOW.plusSeconds(1), "edge", "jdk", BioMode.NON_BLOCKING, balancer,
				record(4).result(), balancer, new ProxyHeader(2, true, null, null, null, null, null)));
		String shown = json(new TlsHandshakesEndpoint(repository, new ShowValues(Show.ALWAYS, Set.of()),
				Clock.fixed(NOW, ZoneOffset.UTC))
			.handshake(SecurityContext.NONE, "p1"));
		assertThat(JsonPath.<String>read(shown, "$.peer")).isEqualTo("192.0.2.7:56324");
		assertThat(JsonPath.<String>read(shown, "$.proxy")).isEqualTo("10.1.0.5:51000");
		assertThat(JsonPath.<Map<String, Object>>read(shown, "$.proxyHeader"))
			.containsExactlyInAnyOrderEntriesOf(Map.of("version", 2, "command", "PROXY", "destination",
					"198.51.100.1:443", "authority", "device.example.com", "alpn", "h2", "uniqueId", "req-42", "ssl",
					Map.of("tls", true, "certificateOnConnection", true, "certificateInSession", false, "verify", 0,
							"version", "TLSv1.3", "commonName", "device-7", "cipher", "TLS_AES_128_GCM_SHA256",
							"signatureAlgorithm", "SHA256", "keyAlgorithm", "RSA2048")));
		TlsHandshakesEndpoint masked = new TlsHandshakesEndpoint(repository, new ShowValues(Show.NEVER, Set.of()),
				Clock.fixed(NOW, ZoneOffset.UTC));
		String hidden = json(masked.handshake(SecurityContext.NONE, "p1"));
		assertThat(JsonPath.<String>read(hidden, "$.peer")).isEqualTo("******");
		assertThat(JsonPath.<String>read(hidden, "$.proxy")).isEqualTo("******");
		assertThat(JsonPath.<Map<String, Object>>read(hidden, "$.proxyHeader")).containsEntry("destination", "******")
			.containsEntry("authority", "******")
			.containsEntry("uniqueId", "******");
		assertThat(JsonPath.<String>read(hidden, "$.proxyHeader.ssl.commonName")).isEqualTo("******");
		assertThat(JsonPath.<String>read(hidden, "$.proxyHeader.ssl.cipher")).isEqualTo("TLS_AES_128_GCM_SHA256");
		// the health check is neither a success nor a failure
		HandshakesDescriptor all = masked.handshakes(SecurityContext.NONE, null, null, null, null);
		assertThat(all.summary().byOutcome())
			.containsExactlyInAnyOrderEntriesOf(Map.of("success", 1L, "health-check", 1L));
		assertThat(masked.handshakes(SecurityContext.NONE, null, "failure", null, null).handshakes()).isEmpty();
		assertThat(masked.handshakes(SecurityContext.NONE, null, "health-check", null, null).handshakes())
			.singleElement()
			.satisfies((handshake) -> assertThat(handshake.outcome()).isEqualTo("health-check"));
	}

	@Test
	void deleteForgetsEveryHandshake() {
		TlsHandshakesEndpoint endpoint = endpoint(Show.NEVER);
		endpoint.clear();
		assertThat(endpoint.handshakes(SecurityContext.NONE, null, null, null, null).handshakes()).isEmpty();
	}

	@Test
	void autoConfiguredEndpointRecordsRealHandshakesOfBothOutcomes() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=tlshandshakes")
			.run((context) -> {
				assertThat(context).hasSingleBean(TlsHandshakesEndpoint.class);
				int port = context.getBean(dev.tlsaccept.autoconfigure.TlsListener.class).getPort();
				Clients.handshake(port, "TLSv1.3");
				Clients.plaintextHttp(port);
				TlsHandshakesEndpoint endpoint = context.getBean(TlsHandshakesEndpoint.class);
				await().untilAsserted(
						() -> assertThat(endpoint.handshakes(SecurityContext.NONE, null, null, null, null).handshakes())
							.hasSize(2));
				String json = context.getBean(EndpointJsonMapper.class)
					.get()
					.writeValueAsString(endpoint.handshakes(SecurityContext.NONE, "edge", "failure", null, null));
				assertThat(JsonPath.<Integer>read(json, "$.handshakes[0].code")).isEqualTo(-1);
				assertThat(JsonPath.<String>read(json, "$.handshakes[0].error")).isEqualTo("SSL");
				assertThat(JsonPath.<String>read(json, "$.handshakes[0].reason")).isEqualTo("http request");
				assertThat(JsonPath.<String>read(json, "$.handshakes[0].peer")).isEqualTo("******");
				HandshakeDescriptor success = endpoint.handshakes(SecurityContext.NONE, null, "success", null, null)
					.handshakes()
					.get(0);
				assertThat(success.protocol()).isEqualTo("TLSv1.3");
				assertThat(success.clientHello().ja4()).startsWith("t13");
			});
	}

	@Test
	void showValuesIsBoundFromManagementEndpointTlshandshakes() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=tlshandshakes",
					"management.endpoint.tlshandshakes.show-values=always")
			.run((context) -> assertThat(context.getBean(TlsHandshakesEndpointProperties.class).getShowValues())
				.isEqualTo(Show.ALWAYS));
	}

	@Test
	void endpointsNeedToBeExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(TlsHandshakesEndpoint.class);
			assertThat(context).doesNotHaveBean(TlsListenersEndpoint.class);
		});
	}

	@Test
	void everythingBacksOffWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
					TlsAcceptEndpointAutoConfiguration.class, TlsAcceptHealthContributorAutoConfiguration.class,
					TlsAcceptMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
					"org.springframework.boot.health", "org.springframework.boot.micrometer", "io.micrometer"))
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"management.endpoints.web.exposure.include=*")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("tlsListener.edge");
				assertThat(context).doesNotHaveBean(TlsHandshakesEndpointProperties.class);
				assertThat(context).doesNotHaveBean(TlsListenersEndpointProperties.class);
				assertThat(context).doesNotHaveBean("tlsHandshakesEndpoint");
				assertThat(context).doesNotHaveBean("tlsListenersEndpoint");
				assertThat(context).doesNotHaveBean("tlsacceptHealthIndicator");
				assertThat(context).doesNotHaveBean("tlsacceptInfoContributor");
				assertThat(context).doesNotHaveBean("tlsAcceptMetrics");
			});
	}

	/**
	 * The JSON mapper Actuator uses for endpoint responses, as
	 * JacksonEndpointAutoConfiguration builds it.
	 */
	static final JsonMapper ENDPOINT_JSON_MAPPER = JsonMapper.builder()
		.changeDefaultPropertyInclusion(
				(value) -> value.withValueInclusion(Include.NON_NULL).withContentInclusion(Include.NON_NULL))
		.build();

	static String json(Object value) {
		return ENDPOINT_JSON_MAPPER.writeValueAsString(value);
	}

	record TestSecurityContext(java.security.Principal principal) implements SecurityContext {

		@Override
		public java.security.Principal getPrincipal() {
			return this.principal;
		}

		@Override
		public boolean isUserInRole(String role) {
			return false;
		}

	}

}
