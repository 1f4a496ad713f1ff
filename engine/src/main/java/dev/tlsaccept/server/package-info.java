/**
 * A managed raw-TCP TLS listener built on {@link dev.tlsaccept.engine.TlsAcceptor}: binds
 * a port, runs each handshake in the configured {@link dev.tlsaccept.engine.BioMode},
 * reports every finished handshake to a {@link dev.tlsaccept.server.HandshakeObserver},
 * and hands established connections to a
 * {@link dev.tlsaccept.server.TlsConnectionHandler}. Spring-free.
 *
 * <pre class="code">
 * TlsServerSettings settings = TlsServerSettings.builder("edge").port(8443).build();
 * try (TlsServer server = new TlsServer(settings, context, HandshakeObserver.NONE, connection -&gt; {
 *     connection.inputStream().transferTo(connection.outputStream());
 * })) {
 *     server.start();
 *     ...
 * }
 * </pre>
 */
@NullMarked
package dev.tlsaccept.server;

import org.jspecify.annotations.NullMarked;
