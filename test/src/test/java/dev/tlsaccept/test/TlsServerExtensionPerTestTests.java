package dev.tlsaccept.test;

import java.security.cert.Certificate;

import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.tlsaccept.test.HandshakeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TlsServerExtension} in an instance field: a server per test, here with a second
 * certificate chosen by SNI, which the client trusts too.
 */
class TlsServerExtensionPerTestTests {

	private static final TestPki pki = TestPki.create();

	private static final TestPki.Identity api = pki.issueServer("api.example.test");

	@RegisterExtension
	TlsServerExtension server = TlsServerExtension.create()
		.withKeyMaterial(pki.server().keyMaterial())
		.withConfig((config) -> config.serverNameKeyMaterial("api.example.test", api.keyMaterial()));

	@Test
	void clientTrustsTheCertificateChosenBySni() throws Exception {
		try (TlsTestConnection connection = this.server.client().withServerName("api.example.test").connect()) {
			Certificate presented = connection.session().getPeerCertificates()[0];
			assertThat(presented).isEqualTo(api.certificate());
			assertThat(this.server.handshakes()).recordOf(connection).succeeded().serverName("api.example.test");
		}
	}

	@Test
	void clientTrustsTheNewCertificateAfterARotation() throws Exception {
		TestPki.Identity rotated = TestPki.create("CN=next CA").server();
		TlsServerContext previous = this.server.server().context();
		this.server.server().setContext(TlsServerContext.create(TlsConfig.builder(rotated.keyMaterial()).build()));
		previous.close();
		try (TlsTestConnection connection = this.server.client().connect()) {
			assertThat(connection.session().getPeerCertificates()[0]).isEqualTo(rotated.certificate());
		}
	}

	@Test
	void eachTestHasItsOwnServerAndRecords() throws Exception {
		assertThat(this.server.handshakes().findAll()).isEmpty();
		try (TlsTestConnection connection = this.server.client().connect()) {
			assertThat(connection.session().getPeerCertificates()[0]).isEqualTo(pki.server().certificate());
		}
		assertThat(this.server.handshakes()).hasRecordCount(1).last().succeeded();
	}

}
