package dev.tlsaccept.autoconfigure;

import dev.tlsaccept.engine.TlsConfig;

/**
 * Adjusts the TLS configuration of a listener after the properties have been applied, for
 * example to set protocols or suites computed at runtime. Beans of this type are applied
 * in {@link org.springframework.core.annotation.Order @Order}, to every listener, each
 * time its configuration is built: at startup and again when its SSL bundle is updated.
 */
@FunctionalInterface
public interface TlsListenerCustomizer {

	/**
	 * Customize the TLS configuration of a listener.
	 * @param listenerName the listener name, e.g. {@code edge}
	 * @param builder the builder, with the listener's key material and properties applied
	 */
	void customize(String listenerName, TlsConfig.Builder builder);

}
