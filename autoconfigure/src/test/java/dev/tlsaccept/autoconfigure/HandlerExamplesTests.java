package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's handler examples are the code of {@link HandlerExamples}, and that code
 * works.
 */
class HandlerExamplesTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Path SOURCE = Path.of("src", "test", "java", "dev", "tlsaccept", "autoconfigure",
			"HandlerExamples.java");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.gateway.port=0", "tlsaccept.listeners.gateway.shutdown-timeout=1s");

	@ParameterizedTest
	@ValueSource(strings = { "event-driven", "offloaded", "blocking-streams" })
	void readmeShowsTheCompiledExample(String tag) throws IOException {
		String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
		String start = "// tag::" + tag + "[]\n";
		String end = "\t// end::" + tag + "[]";
		String region = source.substring(source.indexOf(start) + start.length(), source.indexOf(end));
		String example = region.lines()
			.map((line) -> line.startsWith("\t") ? line.substring(1) : line)
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(Files.readString(README, StandardCharsets.UTF_8)).as("README.md shows HandlerExamples' " + tag)
			.contains("```java\n" + example + "```");
	}

	@Test
	void eventDrivenExampleAcknowledgesEachLine() {
		this.contextRunner.withUserConfiguration(HandlerExamples.DeviceGatewayConfiguration.class).run((context) -> {
			try (SSLSocket socket = TestTls.connect(context.getBean(TlsListener.class).getPort(), "TLSv1.3")) {
				assertThat(TestTls.exchange(socket, "t=21.5")).isEqualTo("ack t=21.5");
			}
		});
	}

	@Test
	void offloadedExampleAnswersFromTheExecutor() {
		ExecutorService executor = Executors.newCachedThreadPool();
		try {
			this.contextRunner.withBean("applicationTaskExecutor", Executor.class, () -> executor)
				.withUserConfiguration(HandlerExamples.LookupConfiguration.class)
				.run((context) -> {
					try (SSLSocket socket = TestTls.connect(context.getBean(TlsListener.class).getPort(), "TLSv1.3")) {
						assertThat(TestTls.exchange(socket, "color")).isEqualTo("value of color");
					}
				});
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void blockingStreamsExampleGreets() {
		this.contextRunner.withUserConfiguration(HandlerExamples.GreeterConfiguration.class).run((context) -> {
			try (SSLSocket socket = TestTls.connect(context.getBean(TlsListener.class).getPort(), "TLSv1.2")) {
				assertThat(TestTls.exchange(socket, "world")).isEqualTo("hello world over TLSv1.2");
			}
		});
	}

}
