package dev.tlsaccept.server;

import java.net.InetSocketAddress;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import org.jspecify.annotations.Nullable;

/**
 * A finished handshake, as reported to a {@link HandshakeObserver}.
 *
 * @param listener the listener name
 * @param engine the engine name, e.g. {@code jdk}
 * @param bioMode the BIO mode the handshake ran in
 * @param peer the peer's address, if known
 * @param result the finished result (never {@code WANT_*})
 */
public record HandshakeEvent(String listener, String engine, BioMode bioMode, @Nullable InetSocketAddress peer,
		AcceptResult result) {

}
