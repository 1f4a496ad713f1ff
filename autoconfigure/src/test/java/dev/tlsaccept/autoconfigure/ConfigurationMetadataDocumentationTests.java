package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference in the project's {@code README.md} is generated from the
 * configuration metadata that the annotation processor writes from the javadoc of
 * {@link TlsAcceptProperties}; this test fails when the two disagree, so the docs cannot
 * rot. To regenerate the table, run
 * {@code ./mvnw -pl autoconfigure test -Dtest=ConfigurationMetadataDocumentationTests -Dtlsaccept.docs.update=true}.
 */
class ConfigurationMetadataDocumentationTests {

	static final Path METADATA = Paths.get("target", "classes", "META-INF", "spring-configuration-metadata.json");

	static final Path README = Paths.get("..", "README.md");

	static final String START = "<!-- properties:start (generated from spring-configuration-metadata.json) -->";

	static final String END = "<!-- properties:end -->";

	@Test
	void readmeTableMatchesTheConfigurationMetadata() throws IOException {
		String table = table(properties());
		String readme = Files.readString(README, StandardCharsets.UTF_8);
		int start = readme.indexOf(START);
		int end = readme.indexOf(END);
		assertThat(start).as("README.md has the marker %s", START).isNotNegative();
		assertThat(end).as("README.md has the marker %s", END).isGreaterThan(start);
		String current = readme.substring(start + START.length(), end);
		String expected = System.lineSeparator() + table;
		if (Boolean.getBoolean("tlsaccept.docs.update") && !current.equals(expected)) {
			Files.writeString(README, readme.substring(0, start + START.length()) + expected + readme.substring(end),
					StandardCharsets.UTF_8);
			return;
		}
		assertThat(current)
			.as("README.md is out of date: run ./mvnw -pl autoconfigure test "
					+ "-Dtest=ConfigurationMetadataDocumentationTests -Dtlsaccept.docs.update=true")
			.isEqualTo(expected);
	}

	@Test
	void everyPropertyHasADescriptionInTheHouseStyle() throws IOException {
		List<Map<String, Object>> properties = properties();
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("tlsaccept.handshakes.capacity", "tlsaccept.listeners.*.port",
					"tlsaccept.listeners.*.key-store.password", "tlsaccept.listeners.*.bio-mode");
		for (Map<String, Object> property : properties) {
			String description = (String) property.get("description");
			assertThat(description).as("description of %s", property.get("name")).isNotBlank();
			assertThat(description).as("description of %s", property.get("name"))
				.doesNotStartWith("The ")
				.doesNotStartWith("A ")
				.endsWith(".");
			if ("java.lang.Boolean".equals(property.get("type"))) {
				assertThat(description).as("description of %s", property.get("name")).startsWith("Whether");
			}
		}
	}

	@Test
	void listenerDefaultsInTheMetadataAreTheBoundDefaults() throws IOException {
		Map<String, Object> defaults = properties().stream()
			.filter((property) -> property.containsKey("defaultValue"))
			.collect(Collectors.toMap((property) -> (String) property.get("name"),
					(property) -> property.get("defaultValue")));
		TlsAcceptProperties.Listener listener = new TlsAcceptProperties.Listener();
		assertThat(defaults).containsEntry("tlsaccept.listeners.*.port", listener.getPort())
			.containsEntry("tlsaccept.listeners.*.engine", listener.getEngine())
			.containsEntry("tlsaccept.listeners.*.bio-mode", "non-blocking")
			.containsEntry("tlsaccept.listeners.*.handshake-timeout", "10s")
			.containsEntry("tlsaccept.listeners.*.shutdown-timeout", "30s")
			.containsEntry("tlsaccept.listeners.*.max-connections", listener.getMaxConnections())
			.containsEntry("tlsaccept.listeners.*.max-pending-handshakes", listener.getMaxPendingHandshakes())
			.containsEntry("tlsaccept.handshakes.capacity", new TlsAcceptProperties().getHandshakes().getCapacity());
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> properties() throws IOException {
		assertThat(METADATA).as("metadata written by spring-boot-configuration-processor").exists();
		Map<String, Object> metadata = JsonParserFactory.getJsonParser()
			.parseMap(Files.readString(METADATA, StandardCharsets.UTF_8));
		return (List<Map<String, Object>>) metadata.get("properties");
	}

	static String table(List<Map<String, Object>> properties) {
		String nl = System.lineSeparator();
		StringBuilder table = new StringBuilder();
		table.append("| Property | Type | Default | Description |").append(nl);
		table.append("| --- | --- | --- | --- |").append(nl);
		for (Map<String, Object> property : properties) {
			table.append("| `")
				.append(property.get("name"))
				.append("` | ")
				.append(type((String) property.get("type")))
				.append(" | ")
				.append(defaultValue(property.get("defaultValue"), (String) property.get("type")))
				.append(" | ")
				.append(escape((String) property.get("description")))
				.append(" |")
				.append(nl);
		}
		return table.toString();
	}

	private static boolean isEnum(String type) {
		try {
			return ClassUtils.forName(type, ConfigurationMetadataDocumentationTests.class.getClassLoader()).isEnum();
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private static String type(String type) {
		String binaryName = type.replace('$', '.');
		try {
			Class<?> resolved = ClassUtils.forName(type,
					ConfigurationMetadataDocumentationTests.class.getClassLoader());
			if (resolved.isEnum()) {
				return Arrays.stream(resolved.getEnumConstants())
					.map((constant) -> "`" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-')
							+ "`")
					.collect(Collectors.joining(", "));
			}
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// a generic type such as java.util.List<java.lang.String>
		}
		return binaryName.replaceAll("\\b(?:[a-z]\\w*\\.)+", "")
			.replace("TlsAcceptProperties.", "")
			.replace("<", "&lt;")
			.replace(">", "&gt;")
			.replace(",", ", ");
	}

	private static String defaultValue(Object value, String type) {
		if (value == null) {
			return "";
		}
		if (value instanceof String constant && isEnum(type)) {
			// as the Type column writes the constants: the processor writes some as
			// read_only
			return "`" + constant.toLowerCase(Locale.ROOT).replace('_', '-') + "`";
		}
		if (value instanceof List<?> list) {
			return list.stream().map((item) -> "`" + item + "`").collect(Collectors.joining(", "));
		}
		return "`" + value + "`";
	}

	private static String escape(String text) {
		return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
	}

}
