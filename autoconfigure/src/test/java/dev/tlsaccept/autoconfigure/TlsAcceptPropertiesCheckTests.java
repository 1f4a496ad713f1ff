package dev.tlsaccept.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown keys under {@code tlsaccept.listeners.<name>} fail startup with a "did you
 * mean"; relaxed forms of known keys do not.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsAcceptPropertiesCheckTests {

	private static final String SECRET = "Hunter2-do-not-print";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void misspelledClientAuthFailsStartupWithDidYouMean() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.client-auht=need").run((context) -> {
			FailureAnalysis analysis = analyze(context, "tlsaccept.listeners.edge.client-auht=need");
			assertThat(analysis.getDescription())
				.contains("tlsaccept.listeners.edge.client-auht (did you mean tlsaccept.listeners.edge.client-auth?)")
				.contains("Property: tlsaccept.listeners.edge.client-auht")
				.contains("Value: \"need\"");
			assertThat(analysis.getAction())
				.contains("Rename tlsaccept.listeners.edge.client-auht to tlsaccept.listeners.edge.client-auth");
		});
	}

	@Test
	void misspelledNestedPasswordFailsStartupWithoutShowingTheValue() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.key-store.pasword=" + SECRET).run((context) -> {
			FailureAnalysis analysis = analyze(context, "tlsaccept.listeners.edge.key-store.pasword=" + SECRET);
			assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.edge.key-store.pasword")
				.doesNotContain("Value:");
			assertThat(analysis.getDescription()).contains("did you mean tlsaccept.listeners.edge.key-store.password?");
			assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
		});
	}

	@Test
	void unknownKeyFarFromAnyKnownOneFailsWithoutSuggestion() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.colour=blue").run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("The property tlsaccept.listeners.edge.colour is unknown")
				.doesNotContain("did you mean");
			assertThat(analysis.getAction()).startsWith("Remove the unknown keys or correct them");
		});
	}

	@Test
	void singularListenerFailsStartupNamingThePluralKey() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withPropertyValues("tlsaccept.listener.edge.port=8443")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription())
					.contains("tlsaccept.listener.edge.port (did you mean tlsaccept.listeners.edge.port?)");
				assertThat(((TlsListenerStartupException) analysis.getCause()).getListener()).isEqualTo("edge");
			});
	}

	@Test
	void unrelatedTopLevelKeyIsOnlyWarnedAbout(CapturedOutput output) {
		this.contextRunner.withPropertyValues("tlsaccept.docs.owner=ops").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("Unknown property tlsaccept.docs.owner is ignored");
		});
	}

	@Test
	void relaxedFormsOfKnownKeysBind() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.clientAuth=none",
				"tlsaccept.listeners.edge.handshake_timeout=5s", "tlsaccept.listeners.edge.sni.reject-unknown=false",
				"tlsaccept.listeners.edge.protocols[0]=TLSv1.3", "tlsaccept.handshakes.log.max-per-second=5")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TlsListener.class));
	}

	@Test
	void environmentVariablesBindAndAMisspelledOneFails() {
		this.contextRunner
			.withInitializer(
					(context) -> addEnvironment(context.getEnvironment(),
							Map.of("TLSACCEPT_LISTENERS_EDGE_CLIENTAUTH", "none",
									"TLSACCEPT_LISTENERS_EDGE_HANDSHAKETIMEOUT", "5s")))
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner
			.withInitializer((context) -> addEnvironment(context.getEnvironment(),
					Map.of("TLSACCEPT_LISTENERS_EDGE_CLIENTAUHT", "need")))
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("did you mean tlsaccept.listeners.edge.client-auth?"));
	}

	@Test
	void suggestionsCoverNestedAndIndexedKeys() {
		assertThat(TlsAcceptPropertiesCheck
			.suggestion(ConfigurationPropertyName.of("tlsaccept.listeners.a.trust-stor.type")))
			.isEqualTo("tlsaccept.listeners.a.trust-store.type");
		assertThat(
				TlsAcceptPropertiesCheck.suggestion(ConfigurationPropertyName.of("tlsaccept.listeners.a.protocol[0]")))
			.isEqualTo("tlsaccept.listeners.a.protocols");
		assertThat(TlsAcceptPropertiesCheck.suggestion(ConfigurationPropertyName.of("tlsaccept.handshakes.capasity")))
			.isEqualTo("tlsaccept.handshakes.capacity");
		assertThat(TlsAcceptPropertiesCheck.keys(TlsAcceptProperties.Listener.class, "")).contains("client-auth",
				"key-store.password", "sni.bundles", "sni.reject-unknown", "max-lifetime");
	}

	private static void addEnvironment(ConfigurableEnvironment environment, Map<String, Object> variables) {
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(
					"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context, String... properties) {
		assertThat(context).hasFailed();
		StandardEnvironment environment = new StandardEnvironment();
		Map<String, Object> values = new java.util.LinkedHashMap<>();
		for (String property : properties) {
			values.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
		}
		environment.getPropertySources().addFirst(new MapPropertySource("test", values));
		FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(environment)
			.analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
