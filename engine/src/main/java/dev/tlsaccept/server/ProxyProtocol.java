package dev.tlsaccept.server;

/**
 * Whether a listener reads a PROXY protocol header (HAProxy's v1 text or v2 binary
 * format) before the TLS handshake, so that a load balancer in front of it can pass on
 * the real client address. Only sources in the listener's trusted proxies may send one.
 */
public enum ProxyProtocol {

	/** No header is read: the bytes are TLS from the first one. */
	OFF,

	/**
	 * A trusted source may send a header or not (TLS starts with {@code 0x16}, a header
	 * with {@code "PROXY "} or the v2 signature); any other source that sends one is
	 * refused.
	 */
	OPTIONAL,

	/**
	 * Every connection must come from a trusted source and start with a header: any other
	 * source is refused at once, a trusted one without a valid header fails.
	 */
	REQUIRED

}
