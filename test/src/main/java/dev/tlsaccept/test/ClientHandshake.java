package dev.tlsaccept.test;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link TlsTestClient} saw of one handshake attempt
 * ({@link TlsTestClient#handshake()}).
 *
 * @param localAddress the client's side of the connection: the server records it as the
 * peer, which is how {@link HandshakeRepositoryAssert#recordOf(ClientHandshake)} finds
 * the server's record of this handshake
 * @param protocol the negotiated protocol, on success
 * @param cipherSuite the negotiated cipher suite, on success
 * @param applicationProtocol the ALPN protocol negotiated, if any
 * @param failure why the handshake failed on the client's side, or {@code null}
 */
public record ClientHandshake(InetSocketAddress localAddress, @Nullable String protocol, @Nullable String cipherSuite,
		@Nullable String applicationProtocol, @Nullable IOException failure) {

	/**
	 * Whether the client completed the handshake.
	 * @return {@code true} when there was no failure
	 */
	public boolean succeeded() {
		return this.failure == null;
	}

}
