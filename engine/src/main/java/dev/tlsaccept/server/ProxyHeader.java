package dev.tlsaccept.server;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * What a PROXY protocol header said about a connection.
 *
 * @param version the protocol version, {@code 1} (text) or {@code 2} (binary)
 * @param local whether it is a v2 {@code LOCAL} command: the proxy's own connection
 * (HAProxy's health checks), with no client behind it
 * @param source the real client's address; {@code null} for {@code LOCAL}, v1
 * {@code UNKNOWN}, or a v2 {@code UNSPEC} or {@code UNIX} family
 * @param destination the address the client connected to on the proxy, when given
 * @param authority the v2 {@code PP2_TYPE_AUTHORITY} TLV (the server name the client
 * asked for)
 * @param alpn the v2 {@code PP2_TYPE_ALPN} TLV (the protocol the client negotiated with
 * the proxy)
 * @param uniqueId the v2 {@code PP2_TYPE_UNIQUE_ID} TLV, as text when printable ASCII,
 * else in hex
 * @param ssl the v2 {@code PP2_TYPE_SSL} TLV: the TLS the client spoke to the proxy, when
 * the proxy terminated it
 */
public record ProxyHeader(int version, boolean local, @Nullable InetSocketAddress source,
		@Nullable InetSocketAddress destination, @Nullable String authority, @Nullable String alpn,
		@Nullable String uniqueId, @Nullable Ssl ssl) {

	/**
	 * A header without a {@code PP2_TYPE_SSL} TLV.
	 * @param version the protocol version
	 * @param local whether it is a v2 {@code LOCAL} command
	 * @param source the real client's address
	 * @param destination the address the client connected to on the proxy
	 * @param authority the authority TLV
	 * @param alpn the ALPN TLV
	 * @param uniqueId the unique id TLV
	 */
	public ProxyHeader(int version, boolean local, @Nullable InetSocketAddress source,
			@Nullable InetSocketAddress destination, @Nullable String authority, @Nullable String alpn,
			@Nullable String uniqueId) {
		this(version, local, source, destination, authority, alpn, uniqueId, null);
	}

	/**
	 * The v2 {@code PP2_TYPE_SSL} TLV (0x20): what the client's TLS connection to the
	 * proxy was, when the proxy terminated TLS (HAProxy's {@code send-proxy-v2-ssl} and
	 * {@code send-proxy-v2-ssl-cn}). Its text fields are printable ASCII as sent, else in
	 * hex; each is {@code null} when its sub-TLV was not sent.
	 *
	 * @param tls whether the client connected over TLS ({@code PP2_CLIENT_SSL})
	 * @param certificateOnConnection whether it presented a certificate on this
	 * connection ({@code PP2_CLIENT_CERT_CONN})
	 * @param certificateInSession whether it presented one in the TLS session this
	 * connection belongs to, possibly resumed ({@code PP2_CLIENT_CERT_SESS})
	 * @param verify the {@code verify} field: {@code 0} when the client presented a
	 * certificate and the proxy verified it, non-zero otherwise (HAProxy sends OpenSSL's
	 * {@code X509_V_*} result)
	 * @param version {@code PP2_SUBTYPE_SSL_VERSION} (0x21), e.g. {@code TLSv1.3}
	 * @param commonName {@code PP2_SUBTYPE_SSL_CN} (0x22): the client certificate's
	 * subject common name (personal data)
	 * @param cipher {@code PP2_SUBTYPE_SSL_CIPHER} (0x23), e.g.
	 * {@code TLS_AES_128_GCM_SHA256}
	 * @param signatureAlgorithm {@code PP2_SUBTYPE_SSL_SIG_ALG} (0x24): the algorithm the
	 * client certificate was signed with, e.g. {@code SHA256}
	 * @param keyAlgorithm {@code PP2_SUBTYPE_SSL_KEY_ALG} (0x25): the client
	 * certificate's key, e.g. {@code RSA2048}
	 */
	public record Ssl(boolean tls, boolean certificateOnConnection, boolean certificateInSession, long verify,
			@Nullable String version, @Nullable String commonName, @Nullable String cipher,
			@Nullable String signatureAlgorithm, @Nullable String keyAlgorithm) {

	}

}
