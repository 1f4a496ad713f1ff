package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import dev.tlsaccept.engine.TlsEngines;
import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The value hints and the management properties that the configuration metadata carries
 * for IDEs, read from the generated {@code spring-configuration-metadata.json} (the
 * processor merges {@code additional-spring-configuration-metadata.json} into it).
 */
class ConfigurationMetadataHintsTests {

	@Test
	void engineHintListsEveryEngine() throws IOException {
		assertThat(values("tlsaccept.listeners.*.engine")).containsExactly("jdk", "bouncy-castle", "openssl")
			.containsAll(TlsEngines.names());
	}

	@Test
	void storeTypeHintsListTheSupportedTypes() throws IOException {
		assertThat(values("tlsaccept.listeners.*.key-store.type")).containsExactly("PKCS12", "JKS", "BCFKS");
		assertThat(values("tlsaccept.listeners.*.trust-store.type")).containsExactly("PKCS12", "JKS", "BCFKS");
	}

	@Test
	void applicationProtocolsHintListsCommonIdentifiersAndAcceptsAny() throws IOException {
		assertThat(values("tlsaccept.listeners.*.application-protocols")).contains("h2", "http/1.1", "acme-tls/1");
		assertThat(providers("tlsaccept.listeners.*.application-protocols")).containsExactly("any");
	}

	@Test
	void handlerHintIsABeanReference() throws IOException {
		assertThat(providers("tlsaccept.listeners.*.handler")).containsExactly("spring-bean-reference");
	}

	@Test
	void healthAndInfoSwitchesAreDocumented() throws IOException {
		for (String name : List.of("management.health.tlsaccept.enabled", "management.info.tlsaccept.enabled")) {
			Map<String, Object> property = metadata().get("properties")
				.stream()
				.filter((candidate) -> name.equals(candidate.get("name")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no metadata for " + name));
			assertThat(property).containsEntry("type", "java.lang.Boolean").containsEntry("defaultValue", true);
			assertThat((String) property.get("description")).startsWith("Whether to enable");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> values(String name) throws IOException {
		return ((List<Map<String, Object>>) hint(name).get("values")).stream()
			.map((value) -> (String) value.get("value"))
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static List<String> providers(String name) throws IOException {
		return ((List<Map<String, Object>>) hint(name).get("providers")).stream()
			.map((provider) -> (String) provider.get("name"))
			.toList();
	}

	private static Map<String, Object> hint(String name) throws IOException {
		return metadata().get("hints")
			.stream()
			.filter((hint) -> name.equals(hint.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for " + name));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, List<Map<String, Object>>> metadata() throws IOException {
		String json = Files.readString(ConfigurationMetadataDocumentationTests.METADATA, StandardCharsets.UTF_8);
		return (Map<String, List<Map<String, Object>>>) (Map<String, ?>) JsonParserFactory.getJsonParser()
			.parseMap(json);
	}

}
