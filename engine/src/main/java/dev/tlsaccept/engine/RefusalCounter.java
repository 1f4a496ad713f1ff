package dev.tlsaccept.engine;

import org.jspecify.annotations.Nullable;

/**
 * Told by an acceptor when it refused something on an established connection, so that the
 * {@link TlsServerContext} the acceptor came from can count it.
 */
interface RefusalCounter {

	/**
	 * A client-initiated renegotiation was refused.
	 * @param alert the alert sent for it, or {@code null} when none could be (SunJSSE)
	 */
	void renegotiationRefused(@Nullable TlsAlert alert);

}
