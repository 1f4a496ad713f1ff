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
 */
public record ProxyHeader(int version, boolean local, @Nullable InetSocketAddress source,
		@Nullable InetSocketAddress destination, @Nullable String authority, @Nullable String alpn,
		@Nullable String uniqueId) {

}
