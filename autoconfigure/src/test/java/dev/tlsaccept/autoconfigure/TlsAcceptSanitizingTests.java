package dev.tlsaccept.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passwords of {@code tlsaccept.*} never appear in {@code /actuator/configprops},
 * whatever {@code show-values} says.
 */
class TlsAcceptSanitizingTests {

	private static final String[] PASSWORDS = { "tlsaccept.listeners.edge.enabled=false",
			"tlsaccept.listeners.edge.key-store.password=store-secret",
			"tlsaccept.listeners.edge.key-store.key-password=key-secret",
			"tlsaccept.listeners.edge.key-store.private-key-password=pem-secret",
			"tlsaccept.listeners.edge.trust-store.password=trust-secret", "tlsaccept.listeners.edge.engine=jdk" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TlsAcceptAutoConfiguration.class, EndpointAutoConfiguration.class,
				ConfigurationPropertiesReportEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.jmx.exposure.include=configprops", "spring.jmx.enabled=true")
		.withPropertyValues(PASSWORDS);

	@Test
	void passwordsAreSanitizedEvenWhenValuesAreShown() {
		this.contextRunner.withPropertyValues("management.endpoint.configprops.show-values=always").run((context) -> {
			Map<String, Object> keyStore = keyStore(context);
			assertThat(keyStore).containsEntry("password", "******")
				.containsEntry("keyPassword", "******")
				.containsEntry("privateKeyPassword", "******");
			assertThat(listener(context)).containsEntry("engine", "jdk");
			assertThat(context.getBean(ConfigurationPropertiesReportEndpoint.class)
				.configurationPropertiesWithPrefix("tlsaccept")
				.toString()).doesNotContain("store-secret", "key-secret", "pem-secret", "trust-secret");
		});
	}

	@Test
	void everyValueIsSanitizedByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(keyStore(context)).containsEntry("password", "******");
			assertThat(listener(context)).containsEntry("engine", "******");
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> keyStore(AssertableApplicationContext context) {
		return (Map<String, Object>) listener(context).get("keyStore");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> listener(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed().hasSingleBean(ConfigurationPropertiesReportEndpoint.class);
		ConfigurationPropertiesBeanDescriptor descriptor = context.getBean(ConfigurationPropertiesReportEndpoint.class)
			.configurationPropertiesWithPrefix("tlsaccept")
			.getContexts()
			.values()
			.iterator()
			.next()
			.getBeans()
			.values()
			.iterator()
			.next();
		Map<String, Object> listeners = (Map<String, Object>) descriptor.getProperties().get("listeners");
		return (Map<String, Object>) listeners.get("edge");
	}

}
