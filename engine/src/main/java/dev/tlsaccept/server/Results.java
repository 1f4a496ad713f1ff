package dev.tlsaccept.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import org.jspecify.annotations.Nullable;

/**
 * Finished results the listener makes itself, for connections whose handshake it ended or never
 * started: refusals by limits, handshakes cut by stop, acceptors that could not be created.
 */
final class Results {

	private Results() {
	}

	/**
	 * A connection failure ({@code -1 SYSCALL}) with no handshake behind it.
	 * @param now when it happened
	 * @param reason the reason
	 * @return the result
	 */
	static AcceptResult syscall(Instant now, String reason) {
		return new AcceptResult(-1, SslError.SYSCALL, now, Duration.ZERO, 0, 0, null, null, null, null, List.of(),
				null, null, reason);
	}

	/**
	 * The same finished result, reported as a connection failure with another reason.
	 * @param result a finished result
	 * @param reason the reason
	 * @return the result
	 */
	static AcceptResult relabel(AcceptResult result, String reason) {
		return new AcceptResult(-1, SslError.SYSCALL, result.startedAt(), result.duration(), result.wantReadTurns(),
				result.wantWriteTurns(), result.protocol(), result.cipherSuite(), result.serverName(),
				result.applicationProtocol(), result.peerCertificates(), result.alert(), result.engineMessage(), reason);
	}

	/**
	 * End a pending handshake as a connection failure ({@code -1 SYSCALL}), keeping what the last
	 * {@code WANT_*} result knew.
	 * @param last the last result of the handshake, if any
	 * @param now the time now, used when there is no last result
	 * @param startNanos {@link System#nanoTime()} when the handshake started
	 * @param reason the reason
	 * @return the result
	 */
	static AcceptResult cut(@Nullable AcceptResult last, Instant now, long startNanos, String reason) {
		if (last == null) {
			return syscall(now, reason);
		}
		return new AcceptResult(-1, SslError.SYSCALL, last.startedAt(), Duration.ofNanos(System.nanoTime() - startNanos),
				last.wantReadTurns(), last.wantWriteTurns(), last.protocol(), null, last.serverName(), null, List.of(),
				null, last.engineMessage(), reason);
	}

}
