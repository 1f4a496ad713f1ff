package dev.tlsaccept.engine;

import java.security.GeneralSecurityException;

import org.jspecify.annotations.Nullable;

/**
 * The engine SPI: one implementation per TLS implementation ({@code jdk},
 * {@code bouncy-castle}, {@code openssl}). An engine turns a {@link TlsConfig} into a
 * {@link TlsEngineContext} that makes one {@link javax.net.ssl.SSLEngine} per connection;
 * the handshake state machine is shared.
 *
 * <p>
 * Implementations are found with {@link java.util.ServiceLoader}; see {@link TlsEngines}.
 */
public interface TlsEngine {

	/**
	 * The name used in configuration, e.g. {@code jdk}.
	 * @return the engine name
	 */
	String name();

	/**
	 * Why this engine cannot run in this JVM (a missing optional dependency, a native
	 * library that did not load), or {@code null} when it can.
	 * @return a message that says what to add or fix, or {@code null}
	 */
	default @Nullable String unavailabilityReason() {
		return null;
	}

	/**
	 * Create the engine's server context for a configuration.
	 * @param config the configuration
	 * @return a context that creates one engine per connection
	 * @throws GeneralSecurityException when the key material cannot be used
	 * @throws IllegalArgumentException when a protocol or cipher suite is not supported
	 */
	TlsEngineContext createContext(TlsConfig config) throws GeneralSecurityException;

}
