package dev.tlsaccept.test.autoconfigure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.test.TlsTestClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Reads the listener names from the environment (every source, relaxed names included),
 * puts {@code tlsaccept.listeners.<name>.port=0} first in it, and registers one
 * {@link TlsTestClient} per listener, bean {@code tlsTestClient.<name>} qualified
 * {@code <name>}, that looks the listener up at each connection.
 */
final class TlsTestClientContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "tlsaccept.test.ephemeral-ports";

	private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("tlsaccept.listeners");

	private final boolean ephemeralPorts;

	TlsTestClientContextCustomizer(boolean ephemeralPorts) {
		this.ephemeralPorts = ephemeralPorts;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		ConfigurableEnvironment environment = context.getEnvironment();
		Set<String> names = listenerNames(environment);
		if (this.ephemeralPorts && !names.isEmpty()) {
			Map<String, Object> ports = new LinkedHashMap<>();
			names.forEach((name) -> ports.put("tlsaccept.listeners." + name + ".port", 0));
			environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, ports));
		}
		if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
			return;
		}
		BeanFactory beanFactory = context.getBeanFactory();
		for (String name : names) {
			RootBeanDefinition definition = new RootBeanDefinition(TlsTestClient.class,
					() -> TlsTestClient.forServer(() -> listener(beanFactory, name).getServer()));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			registry.registerBeanDefinition("tlsTestClient." + name, definition);
		}
	}

	private static TlsListener listener(BeanFactory beanFactory, String name) {
		String beanName = TlsListener.beanName(name);
		if (!beanFactory.containsBean(beanName)) {
			throw new IllegalStateException("No TLS listener '" + name + "' is running in this application context"
					+ " (disabled with tlsaccept.listeners." + name + ".enabled=false?)");
		}
		return beanFactory.getBean(beanName, TlsListener.class);
	}

	static Set<String> listenerNames(ConfigurableEnvironment environment) {
		Set<String> names = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(LISTENERS::isAncestorOf)
					.stream()
					.filter((property) -> property.getNumberOfElements() > LISTENERS.getNumberOfElements())
					.forEach((property) -> names
						.add(property.getElement(LISTENERS.getNumberOfElements(), Form.ORIGINAL)));
			}
		}
		return names;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TlsTestClientContextCustomizer customizer
				&& customizer.ephemeralPorts == this.ephemeralPorts;
	}

	@Override
	public int hashCode() {
		return Boolean.hashCode(this.ephemeralPorts);
	}

}
