package dev.tlsaccept.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.peers.TrustAllClient;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo, started as the application is, with its listener on an ephemeral port, talked
 * to by the real {@code openssl s_client} and by a JDK client, in each BIO mode.
 */
class DemoApplicationTests {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.NONE,
			properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.bio-mode=blocking" })
	class Blocking extends EchoContract {

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.NONE,
			properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.bio-mode=non-blocking" })
	class NonBlocking extends EchoContract {

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.NONE,
			properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.bio-mode=pair" })
	class Pair extends EchoContract {

	}

	abstract static class EchoContract {

		@Value("${local.tlsaccept.demo.port}")
		int port;

		@Value("${tlsaccept.listeners.demo.bio-mode}")
		String bioMode;

		@Autowired
		TlsListener listener;

		@Autowired
		HandshakeRepository handshakes;

		@ParameterizedTest
		@ValueSource(strings = { "-tls1_3", "-tls1_2" })
		void opensslClientGetsTheEcho(String protocolFlag) throws Exception {
			Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + this.port,
					protocolFlag, "-brief", "-ign_eof", "-no-CAfile", "-no-CApath", "-no-CAstore", "-servername",
					"localhost")
				.redirectErrorStream(true)
				.start();
			try (OutputStream stdin = process.getOutputStream()) {
				stdin.write("hello from openssl\nquit\n".getBytes(StandardCharsets.UTF_8));
			}
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client exits").isTrue();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String protocol = protocolFlag.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
			assertThat(output).contains("Protocol version: " + protocol).contains("echo: hello from openssl");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.handshakes.findAll()).anySatisfy((record) -> {
					assertThat(record.listener()).isEqualTo("demo");
					assertThat(record.result().isSuccess()).isTrue();
					assertThat(record.result().protocol()).isEqualTo(protocol);
					assertThat(record.result().serverName()).isEqualTo("localhost");
				}));
		}

		@ParameterizedTest
		@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
		void jdkClientGetsTheEcho(String protocol) throws Exception {
			try (SSLSocket socket = (SSLSocket) TrustAllClient.sslContext()
				.getSocketFactory()
				.createSocket("127.0.0.1", this.port)) {
				socket.setSoTimeout(10_000);
				socket.setEnabledProtocols(new String[] { protocol });
				socket.startHandshake();
				assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
				OutputStream out = socket.getOutputStream();
				BufferedReader in = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
				for (String line : List.of("one", "two")) {
					out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
					assertThat(in.readLine()).isEqualTo("echo: " + line);
				}
				out.write("quit\n".getBytes(StandardCharsets.UTF_8));
				out.flush();
				assertThat(in.readLine()).as("the server closes after quit").isNull();
			}
			assertThat(this.listener.getServer().settings().bioMode().configName()).isEqualTo(this.bioMode);
			// records arrive from the listener's observer thread, moments after the
			// handshake
			await().atMost(Duration.ofSeconds(10)).until(() -> !this.handshakes.findAll().isEmpty());
			List<HandshakeRecord> records = this.handshakes.findAll();
			assertThat(records.get(0).bioMode()).isEqualTo(this.listener.getServer().settings().bioMode());
		}

	}

}
