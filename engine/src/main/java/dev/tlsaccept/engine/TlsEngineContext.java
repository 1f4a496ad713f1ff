package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * An engine's server context: configured once, creates one server-mode {@link SSLEngine}
 * per connection. Keeps the per-provider quirks in one place.
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
	 * The alert the engine sent for a failure, when it cannot be read off the wire
	 * because it was encrypted. Engines that expose the alert return it; others infer it
	 * from their messages.
	 * @param failure the engine's exception
	 * @param protocol the protocol negotiated so far, if known
	 * @return the alert sent, or {@code null} when unknown
	 */
	default @Nullable TlsAlert sentAlert(SSLException failure, @Nullable String protocol) {
		return null;
	}

	/**
	 * The alert the peer sent, when the engine's failure says so. Engines with a typed
	 * exception for it (Bouncy Castle's {@code TlsFatalAlertReceived}) read it from
	 * there; the default reads the engine's message ({@code Received fatal alert: ...},
	 * BoringSSL's {@code SSLV3_ALERT_...}).
	 * @param failure the engine's exception
	 * @return the received alert, or {@code null}
	 */
	default @Nullable TlsAlert receivedAlert(SSLException failure) {
		return FailureClassifier.receivedAlert(failure);
	}

	/**
	 * The alert the engine raised for a failure but did not write (Bouncy Castle writes
	 * nothing before it has read a valid ClientHello). tlsaccept sends it in clear on the
	 * engine's behalf, so that a malformed hello is answered on every engine.
	 * @param failure the engine's exception, from a handshake that has sent nothing yet
	 * @return the alert to send, or {@code null} to send none
	 */
	default @Nullable TlsAlert unwrittenAlert(SSLException failure) {
		return null;
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
