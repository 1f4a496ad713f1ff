package dev.tlsaccept.test.autoconfigure;

import java.util.Map;

import dev.tlsaccept.test.TlsTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TlsTestClientContextCustomizer} finds the listeners in every property source and
 * relaxed form, overrides their ports only when asked, and registers a client per
 * listener; equal customizers let Spring cache the context.
 */
class TlsTestClientContextCustomizerTests {

	@Test
	void listenerNamesComeFromEverySourceInEveryRelaxedForm() {
		StandardEnvironment environment = environment();
		assertThat(TlsTestClientContextCustomizer.listenerNames(environment)).containsExactlyInAnyOrder("edge",
				"partners", "legacy");
	}

	@Test
	void everyListenerGetsAnEphemeralPortAndAClientQualifiedByItsName() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.setEnvironment(environment());
		new TlsTestClientContextCustomizer(true).customizeContext(context, null);
		assertThat(context.getEnvironment().getProperty("tlsaccept.listeners.edge.port")).isEqualTo("0");
		assertThat(context.getEnvironment().getProperty("tlsaccept.listeners.legacy.port")).isEqualTo("0");
		assertThat(context.getBeanFactory().getBeanNamesForType(TlsTestClient.class))
			.containsExactlyInAnyOrder("tlsTestClient.edge", "tlsTestClient.partners", "tlsTestClient.legacy");
		assertThat(context.getBeanDefinition("tlsTestClient.edge")).satisfies((definition) -> assertThat(
				((AbstractBeanDefinition) definition).getQualifier(Qualifier.class.getName()).getAttribute("value"))
			.isEqualTo("edge"));
	}

	@Test
	void configuredPortsAreKeptWhenEphemeralPortsAreOff() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.setEnvironment(environment());
		new TlsTestClientContextCustomizer(false).customizeContext(context, null);
		assertThat(context.getEnvironment().getProperty("tlsaccept.listeners.edge.port")).isEqualTo("8443");
		assertThat(context.getEnvironment()
			.getPropertySources()
			.contains(TlsTestClientContextCustomizer.PROPERTY_SOURCE_NAME)).isFalse();
		assertThat(context.getBeanFactory().getBeanNamesForType(TlsTestClient.class)).hasSize(3);
	}

	@Test
	void customizersWithTheSameSettingsAreEqualSoTheContextIsCached() {
		assertThat(new TlsTestClientContextCustomizer(true)).isEqualTo(new TlsTestClientContextCustomizer(true))
			.hasSameHashCodeAs(new TlsTestClientContextCustomizer(true))
			.isNotEqualTo(new TlsTestClientContextCustomizer(false));
	}

	private static StandardEnvironment environment() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("tlsaccept.listeners.edge.port", 8443,
					"tlsaccept.listeners.partners.client-auth", "need", "tlsaccept.handshakes.capacity", 10)));
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("TLSACCEPT_LISTENERS_LEGACY_PORT", "9")));
		return environment;
	}

}
