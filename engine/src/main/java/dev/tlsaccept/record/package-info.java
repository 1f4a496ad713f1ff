/**
 * Records of finished handshakes and where they are kept: a
 * {@link dev.tlsaccept.record.HandshakeRecord} per handshake, a
 * {@link dev.tlsaccept.record.HandshakeRepository} to keep them, and a bounded,
 * thread-safe {@link dev.tlsaccept.record.InMemoryHandshakeRepository} that keeps the
 * most recent ones. Spring-free.
 */
@NullMarked
package dev.tlsaccept.record;

import org.jspecify.annotations.NullMarked;
