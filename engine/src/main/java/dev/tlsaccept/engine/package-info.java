/**
 * The server side of a TLS handshake under the contract of OpenSSL's
 * {@code SSL_accept()}.
 *
 * <p>
 * A {@link dev.tlsaccept.engine.TlsAcceptor} is one connection (OpenSSL's {@code SSL*});
 * it is created by a {@link dev.tlsaccept.engine.TlsServerContext} over one of three
 * BIOs: a blocking socket, a non-blocking {@link java.nio.channels.SocketChannel}, or an
 * in-memory {@link dev.tlsaccept.engine.BioPair}. {@code accept()}, {@code read},
 * {@code write} and {@code shutdown} return an OpenSSL-style code and
 * {@link dev.tlsaccept.engine.SslError}. Engines plug in through
 * {@link dev.tlsaccept.engine.TlsEngine}.
 */
@NullMarked
package dev.tlsaccept.engine;

import org.jspecify.annotations.NullMarked;
