package dev.tlsaccept.autoconfigure;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure log line through Boot's structured logging: the record's fields are JSON
 * fields, beside the human-readable message.
 */
@ExtendWith(OutputCaptureExtension.class)
class HandshakeFailureStructuredLoggingTests {

	@ParameterizedTest
	@ValueSource(strings = { "ecs", "logstash" })
	void failureLineCarriesTheRecordsFieldsAsStructuredFields(String format, CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Config.class)
			.web(WebApplicationType.NONE)
			.properties("logging.structured.format.console=" + format, "tlsaccept.listeners.edge.port=0",
					"tlsaccept.listeners.edge.shutdown-timeout=1s")
			.run()) {
			int port = context.getBean(TlsListener.class).getPort();
			try (Socket socket = new Socket("127.0.0.1", port)) {
				socket.setSoTimeout(10_000);
				socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				while (socket.getInputStream().read() != -1) {
					// until the server closes
				}
			}
			catch (java.net.SocketException ex) {
				// reset by the server: fine
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> failureLine(output) != null);
			JsonNode line = JsonMapper.builder().build().readTree(failureLine(output));
			assertThat(text(line, "message")).startsWith("TLS handshake failed: listener=edge peer=127.0.0.1:")
				.contains(" code=-1 error=SSL ")
				.contains(" group=- ");
			assertThat(text(line, "tlsaccept.listener")).isEqualTo("edge");
			assertThat(text(line, "tlsaccept.engine")).isEqualTo("jdk");
			assertThat(text(line, "client.address")).isEqualTo("127.0.0.1");
			assertThat(field(line, "client.port").isNumber()).isTrue();
			assertThat(field(line, "tlsaccept.code").asInt()).isEqualTo(-1);
			assertThat(text(line, "tlsaccept.error")).isEqualTo("SSL");
			assertThat(text(line, "error.type")).isEqualTo("SSL");
			assertThat(text(line, "tlsaccept.reason")).isNotEmpty();
			assertThat(field(line, "tlsaccept.duration_ms").isNumber()).isTrue();
		}
	}

	private static String failureLine(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.startsWith("{") && line.contains("TLS handshake failed"))
			.findFirst()
			.orElse(null);
	}

	/**
	 * A field by its dotted name: nested objects (as ECS writes them) or a flat key (as
	 * Logstash writes them).
	 */
	private static JsonNode field(JsonNode line, String name) {
		if (line.has(name)) {
			return line.get(name);
		}
		JsonNode node = line;
		for (String part : name.split("\\.")) {
			node = node.path(part);
		}
		assertThat(node.isMissingNode()).as(name + " in " + line).isFalse();
		return node;
	}

	private static String text(JsonNode line, String name) {
		return field(line, name).asString();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class })
	static class Config {

	}

}
