package dev.tlsaccept.autoconfigure.actuate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.autoconfigure.TestTls;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.server.TlsConnection;
import dev.tlsaccept.server.TlsConnectionHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.application.SslHealthIndicator;
import org.springframework.boot.health.autoconfigure.application.SslHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of a listener with certificates per server name, a trust store, a
 * handler and SSL bundle reloads: {@code /actuator/tlslisteners}, the {@code tlsaccept}
 * health and the {@code tlsaccept.chain.expiry} and {@code tlsaccept.handler.errors}
 * meters. The bundles are reloaded for real, through
 * {@link SslBundleRegistry#updateBundle}, as Spring Boot does when a watched file
 * changes.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsListenerObservabilityTests {

	private static final String PASSWORD = "bundle-s3cret";

	private final KeyMaterial serverKey = SelfSignedCertificate.generate();

	private final KeyMaterial caKey = SelfSignedCertificate.generate();

	/** Expires in five days: within the default 14 d warning threshold. */
	private final KeyMaterial apiKey = SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ofDays(5));

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void bundles() throws Exception {
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
					TlsAcceptEndpointAutoConfiguration.class, TlsAcceptHealthContributorAutoConfiguration.class,
					TlsAcceptMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("lineHandler", TlsConnectionHandler.class, LineHandler::new)
			.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners",
					"tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.ssl-bundle=server", "tlsaccept.listeners.edge.client-auth=want",
					"tlsaccept.listeners.edge.sni.bundles[api.example.com]=api")
			.withPropertyValues(bundle("server", this.serverKey, trustStore(this.caKey)))
			.withPropertyValues(bundle("api", this.apiKey, null));
	}

	@Test
	void sniCertificatesTrustAndHandlerAreDescribedAndMasked() {
		this.contextRunner.run((context) -> {
			TlsListener edge = context.getBean(TlsListener.class);
			assertThat(certificate(edge.getPort(), "api.example.com")).isEqualTo(this.apiKey.leaf());
			String json = listenerJson(context, SecurityContext.NONE);
			assertThat(JsonPath.<String>read(json, "$.certificates[0].serialNumber")).isEqualTo(serial(this.serverKey));
			Map<String, Object> api = JsonPath.read(json, "$.serverNames['api.example.com']");
			assertThat(api).containsOnlyKeys("keySource", "selfSigned", "certificates")
				.containsEntry("keySource", "SSL bundle 'api' (alias 'tlsaccept')")
				.containsEntry("selfSigned", true);
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.serverNames['api.example.com'].certificates[0]"))
				.containsEntry("serialNumber", serial(this.apiKey))
				.containsEntry("subject", "******")
				.containsEntry("issuer", "******")
				.containsEntry("daysLeft", 4)
				.containsEntry("validity", "VALID");
			assertThat(JsonPath.<List<String>>read(json,
					"$.serverNames['api.example.com'].certificates[0].subjectAlternativeNames"))
				.isNotEmpty()
				.allMatch("******"::equals);
			assertThat(JsonPath.<Boolean>read(json, "$.rejectUnknownServerNames")).isFalse();
			assertThat(JsonPath.<String>read(json, "$.trust.source")).isEqualTo("trust store of SSL bundle 'server'");
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.trust.certificates[0]"))
				.containsEntry("serialNumber", serial(this.caKey))
				.containsEntry("subject", "******");
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.handler")).containsEntry("bean", "lineHandler")
				.containsEntry("type", LineHandler.class.getName())
				.containsEntry("style", "BLOCKING")
				// the SNI probe above closes without a line: the handler may fail reading
				.containsKey("errors");
			assertThat(json).doesNotContain("lastReload", "s3cret", "PRIVATE");
		});
		this.contextRunner.withPropertyValues("management.endpoint.tlslisteners.show-values=always").run((context) -> {
			String json = listenerJson(context, SecurityContext.NONE);
			assertThat(JsonPath.<String>read(json, "$.serverNames['api.example.com'].certificates[0].subject"))
				.isEqualTo(this.apiKey.leaf().getSubjectX500Principal().getName());
			assertThat(JsonPath.<List<String>>read(json,
					"$.serverNames['api.example.com'].certificates[0].subjectAlternativeNames"))
				.contains("DNS:localhost");
			assertThat(JsonPath.<String>read(json, "$.trust.certificates[0].subject"))
				.isEqualTo(this.caKey.leaf().getSubjectX500Principal().getName());
		});
	}

	@Test
	void sniCertificatesAreWatchedByTheHealthAndGauged() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			String json = TlsHandshakesEndpointTests.json(health.getDetails());
			assertThat(JsonPath.<List<Object>>read(json, "$.expiringCertificates")).hasSize(1);
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.expiringCertificates[0]"))
				.containsEntry("listener", "edge")
				.containsEntry("serverName", "api.example.com")
				.containsEntry("serialNumber", serial(this.apiKey))
				.containsEntry("subject", "******")
				.containsEntry("daysLeft", 4);
			MeterRegistry registry = meters(context);
			double api = registry.get(TlsAcceptMetrics.CHAIN_EXPIRY)
				.tags("listener", "edge", "server.name", "api.example.com")
				.gauge()
				.value();
			assertThat(api).isBetween(secondsUntil(this.apiKey) - 60.0, secondsUntil(this.apiKey) + 1.0);
			Gauge own = registry.get(TlsAcceptMetrics.CHAIN_EXPIRY)
				.tags("listener", "edge", "server.name", "none")
				.gauge();
			assertThat(own.getId().getBaseUnit()).isEqualTo("seconds");
			assertThat(own.value()).isBetween(secondsUntil(this.serverKey) - 60.0, secondsUntil(this.serverKey) + 1.0);
			assertThat(registry.get(TlsAcceptMetrics.CHAIN_EXPIRY).gauges()).hasSize(2);
		});
		// six days later the SNI certificate has expired: OUT_OF_SERVICE, as for the
		// default certificate
		this.contextRunner.withBean(Clock.class, () -> Clock.offset(Clock.systemUTC(), Duration.ofDays(6)))
			.run((context) -> {
				Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				String json = TlsHandshakesEndpointTests.json(health.getDetails());
				assertThat(JsonPath.<Map<String, Object>>read(json, "$.invalidCertificates[0]"))
					.containsEntry("serverName", "api.example.com")
					.containsEntry("validity", "EXPIRED");
				assertThat(meters(context).get(TlsAcceptMetrics.CHAIN_EXPIRY)
					.tags("server.name", "api.example.com")
					.gauge()
					.value()).isNegative();
			});
	}

	@Test
	void bundleReloadsAreShownWithTheirOutcomeAndAFailedOneKeepsTheMaterialInUse(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			TlsListener edge = context.getBean(TlsListener.class);
			SslBundleRegistry registry = context.getBean(SslBundleRegistry.class);
			MeterRegistry meters = meters(context);
			KeyMaterial renewed = SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ofDays(30));
			Instant before = Instant.now();
			registry.updateBundle("server", storeBundle(keyStore(renewed), trustStore(this.caKey)));
			String json = listenerJson(context, SecurityContext.NONE);
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.lastReload"))
				.containsOnlyKeys("time", "sslBundle", "outcome")
				.containsEntry("sslBundle", "server")
				.containsEntry("outcome", "SUCCESS");
			assertThat(Instant.parse(JsonPath.read(json, "$.lastReload.time"))).isBetween(before, Instant.now());
			assertThat(JsonPath.<String>read(json, "$.certificates[0].serialNumber")).isEqualTo(serial(renewed));
			assertThat(certificate(edge.getPort(), null)).isEqualTo(renewed.leaf());
			assertThat(meters.get(TlsAcceptMetrics.CHAIN_EXPIRY).tags("server.name", "none").gauge().value())
				.as("the gauge follows the reload")
				.isBetween(secondsUntil(renewed) - 60.0, secondsUntil(renewed) + 1.0);

			// a bad new key: a key store without a private key
			registry.updateBundle("server", storeBundle(trustStore(this.caKey), null));
			json = listenerJson(context, SecurityContext.NONE);
			assertThat(JsonPath.<String>read(json, "$.lastReload.outcome")).isEqualTo("FAILED");
			assertThat(JsonPath.<String>read(json, "$.lastReload.sslBundle")).isEqualTo("server");
			assertThat(JsonPath.<String>read(json, "$.lastReload.error")).contains("private key");
			assertThat(JsonPath.<String>read(json, "$.certificates[0].serialNumber"))
				.as("the material in use before stays")
				.isEqualTo(serial(renewed));
			assertThat(certificate(edge.getPort(), null)).isEqualTo(renewed.leaf());
			assertThat(output).contains("WARN")
				.contains("TLS listener 'edge' keeps its current key material (certificate serial " + serial(renewed))
				.contains("the reloaded SSL bundle 'server' cannot be used")
				.doesNotContain("PRIVATE KEY", PASSWORD);

			Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
			assertThat(health.getStatus()).as("still serving the previous, valid material").isEqualTo(Status.UP);
			String details = TlsHandshakesEndpointTests.json(health.getDetails());
			assertThat(JsonPath.<List<String>>read(details, "$.failedReloads")).containsExactly("edge");
			assertThat(JsonPath.<String>read(details, "$.listeners.edge.lastReload.outcome")).isEqualTo("FAILED");
			assertThat(JsonPath.<String>read(details, "$.listeners.edge.lastReload.error")).contains("private key");

			// an SNI bundle reload succeeds again
			KeyMaterial api = SelfSignedCertificate.generate();
			registry.updateBundle("api", storeBundle(keyStore(api), null));
			json = listenerJson(context, SecurityContext.NONE);
			assertThat(JsonPath.<String>read(json, "$.lastReload.outcome")).isEqualTo("SUCCESS");
			assertThat(JsonPath.<String>read(json, "$.lastReload.sslBundle")).isEqualTo("api");
			assertThat(JsonPath.<String>read(json, "$.serverNames['api.example.com'].certificates[0].serialNumber"))
				.isEqualTo(serial(api));
			assertThat(JsonPath.<String>read(json, "$.certificates[0].serialNumber"))
				.as("built on the material in use, not on the bundle that failed")
				.isEqualTo(serial(renewed));
			assertThat(certificate(edge.getPort(), "api.example.com")).isEqualTo(api.leaf());
			assertThat(JsonPath.<List<String>>read(
					TlsHandshakesEndpointTests
						.json(context.getBean(TlsAcceptHealthIndicator.class).health(true).getDetails()),
					"$.failedReloads"))
				.isEmpty();
			assertThat(meters.get(TlsAcceptMetrics.RELOADS)
				.tags("listener", "edge", "outcome", "SUCCESS")
				.functionCounter()
				.count()).isEqualTo(2.0);
			assertThat(meters.get(TlsAcceptMetrics.RELOADS)
				.tags("listener", "edge", "outcome", "FAILED")
				.functionCounter()
				.count()).isEqualTo(1.0);
		});
	}

	@Test
	void watchedPemFileRewrittenWithAnUnreadableKeyIsAFailedReloadWhileBootsSslHealthIsDown(CapturedOutput output)
			throws Exception {
		Path certificate = this.directory.resolve("watched.crt");
		Path key = this.directory.resolve("watched.key");
		writePem(this.serverKey.leaf(), certificate);
		writePem(new JcaPKCS8Generator(this.serverKey.privateKey(), null).generate(), key);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
					TlsAcceptEndpointAutoConfiguration.class, TlsAcceptHealthContributorAutoConfiguration.class,
					SslHealthContributorAutoConfiguration.class))
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.ssl-bundle=watched",
					"spring.ssl.bundle.pem.watched.keystore.certificate=" + certificate,
					"spring.ssl.bundle.pem.watched.keystore.private-key=" + key,
					"spring.ssl.bundle.pem.watched.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=50ms")
			.run((context) -> {
				TlsListener edge = context.getBean(TlsListener.class);
				Path next = this.directory.resolve("watched.key.next");
				Files.writeString(next, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
				Files.move(next, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
						java.nio.file.StandardCopyOption.ATOMIC_MOVE);
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> edge.getLastReload() != null);
				assertThat(edge.getLastReload().outcome()).isEqualTo(TlsListener.KeyMaterialReload.Outcome.FAILED);
				assertThat(edge.getLastReload().error())
					.startsWith("TLS listener 'edge' cannot load the stores of SSL bundle 'watched'");
				assertThat(certificate(edge.getPort(), null)).isEqualTo(this.serverKey.leaf());
				assertThat(output).contains("TLS listener 'edge' keeps its current key material")
					.doesNotContain("bm90IGEga2V5");
				// Boot reads PEM files lazily: it accepted the bundle, and its ssl
				// health,
				// which reads the bundle, is DOWN; ours says the listener still serves
				Health boot = context.getBean(SslHealthIndicator.class).health(true);
				assertThat(boot.getStatus()).isEqualTo(Status.DOWN);
				Health ours = context.getBean(TlsAcceptHealthIndicator.class).health(true);
				assertThat(ours.getStatus()).isEqualTo(Status.UP);
				assertThat(ours.getDetails()).containsEntry("failedReloads", List.of("edge"));
			});
	}

	private static void writePem(Object object, Path file) throws IOException {
		java.io.StringWriter text = new java.io.StringWriter();
		try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(
				text)) {
			writer.writeObject(object);
		}
		Files.writeString(file, text.toString());
	}

	@Test
	void handlerExceptionsAreCountedInTheEndpointAndAMeter() {
		this.contextRunner.run((context) -> {
			TlsListener edge = context.getBean(TlsListener.class);
			try (SSLSocket socket = connect(edge.getPort(), null)) {
				assertThat(exchange(socket, "hello")).isEqualTo("hello");
			}
			try (SSLSocket socket = connect(edge.getPort(), null)) {
				assertThat(exchange(socket, "boom")).as("closed after the handler failed").isNull();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> edge.getStats().handlerErrors() == 1);
			assertThat(JsonPath.<Integer>read(listenerJson(context, SecurityContext.NONE), "$.handler.errors"))
				.isEqualTo(1);
			assertThat(meters(context).get(TlsAcceptMetrics.HANDLER_ERRORS)
				.tag("listener", "edge")
				.functionCounter()
				.count()).isEqualTo(1.0);
		});
	}

	/**
	 * The README's samples of {@code GET /actuator/tlslisteners} and of the
	 * {@code tlsaccept} health after a failed reload have exactly the fields the endpoint
	 * and the indicator write for a listener with every optional part (a failed reload,
	 * an SNI bundle whose certificate expires soon, a trust store, a handler): a field
	 * added or renamed fails here until the sample is updated. The responses are written
	 * to {@code target/actuator-samples/} to refresh the samples from.
	 */
	@Test
	void readmeSamplesHaveTheFieldsTheEndpointAndTheHealthWrite() {
		this.contextRunner.run((context) -> {
			SslBundleRegistry registry = context.getBean(SslBundleRegistry.class);
			registry.updateBundle("server", storeBundle(trustStore(this.caKey), null));
			String listeners = TlsHandshakesEndpointTests
				.json(context.getBean(TlsListenersEndpoint.class).listeners(SecurityContext.NONE));
			Health health = context.getBean(TlsAcceptHealthIndicator.class).health(true);
			String healthJson = TlsHandshakesEndpointTests.json(health);
			Path samples = Path.of("target", "actuator-samples");
			Files.createDirectories(samples);
			Files.writeString(samples.resolve("tlslisteners.json"), listeners);
			Files.writeString(samples.resolve("health-tlsaccept-failed-reload.json"), healthJson);
			String readme = Files.readString(Path.of("..", "README.md"));
			assertThat(fields(readmeSample(readme, "tlslisteners.json"))).isEqualTo(fields(listeners));
			assertThat(fields(readmeSample(readme, "health-tlsaccept-failed-reload.json")))
				.isEqualTo(fields(healthJson));
		});
	}

	/**
	 * The JSON block that follows {@code <!-- sample: name -->} in the README.
	 */
	private static String readmeSample(String readme, String name) {
		String marker = "<!-- sample: " + name + " -->";
		int at = readme.indexOf(marker);
		assertThat(at).as("README has %s", marker).isNotNegative();
		int start = readme.indexOf("```json\n", at) + "```json\n".length();
		return readme.substring(start, readme.indexOf("```\n", start));
	}

	/**
	 * Every field path of a JSON document, array indexes and the names of listeners and
	 * server names left out.
	 */
	private static TreeSet<String> fields(String json) {
		TreeSet<String> fields = new TreeSet<>();
		collect(JsonPath.parse(json).json(), "$", fields);
		return fields;
	}

	private static void collect(Object node, String path, TreeSet<String> fields) {
		fields.add(path);
		if (node instanceof Map<?, ?> map) {
			boolean named = path.endsWith(".listeners") || path.endsWith(".serverNames");
			map.forEach((key, value) -> collect(value, path + "." + (named ? "*" : key), fields));
		}
		else if (node instanceof List<?> list) {
			list.forEach((value) -> collect(value, path + "[]", fields));
		}
	}

	private String[] bundle(String name, KeyMaterial key, KeyStore trust) throws Exception {
		Path keyStore = write(keyStore(key), name + ".p12");
		String prefix = "spring.ssl.bundle.jks." + name;
		String[] keyProperties = { prefix + ".keystore.location=" + keyStore.toUri(),
				prefix + ".keystore.password=" + PASSWORD, prefix + ".keystore.type=PKCS12" };
		if (trust == null) {
			return keyProperties;
		}
		Path trustStore = write(trust, name + "-trust.p12");
		return new String[] { keyProperties[0], keyProperties[1], keyProperties[2],
				prefix + ".truststore.location=" + trustStore.toUri(), prefix + ".truststore.password=" + PASSWORD,
				prefix + ".truststore.type=PKCS12" };
	}

	private Path write(KeyStore store, String name) throws Exception {
		Path file = this.directory.resolve(name);
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, PASSWORD.toCharArray());
		}
		return file;
	}

	private static KeyStore keyStore(KeyMaterial key) {
		return key.toKeyStore(PASSWORD.toCharArray());
	}

	private static KeyStore trustStore(KeyMaterial ca) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setCertificateEntry("ca", ca.leaf());
		return store;
	}

	private static SslBundle storeBundle(KeyStore keyStore, KeyStore trustStore) {
		return SslBundle.of(SslStoreBundle.of(keyStore, PASSWORD, trustStore));
	}

	/** The registry, bound as Boot's {@code MeterRegistryPostProcessor} does. */
	private static MeterRegistry meters(AssertableApplicationContext context) {
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		if (registry.find(TlsAcceptMetrics.CHAIN_EXPIRY).meters().isEmpty()) {
			context.getBean(TlsAcceptMetrics.class).bindTo(registry);
		}
		return registry;
	}

	private static String listenerJson(AssertableApplicationContext context, SecurityContext securityContext) {
		return TlsHandshakesEndpointTests
			.json(context.getBean(TlsListenersEndpoint.class).listener(securityContext, "edge"));
	}

	private static String serial(KeyMaterial key) {
		return key.leaf().getSerialNumber().toString(16);
	}

	private static double secondsUntil(KeyMaterial key) {
		return Duration.between(Instant.now(), key.leaf().getNotAfter().toInstant()).toSeconds();
	}

	private static X509Certificate certificate(int port, String serverName) throws Exception {
		try (SSLSocket socket = connect(port, serverName)) {
			return (X509Certificate) socket.getSession().getPeerCertificates()[0];
		}
	}

	private static SSLSocket connect(int port, String serverName) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		if (serverName != null) {
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(serverName)));
			socket.setSSLParameters(parameters);
		}
		socket.startHandshake();
		return socket;
	}

	private static String exchange(SSLSocket socket, String line) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
		try {
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
		}
		catch (IOException ex) {
			// closed by the listener without a reply
			return null;
		}
	}

	/**
	 * Echoes one line; fails on {@code boom}.
	 */
	static final class LineHandler implements TlsConnectionHandler {

		@Override
		public void handle(TlsConnection connection) throws IOException {
			BufferedReader in = new BufferedReader(
					new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
			String line = in.readLine();
			if ("boom".equals(line)) {
				throw new IllegalStateException("handler failure expected by the test");
			}
			OutputStream out = connection.outputStream();
			out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
		}

	}

}
