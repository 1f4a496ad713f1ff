package dev.tlsaccept.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.jayway.jsonpath.JsonPath;
import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TlsListenersEndpointTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
				TlsAcceptEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners", "tlsaccept.listeners.edge.port=0",
				"tlsaccept.listeners.edge.shutdown-timeout=1s", "tlsaccept.listeners.edge.bio-mode=pair",
				"tlsaccept.listeners.edge.key-store.private-key-password=s3cret-never-shown",
				"tlsaccept.listeners.raw.port=0", "tlsaccept.listeners.raw.shutdown-timeout=1s",
				"tlsaccept.listeners.raw.protocols=TLSv1.3");

	@Test
	void describesEachListenerInConfigurationOrder() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TlsListenersEndpoint.class);
			TlsListener edge = context.getBean("tlsListener.edge", TlsListener.class);
			Clients.handshake(edge.getPort(), "TLSv1.2");
			Clients.plaintextHttp(edge.getPort());
			await().until(() -> edge.getStats().handshakesFailed() == 1);
			String json = TlsHandshakesEndpointTests
				.json(context.getBean(TlsListenersEndpoint.class).listeners(SecurityContext.NONE));
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.listeners").keySet()).containsExactly("edge", "raw");
			Map<String, Object> described = JsonPath.read(json, "$.listeners.edge");
			assertThat(described).containsOnlyKeys("state", "address", "port", "engine", "provider", "bioMode",
					"protocols", "cipherSuites", "groups", "clientAuth", "applicationProtocols",
					"handshakeTimeoutMillis", "keySource", "selfSigned", "certificates", "serverNames",
					"rejectUnknownServerNames", "trust", "connections");
			assertThat(described).containsEntry("state", "RUNNING")
				.containsEntry("address", "0.0.0.0")
				.containsEntry("port", edge.getPort())
				.containsEntry("engine", "jdk")
				.containsEntry("bioMode", "pair")
				.containsEntry("clientAuth", "NONE")
				.containsEntry("handshakeTimeoutMillis", 10000)
				.containsEntry("keySource", edge.getKeySource())
				.containsEntry("selfSigned", true)
				.containsEntry("protocols", List.of("TLSv1.3", "TLSv1.2"))
				.containsEntry("groups", List.of())
				.containsEntry("serverNames", Map.of())
				.containsEntry("trust", Map.of("source", "none", "certificates", List.of()));
			assertThat((String) described.get("provider")).startsWith("SunJSSE");
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.listeners.edge.certificates[0]"))
				.containsOnlyKeys("subject", "issuer", "subjectAlternativeNames", "serialNumber", "notBefore",
						"notAfter", "daysLeft", "validity")
				.containsEntry("subject", "******")
				.containsEntry("issuer", "******")
				.containsEntry("validity", "VALID");
			assertThat(JsonPath.<Integer>read(json, "$.listeners.edge.certificates[0].daysLeft")).isBetween(363, 365);
			assertThat(JsonPath.<Map<String, Object>>read(json, "$.listeners.edge.connections"))
				.containsEntry("accepted", 2)
				.containsEntry("handshakesSucceeded", 1)
				.containsEntry("handshakesFailed", 1)
				.containsKeys("open", "pendingHandshakes", "refusedMaxConnections", "refusedMaxPendingHandshakes");
			assertThat(JsonPath.<List<String>>read(json, "$.listeners.raw.protocols")).containsExactly("TLSv1.3");
			assertThat(json).doesNotContain("s3cret", "PRIVATE", "privateKey", "password");
		});
	}

	@Test
	void subjectsAreShownWhenAlwaysAllowed() {
		this.contextRunner.withPropertyValues("management.endpoint.tlslisteners.show-values=always").run((context) -> {
			TlsListener edge = context.getBean("tlsListener.edge", TlsListener.class);
			TlsListenersEndpoint.ListenerDescriptor described = context.getBean(TlsListenersEndpoint.class)
				.listener(SecurityContext.NONE, "edge");
			assertThat(described.certificates().get(0).subject())
				.isEqualTo(edge.getContext().config().keyMaterial().leaf().getSubjectX500Principal().getName());
		});
	}

	@Test
	void keySourceNamesTheSslBundleNeverItsPassword(@TempDir Path directory) throws Exception {
		KeyMaterial material = SelfSignedCertificate.generate();
		Path store = directory.resolve("server.p12");
		try (OutputStream out = Files.newOutputStream(store)) {
			material.toKeyStore("bundle-s3cret".toCharArray()).store(out, "bundle-s3cret".toCharArray());
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class,
					TlsAcceptEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=tlslisteners",
					"tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.ssl-bundle=server",
					"spring.ssl.bundle.jks.server.keystore.location=" + store.toUri(),
					"spring.ssl.bundle.jks.server.keystore.password=bundle-s3cret",
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12")
			.run((context) -> {
				String json = TlsHandshakesEndpointTests
					.json(context.getBean(TlsListenersEndpoint.class).listener(SecurityContext.NONE, "edge"));
				assertThat(JsonPath.<String>read(json, "$.keySource")).isEqualTo("SSL bundle 'server'");
				assertThat(JsonPath.<String>read(json, "$.sslBundle")).isEqualTo("server");
				assertThat(JsonPath.<Boolean>read(json, "$.selfSigned")).as("a self-signed certificate in a bundle")
					.isTrue();
				assertThat(JsonPath.<String>read(json, "$.certificates[0].serialNumber"))
					.isEqualTo(material.leaf().getSerialNumber().toString(16));
				assertThat(json).doesNotContain("s3cret", "server.p12");
			});
	}

	@Test
	void unknownListenerIsNotFound() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(TlsListenersEndpoint.class).listener(SecurityContext.NONE, "nope"))
			.isNull());
	}

	@Test
	void stoppedListenerIsDescribedAsStopped() {
		this.contextRunner.run((context) -> {
			context.getBean("tlsListener.raw", TlsListener.class).stop();
			assertThat(context.getBean(TlsListenersEndpoint.class).listener(SecurityContext.NONE, "raw").state())
				.isEqualTo("STOPPED");
		});
	}

}
