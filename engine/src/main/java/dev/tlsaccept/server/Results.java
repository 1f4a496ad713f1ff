package dev.tlsaccept.server;

import java.time.Duration;
import java.time.Instant;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import org.jspecify.annotations.Nullable;

/**
 * Finished results the listener makes itself, for connections whose handshake it ended or
 * never started: refusals by limits, handshakes cut by stop, acceptors that could not be
 * created.
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
		return AcceptResult.builder(-1, SslError.SYSCALL).startedAt(now).reason(reason).build();
	}

	/**
	 * The same finished result, reported as a connection failure with another reason;
	 * every fact, the ClientHello included, is kept.
	 * @param result a finished result
	 * @param reason the reason
	 * @return the result
	 */
	static AcceptResult relabel(AcceptResult result, String reason) {
		return result.toBuilder().outcome(-1, SslError.SYSCALL).reason(reason).build();
	}

	/**
	 * End a pending handshake as a connection failure ({@code -1 SYSCALL}), keeping what
	 * the last {@code WANT_*} result knew.
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
		return AcceptResult.builder(-1, SslError.SYSCALL)
			.startedAt(last.startedAt())
			.duration(Duration.ofNanos(System.nanoTime() - startNanos))
			.turns(last.wantReadTurns(), last.wantWriteTurns())
			.protocol(last.protocol())
			.serverName(last.serverName())
			.engineMessage(last.engineMessage())
			.reason(reason)
			.clientHello(last.clientHello())
			.build();
	}

}
