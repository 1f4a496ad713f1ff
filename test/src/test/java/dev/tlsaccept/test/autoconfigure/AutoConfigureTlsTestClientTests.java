package dev.tlsaccept.test.autoconfigure;

import java.nio.file.Path;

import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.test.ClientHandshake;
import dev.tlsaccept.test.TestPki;
import dev.tlsaccept.test.TlsTestClient;
import dev.tlsaccept.test.TlsTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tlsaccept.test.HandshakeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AutoConfigureTlsTestClient} in a {@code @SpringBootTest} with two listeners
 * configured on fixed ports: {@code edge} with a generated self-signed certificate and
 * ALPN, {@code partners} with PEM files from a {@link TestPki}, TLS 1.3 only and client
 * certificates required. The ports become ephemeral, each listener gets a client that
 * trusts it, and the records are asserted without HTTP.
 */
@SpringBootTest(classes = EchoApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = { "tlsaccept.listeners.edge.port=18443", "tlsaccept.listeners.edge.application-protocols=demo/1",
				"tlsaccept.listeners.partners.port=18444", "tlsaccept.listeners.partners.protocols=TLSv1.3",
				"tlsaccept.listeners.partners.client-auth=need" })
@AutoConfigureTlsTestClient
class AutoConfigureTlsTestClientTests {

	static final TestPki pki = TestPki.create();

	@DynamicPropertySource
	static void partnerKeyMaterial(DynamicPropertyRegistry registry) {
		Path directory = Path.of("target", "test-pki", AutoConfigureTlsTestClientTests.class.getSimpleName());
		TestPki.PemFiles server = pki.server().writePem(directory, "server");
		registry.add("tlsaccept.listeners.partners.key-store.certificate", () -> server.certificate().toString());
		registry.add("tlsaccept.listeners.partners.key-store.private-key", () -> server.privateKey().toString());
		registry.add("tlsaccept.listeners.partners.trust-store.certificate",
				() -> pki.writeCaPem(directory.resolve("ca.pem")).toString());
	}

	@Autowired
	@Qualifier("edge")
	TlsTestClient edge;

	@Autowired
	@Qualifier("partners")
	TlsTestClient partners;

	@Autowired
	HandshakeRepository handshakes;

	@Autowired
	TlsListeners listeners;

	@Value("${local.tlsaccept.edge.port}")
	int edgePort;

	@Test
	void listenersConfiguredOnFixedPortsAreBoundToEphemeralOnes() {
		assertThat(this.listeners.all()).extracting((listener) -> listener.getPort())
			.doesNotContain(18443, 18444)
			.allSatisfy((port) -> assertThat(port).isPositive());
		assertThat(this.listeners.get("edge"))
			.hasValueSatisfying((listener) -> assertThat(listener.getPort()).isEqualTo(this.edgePort));
	}

	@Test
	void clientTrustsTheGeneratedCertificateAndExchangesBytes() throws Exception {
		try (TlsTestConnection connection = this.edge.connect()) {
			connection.writeLine("hello");
			assertThat(connection.readLine()).isEqualTo("hello");
			assertThat(connection.protocol()).isEqualTo("TLSv1.3");
			assertThat(this.handshakes).recordOf(connection).succeeded().listener("edge").protocol("TLSv1.3");
		}
	}

	@Test
	void clientIsAlsoATestMethodParameter(@Qualifier("partners") TlsTestClient client) throws Exception {
		ClientHandshake attempt = client.withClientCertificate(pki.client()).handshake();
		assertThat(attempt.succeeded()).as("%s", attempt.failure()).isTrue();
		assertThat(this.handshakes).recordOf(attempt).succeeded().listener("partners");
	}

	@Test
	void clientOptionsReachTheListener() throws Exception {
		TlsTestClient client = this.edge.withProtocols("TLSv1.2")
			.withCipherSuites("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
			.withServerName("localhost")
			.withApplicationProtocols("demo/1");
		try (TlsTestConnection connection = client.connect()) {
			assertThat(connection.applicationProtocol()).isEqualTo("demo/1");
			assertThat(this.handshakes).recordOf(connection)
				.succeeded()
				.protocol("TLSv1.2")
				.cipherSuite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
				.serverName("localhost")
				.applicationProtocol("demo/1");
		}
	}

	@Test
	void clientTrustsConfiguredPemKeyMaterialAndPresentsItsCertificate() throws Exception {
		try (TlsTestConnection connection = this.partners.withClientCertificate(pki.client()).connect()) {
			connection.writeLine("from a partner");
			assertThat(connection.readLine()).isEqualTo("from a partner");
			assertThat(this.handshakes).recordOf(connection)
				.succeeded()
				.listener("partners")
				.clientCertificateSubject("CN=test client");
		}
	}

	@Test
	void refusedProtocolIsRecordedWithTheAlertSent() throws Exception {
		ClientHandshake attempt = this.partners.withClientCertificate(pki.client())
			.withProtocols("TLSv1.2")
			.handshake();
		assertThat(attempt.succeeded()).isFalse();
		assertThat(this.handshakes).recordOf(attempt)
			.failedWithAlert("protocol_version")
			.alertSent("protocol_version")
			.listener("partners");
	}

	@Test
	void missingClientCertificateIsRecordedAsRefused() throws Exception {
		ClientHandshake attempt = this.partners.handshake();
		// bad_certificate is the jdk engine's alert (README, "Engine differences"); the
		// others send certificate_required
		assertThat(this.handshakes).recordOf(attempt).failed().alertSent("bad_certificate").listener("partners");
	}

	@Test
	void untrustedClientCertificateIsRecordedWithItsSubject() throws Exception {
		TestPki.Identity stranger = TestPki.create("CN=elsewhere CA").issueClient("stranger");
		ClientHandshake attempt = this.partners.withClientCertificate(stranger).handshake();
		assertThat(this.handshakes).recordOf(attempt).failed().clientCertificateSubject("CN=stranger");
	}

}
