package dev.tlsaccept.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Fails startup on a key under {@code tlsaccept.listeners.<name>} or
 * {@code tlsaccept.handshakes} that binds to nothing: they are security settings, and a
 * typo such as {@code client-auht: need} must not run a listener with client
 * authentication off. The check binds {@code tlsaccept.*} with Spring Boot's
 * {@link NoUnboundElementsBindHandler}, so relaxed names ({@code clientAuth},
 * {@code client_auth}, {@code TLSACCEPT_LISTENERS_EDGE_CLIENTAUTH}) are known keys; it
 * suggests the closest known key ("did you mean") when one is close. An unknown key
 * directly under {@code tlsaccept} fails when it is close to a known one
 * ({@code tlsaccept.listener.edge.port}), and is logged as a warning otherwise. Runs
 * before any bean is created; registers no bean.
 */
class TlsAcceptPropertiesCheck implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	private static final Log logger = LogFactory.getLog(TlsAcceptPropertiesCheck.class);

	private static final int LISTENER_NAME = 2;

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		Assert.state(this.environment != null, "Environment has not been set");
		check(this.environment);
	}

	/**
	 * Check the {@code tlsaccept.*} keys of an environment.
	 * @param environment the environment
	 * @throws TlsListenerStartupException on an unknown key that must not be ignored
	 */
	static void check(Environment environment) {
		Set<ConfigurationProperty> unbound = unbound(environment);
		if (unbound.isEmpty()) {
			return;
		}
		List<ConfigurationProperty> failures = new ArrayList<>();
		for (ConfigurationProperty property : unbound.stream()
			.sorted(Comparator.comparing((p) -> p.getName().toString()))
			.toList()) {
			ConfigurationPropertyName name = property.getName();
			String group = name.getElement(1, ConfigurationPropertyName.Form.DASHED);
			boolean known = "listeners".equals(group) || "handshakes".equals(group) || "health".equals(group);
			if (known || closest(group, List.of("listeners", "handshakes", "health")) != null) {
				failures.add(property);
			}
			else {
				logger.warn("Unknown property " + name
						+ " is ignored: tlsaccept has listeners.*, handshakes.* and health.*" + originOf(property));
			}
		}
		if (!failures.isEmpty()) {
			throw failure(failures);
		}
	}

	private static Set<ConfigurationProperty> unbound(Environment environment) {
		try {
			Binder.get(environment)
				.bind(TlsAcceptProperties.PREFIX, Bindable.of(TlsAcceptProperties.class),
						new NoUnboundElementsBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler()));
			return Set.of();
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				return unbound.getUnboundProperties();
			}
			// a value that does not convert: the configuration properties bean reports it
			// as Boot does
			return Set.of();
		}
	}

	private static TlsListenerStartupException failure(List<ConfigurationProperty> properties) {
		ConfigurationPropertyName first = properties.get(0).getName();
		String listener = (first.getNumberOfElements() > LISTENER_NAME)
				? first.getElement(LISTENER_NAME, ConfigurationPropertyName.Form.ORIGINAL) : "";
		List<String> lines = new ArrayList<>();
		Set<String> suggestions = new LinkedHashSet<>();
		for (ConfigurationProperty property : properties) {
			String suggestion = suggestion(property.getName());
			lines.add(property.getName() + ((suggestion != null) ? " (did you mean " + suggestion + "?)" : ""));
			if (suggestion != null) {
				suggestions.add(property.getName() + " to " + suggestion);
			}
		}
		String description = ((properties.size() == 1) ? "The property " + lines.get(0) + " is"
				: "The properties " + String.join(", ", lines) + " are")
				+ " unknown: tlsaccept does not ignore unknown keys (TLS listener '" + listener
				+ "' must not start with a security setting misspelled).";
		String action = (suggestions.isEmpty() ? "Remove the unknown keys or correct them"
				: "Rename " + String.join(", ", suggestions))
				+ ". The keys of a listener are listed in the README and in your IDE's completion (any relaxed form"
				+ " works: client-auth, clientAuth, client_auth, or TLSACCEPT_LISTENERS_<NAME>_CLIENTAUTH as an"
				+ " environment variable).";
		return new TlsListenerStartupException(listener, first.toString(), description, action, null);
	}

	/**
	 * The known key closest to an unknown one, e.g.
	 * {@code tlsaccept.listeners.edge.client-auth} for
	 * {@code tlsaccept.listeners.edge.client-auht}.
	 */
	static @Nullable String suggestion(ConfigurationPropertyName name) {
		if (name.getNumberOfElements() < 2) {
			return null;
		}
		String group = name.getElement(1, ConfigurationPropertyName.Form.DASHED);
		String prefix = TlsAcceptProperties.PREFIX + ".";
		if (!List.of("listeners", "handshakes", "health").contains(group)) {
			String fixed = closest(group, List.of("listeners", "handshakes", "health"));
			if (fixed == null) {
				return null;
			}
			return prefix + fixed + rest(name, 2);
		}
		int keyStart = "listeners".equals(group) ? 3 : 2;
		if (name.getNumberOfElements() <= keyStart) {
			return null;
		}
		Class<?> type = switch (group) {
			case "listeners" -> TlsAcceptProperties.Listener.class;
			case "handshakes" -> TlsAcceptProperties.Handshakes.class;
			default -> TlsAcceptProperties.Health.class;
		};
		String unknown = rest(name, keyStart).substring(1).replaceAll("\\[[^]]*]", "");
		String known = closest(unknown, keys(type, ""));
		if (known == null) {
			return null;
		}
		StringBuilder suggestion = new StringBuilder(prefix).append(group);
		if (keyStart == 3) {
			suggestion.append('.').append(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL));
		}
		return suggestion.append('.').append(known).toString();
	}

	private static String rest(ConfigurationPropertyName name, int from) {
		StringBuilder rest = new StringBuilder();
		for (int i = from; i < name.getNumberOfElements(); i++) {
			if (name.isNumericIndex(i)) {
				rest.append('[').append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL)).append(']');
			}
			else {
				rest.append('.').append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
			}
		}
		return rest.toString();
	}

	/**
	 * The dashed keys of a properties class, nested classes of
	 * {@link TlsAcceptProperties} expanded: {@code client-auth},
	 * {@code key-store.password}, {@code sni.bundles}...
	 */
	static List<String> keys(Class<?> type, String prefix) {
		List<String> keys = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String key = prefix + dashed(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (propertyType.getEnclosingClass() == TlsAcceptProperties.class && !propertyType.isEnum()) {
				keys.addAll(keys(propertyType, key + "."));
			}
			else if (propertyType.getEnclosingClass() == TlsAcceptProperties.Handshakes.class) {
				keys.addAll(keys(propertyType, key + "."));
			}
			else {
				keys.add(key);
			}
		}
		return keys;
	}

	private static String dashed(String camelCase) {
		return camelCase.chars()
			.mapToObj(
					(c) -> Character.isUpperCase(c) ? "-" + Character.toLowerCase((char) c) : String.valueOf((char) c))
			.collect(Collectors.joining());
	}

	/**
	 * The candidate closest to a value, if close enough to be a typo: at most 2 edits (3
	 * for names longer than 12 characters), dashes and underscores ignored as relaxed
	 * binding ignores them.
	 */
	static @Nullable String closest(String value, List<String> candidates) {
		String normalized = normalize(value);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : candidates) {
			int distance = distance(normalized, normalize(candidate));
			if (distance < bestDistance) {
				best = candidate;
				bestDistance = distance;
			}
		}
		int allowed = (normalized.length() > 12) ? 3 : 2;
		return (bestDistance > 0 && bestDistance <= allowed) ? best : null;
	}

	private static String normalize(String key) {
		return key.replace("-", "").replace("_", "");
	}

	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static String originOf(ConfigurationProperty property) {
		return (property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "";
	}

}
