package dev.tlsaccept.demo;

import java.time.Duration;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import io.netty.internal.tcnative.SSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's class path is {@code tlsaccept-spring-boot-starter-openssl} alone (plus
 * actuator and web): it runs {@code engine: openssl} on the netty-tcnative version the
 * starter names (not the one Spring Boot's BOM manages) and serves TLS 1.3 to the real
 * {@code openssl s_client}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.engine=openssl" })
class DemoOpenSslEngineTests {

	@Value("${local.tlsaccept.demo.port}")
	int port;

	@Autowired
	TlsListener listener;

	@Test
	void starterAloneRunsTheOpensslEngineOnItsNettyTcnativeVersion() {
		assertThat(this.listener.getContext().engineName()).isEqualTo("openssl");
		assertThat(this.listener.getContext().provider()).isEqualTo("BoringSSL");
		// the root pom's netty-tcnative.version, passed by surefire
		assertThat(SSL.class.getPackage().getImplementationVersion())
			.isEqualTo(System.getProperty("netty-tcnative.version"))
			.isNotNull();
	}

	@Test
	void opensslClientGetsTls13AndTheEcho() {
		OpenSslResult result = new OpenSslClient().connect("127.0.0.1", this.port)
			.tls13()
			.send("hello over boringssl\n")
			.awaitReplyContaining("echo: hello over boringssl", Duration.ofSeconds(10))
			.timeout(Duration.ofSeconds(30))
			.run();
		assertThat(result.protocol()).contains("TLSv1.3");
		assertThat(result.stdout()).contains("echo: hello over boringssl");
	}

}
