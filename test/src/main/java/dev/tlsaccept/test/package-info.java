/**
 * Test support for applications that run tlsaccept listeners, without Spring: a
 * {@link dev.tlsaccept.test.TlsTestClient} that trusts the listener, assertions on
 * handshake records ({@link dev.tlsaccept.test.HandshakeAssertions}), a
 * {@link dev.tlsaccept.test.TestPki} and a JUnit 5
 * {@link dev.tlsaccept.test.TlsServerExtension}. For {@code @SpringBootTest}, see
 * {@link dev.tlsaccept.test.autoconfigure.AutoConfigureTlsTestClient}.
 */
@NullMarked
package dev.tlsaccept.test;

import org.jspecify.annotations.NullMarked;
