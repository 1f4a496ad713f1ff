package dev.tlsaccept.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Testing your application" example is {@link WeakClientTests}, compiled
 * and run with the demo's tests, and it stays under 20 lines of class.
 */
class ReadmeTestingExampleTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Path SOURCE = Path.of("src", "test", "java", "dev", "tlsaccept", "demo",
			"WeakClientTests.java");

	@Test
	void readmeShowsTheCompiledExampleTest() throws IOException {
		String example = example();
		assertThat(Files.readString(README, StandardCharsets.UTF_8))
			.as("README.md shows WeakClientTests between its tag::testing[] lines")
			.contains("```java\n" + example + "```");
	}

	@Test
	void exampleTestClassIsUnderTwentyLines() throws IOException {
		String example = example();
		String testClass = example.substring(example.indexOf("@SpringBootTest"));
		assertThat(testClass.lines().count()).isLessThan(20);
	}

	private static String example() throws IOException {
		String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
		String start = "// tag::testing[]\n";
		String region = source.substring(source.indexOf(start) + start.length(), source.indexOf("// end::testing[]"));
		return region.lines().map((line) -> line.replace("\t", "    ")).collect(Collectors.joining("\n", "", "\n"));
	}

}
