package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

/**
 * An engine's server context: configured once, creates one server-mode {@link SSLEngine}
 * per connection. Keeps the per-provider quirks in one place; how an engine's failures
 * read in OpenSSL's terms is its package-private {@code FailureTranslator}'s business.
 */
public interface TlsEngineContext extends AutoCloseable {

	/**
	 * The provider and its version as the engine reports it, e.g. {@code SunJSSE 17}.
	 * @return a description of the TLS implementation
	 */
	String provider();

	/**
	 * A new server-mode engine with the configured protocols, suites, client auth and
	 * ALPN.
	 * @param peer the peer's address, if known (a hint for session caching)
	 * @return a new engine, not yet handshaking
	 */
	SSLEngine newEngine(@Nullable InetSocketAddress peer);

	/**
	 * Release what an engine holds (native memory for reference-counted engines). Called
	 * once per engine on every path: success, failure, timeout and close.
	 * @param engine an engine from {@link #newEngine}
	 */
	default void release(SSLEngine engine) {
	}

	/**
	 * Whether the engine refuses a client-initiated TLS 1.2 renegotiation by itself with
	 * a warning no_renegotiation alert and carries on, as OpenSSL 3 does (BCJSSE). When
	 * not, tlsaccept ends the connection: the engine's own fatal alert (BoringSSL), or
	 * close_notify for an engine that would renegotiate (SunJSSE).
	 * @return {@code true} when the engine's refusal keeps the connection
	 */
	default boolean refusesRenegotiationWithWarning() {
		return false;
	}

	/**
	 * Protocols enabled on each engine.
	 * @return protocol names
	 */
	List<String> enabledProtocols();

	/**
	 * Cipher suites enabled on each engine.
	 * @return suite names
	 */
	List<String> enabledCipherSuites();

	/**
	 * Key-exchange groups configured on each engine, in order of preference, by IANA
	 * name.
	 * @return group names; empty when the engine's defaults apply
	 */
	default List<String> enabledGroups() {
		return List.of();
	}

	@Override
	default void close() {
	}

}
