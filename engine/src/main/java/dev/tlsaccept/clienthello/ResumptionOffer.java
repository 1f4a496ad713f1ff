package dev.tlsaccept.clienthello;

/**
 * What a ClientHello offered to resume, read off its bytes: the server may still make a
 * full handshake (a ticket it cannot decrypt, an expired or unknown session).
 */
public enum ResumptionOffer {

	/** No session offered: a full handshake. */
	NONE,

	/**
	 * A TLS 1.2 session ID (a non-empty {@code legacy_session_id} from a client that does
	 * not offer TLS 1.3: a TLS 1.3 client's session ID is usually the random one of
	 * middlebox compatibility mode).
	 */
	SESSION_ID,

	/**
	 * A TLS 1.2 session ticket (a non-empty {@code session_ticket} extension, RFC 5077).
	 */
	SESSION_TICKET,

	/** A TLS 1.3 pre-shared key from a ticket (the {@code pre_shared_key} extension). */
	PRE_SHARED_KEY

}
