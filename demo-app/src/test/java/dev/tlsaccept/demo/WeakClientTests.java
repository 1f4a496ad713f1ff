package dev.tlsaccept.demo;

// tag::testing[]
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.test.ClientHandshake;
import dev.tlsaccept.test.TlsTestClient;
import dev.tlsaccept.test.autoconfigure.AutoConfigureTlsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.tlsaccept.test.HandshakeAssertions.assertThat;

@SpringBootTest
@AutoConfigureTlsTestClient
class WeakClientTests {

	@Autowired
	TlsTestClient client;

	@Autowired
	HandshakeRepository handshakes;

	@Test
	void tls12ClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
		ClientHandshake attempt = this.client.withProtocols("TLSv1.2")
			.withCipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")
			.handshake();
		assertThat(this.handshakes).recordOf(attempt).failedWithAlert("handshake_failure");
	}

}
// end::testing[]
