package dev.tlsaccept.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's example of {@link TlsServerExtension} is the code of
 * {@link TlsServerExtensionTests}, which runs.
 */
class ReadmeExampleTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Path SOURCE = Path.of("src", "test", "java", "dev", "tlsaccept", "test",
			"TlsServerExtensionTests.java");

	@Test
	void readmeShowsTheCompiledExtensionExample() throws IOException {
		String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
		String start = "// tag::extension[]\n";
		String region = source.substring(source.indexOf(start) + start.length(),
				source.indexOf("\t// end::extension[]"));
		String example = region.lines()
			.map((line) -> line.startsWith("\t") ? line.substring(1) : line)
			.map((line) -> line.replace("\t", "    "))
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(Files.readString(README, StandardCharsets.UTF_8))
			.as("README.md shows TlsServerExtensionTests between its tag::extension[] lines")
			.contains("```java\n" + example + "```");
	}

}
