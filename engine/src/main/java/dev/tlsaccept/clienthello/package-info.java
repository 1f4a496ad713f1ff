/**
 * What a TLS client offered in its ClientHello, read from the bytes it sent and never
 * trusted.
 *
 * <p>
 * A {@link dev.tlsaccept.clienthello.ClientHelloCollector} is fed the raw inbound bytes
 * of a connection, in whatever chunks they arrive, follows the TLS record layer and
 * reassembles the first handshake message. Its
 * {@link dev.tlsaccept.clienthello.ClientHelloSummary} lists the offered versions, cipher
 * suites, extensions, groups, signature algorithms, ALPN protocols and server name, plus
 * the client's JA4 fingerprint (FoxIO's BSD-3 licensed JA4 TLS client fingerprint; no
 * other JA4+ method is implemented here). Parsing never throws on any input: malformed,
 * truncated or foreign bytes are reported in
 * {@link dev.tlsaccept.clienthello.ClientHelloSummary#parseError()}. Spring-free, and no
 * dependencies beyond the JDK.
 *
 * <pre class="code">
 * ClientHelloCollector collector = new ClientHelloCollector();
 * collector.feed(inboundBytes);            // as often as bytes arrive, before the engine reads them
 * ClientHelloSummary hello = collector.summarizeSoFar(); // the final summary once collector.summary() != null
 * </pre>
 */
@NullMarked
package dev.tlsaccept.clienthello;

import org.jspecify.annotations.NullMarked;
