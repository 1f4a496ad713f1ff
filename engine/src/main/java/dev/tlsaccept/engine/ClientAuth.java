package dev.tlsaccept.engine;

/**
 * Whether the server asks the client for a certificate.
 */
public enum ClientAuth {

	/** Do not ask for a client certificate. */
	NONE,

	/** Ask for a client certificate; a client without one is still accepted. */
	WANT,

	/** Require a trusted client certificate; refuse the handshake otherwise. */
	NEED

}
