package dev.tlsaccept.test;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.tlsaccept.test.HandshakeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TlsServerExtension} without Spring: a TLS 1.3-only echo server on an ephemeral
 * port with a test PKI's certificate, a client that trusts it, and its records.
 */
class TlsServerExtensionTests {

	// tag::extension[]
	@RegisterExtension
	static TlsServerExtension server = TlsServerExtension.create()
		.withConfig((config) -> config.protocols(List.of("TLSv1.3")))
		.withHandler((connection) -> connection.inputStream().transferTo(connection.outputStream()));

	@Test
	void serverRunsOnAnEphemeralPortAndEchoes() throws Exception {
		assertThat(server.port()).isPositive();
		try (TlsTestConnection connection = server.client().connect()) {
			connection.write(new byte[] { 1, 2, 3 });
			assertThat(connection.readBytes(3)).containsExactly(1, 2, 3);
			assertThat(connection.session().getPeerCertificates()[0]).isEqualTo(server.pki().server().certificate());
			assertThat(server.handshakes()).recordOf(connection).succeeded().protocol("TLSv1.3").listener("test");
		}
	}

	@Test
	void refusedClientIsRecordedWithTheAlert() throws Exception {
		ClientHandshake attempt = server.client().withProtocols("TLSv1.2").handshake();
		assertThat(attempt.succeeded()).isFalse();
		assertThat(attempt.failure()).isInstanceOf(javax.net.ssl.SSLException.class);
		assertThat(server.handshakes()).recordOf(attempt).failedWithAlert("protocol_version");
	}
	// end::extension[]

	@Nested
	class InANestedClass {

		@Test
		void theEnclosingClassServerKeepsRunning() throws Exception {
			try (TlsTestConnection connection = server.client().connect()) {
				connection.writeLine("nested");
				assertThat(connection.readLine()).isEqualTo("nested");
			}
		}

	}

	@Test
	void clientThatTrustsAnotherCaRefusesTheServer() throws Exception {
		ClientHandshake attempt = server.client().withTrustedCertificates(TestPki.create().caCertificate()).handshake();
		assertThat(attempt.succeeded()).isFalse();
		assertThat(server.handshakes()).recordOf(attempt).failed().alertReceived("certificate_unknown");
	}

}
