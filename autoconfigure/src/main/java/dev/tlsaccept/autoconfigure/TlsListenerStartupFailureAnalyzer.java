package dev.tlsaccept.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link TlsListenerStartupException}: what went wrong, the property to fix
 * (with where it was set and its value, unless the value is a password) and what to do.
 * Registered in {@code META-INF/spring.factories}; Spring Boot passes the
 * {@link Environment} to the constructor.
 */
class TlsListenerStartupFailureAnalyzer extends AbstractFailureAnalyzer<TlsListenerStartupException> {

	private final @Nullable Environment environment;

	TlsListenerStartupFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TlsListenerStartupException cause) {
		StringBuilder description = new StringBuilder(cause.getDescription());
		description.append(System.lineSeparator()).append(System.lineSeparator());
		description.append("    Property: ").append(cause.getProperty());
		ConfigurationProperty property = findProperty(cause.getProperty());
		if (property != null) {
			if (!isSensitive(cause.getProperty())) {
				description.append(System.lineSeparator())
					.append("    Value: \"")
					.append(property.getValue())
					.append('"');
			}
			Origin origin = property.getOrigin();
			if (origin != null) {
				description.append(System.lineSeparator()).append("    Origin: ").append(origin);
			}
		}
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

	private @Nullable ConfigurationProperty findProperty(String name) {
		ConfigurationProperty property = findExactProperty(name);
		if (property == null && name.endsWith("]") && name.lastIndexOf('[') > 0) {
			// an entry of a list given as one comma-separated value
			property = findExactProperty(name.substring(0, name.lastIndexOf('[')));
		}
		return property;
	}

	private @Nullable ConfigurationProperty findExactProperty(String name) {
		if (this.environment == null || !ConfigurationPropertyName.isValid(name)) {
			return null;
		}
		ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(propertyName);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

	/**
	 * Whether a property's value must not be shown: a password, or a key that looks like
	 * one misspelled ({@code key-store.pasword}, {@code passwd}, {@code pwd}, a secret).
	 */
	static boolean isSensitive(String propertyName) {
		String name = propertyName.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
		String last = name.substring(name.lastIndexOf('.') + 1);
		return last.contains("pas") || last.contains("pwd") || last.contains("psw") || last.contains("word")
				|| last.contains("secret");
	}

}
