package dev.tlsaccept.engine;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tlsaccept.clienthello.ClientHelloSummary;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TlsAcceptor#accept()} returned: an OpenSSL-style {@link #code()} and
 * {@link #error()}, and, once the handshake has finished (any error but {@code WANT_*}),
 * everything a person needs to understand it.
 *
 * <table>
 * <caption>Codes</caption>
 * <tr><th>code</th><th>error</th><th>meaning</th></tr>
 * <tr><td>1</td><td>NONE</td><td>handshake complete</td></tr>
 * <tr><td>-1</td><td>WANT_READ / WANT_WRITE</td><td>call again when the BIO is ready</td></tr>
 * <tr><td>0</td><td>ZERO_RETURN</td><td>peer sent close_notify before completing</td></tr>
 * <tr><td>0</td><td>SYSCALL</td><td>peer closed (EOF) before completing, without an alert</td></tr>
 * <tr><td>-1</td><td>SSL</td><td>refused by protocol, fatal alert from the peer, not TLS</td></tr>
 * <tr><td>-1</td><td>SYSCALL</td><td>connection reset, I/O error, handshake timeout</td></tr>
 * </table>
 *
 * @param code {@code 1}, {@code 0} or {@code -1}, as {@code SSL_accept()} returns
 * @param error the error, as {@code SSL_get_error()} reports it
 * @param startedAt when the first {@code accept()} call was made
 * @param duration time from the first {@code accept()} call to this result
 * @param wantReadTurns how many times {@code accept()} returned {@code WANT_READ} before this result
 * @param wantWriteTurns how many times {@code accept()} returned {@code WANT_WRITE} before this result
 * @param protocol the negotiated protocol ({@code TLSv1.3}); for a failure, the protocol chosen
 * so far when the engine still reports it (it may not, e.g. after a certificate failure)
 * @param cipherSuite the negotiated cipher suite, when complete
 * @param serverName the SNI host name the client asked for, if any
 * @param applicationProtocol the ALPN protocol negotiated, if any
 * @param peerCertificates the client's certificate chain, leaf first, also when the server refused
 * it (an untrusted or expired certificate); empty when none was sent
 * @param alert the alert sent or received when the handshake failed, if any was observed
 * @param engineMessage the engine's own message for a failure
 * @param reason a short human reason, in OpenSSL's words where OpenSSL has one
 * @param clientHello what the client offered, read off the wire before the engine saw it (also
 * for failed handshakes; partial, with a parse error, when the hello was cut short)
 */
public record AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
		int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
		@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
		@Nullable String engineMessage, @Nullable String reason, @Nullable ClientHelloSummary clientHello) {

	public AcceptResult {
		peerCertificates = List.copyOf(peerCertificates);
	}

	/**
	 * A result without a ClientHello summary (a connection refused before any byte was read).
	 */
	public AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
			@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
			@Nullable String engineMessage, @Nullable String reason) {
		this(code, error, startedAt, duration, wantReadTurns, wantWriteTurns, protocol, cipherSuite, serverName,
				applicationProtocol, peerCertificates, alert, engineMessage, reason, null);
	}

	/**
	 * Whether the handshake completed ({@code 1}, {@code NONE}).
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.code == 1;
	}

	/**
	 * Whether this result ends the handshake: anything but {@code WANT_READ}/{@code WANT_WRITE}/{@code WANT_ASYNC}.
	 * @return {@code true} when no further {@code accept()} call can change the outcome
	 */
	public boolean isFinished() {
		return !this.error.isRetryable();
	}

	static AcceptResult retry(SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns) {
		return new AcceptResult(-1, error, startedAt, duration, wantReadTurns, wantWriteTurns, null, null, null,
				null, List.of(), null, null, null);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder().append(this.code).append(' ').append(this.error);
		if (this.protocol != null) {
			text.append(' ').append(this.protocol).append(' ').append(this.cipherSuite);
		}
		if (this.reason != null) {
			text.append(" (").append(this.reason).append(')');
		}
		if (this.alert != null) {
			text.append(" [").append(this.alert).append(']');
		}
		return text.toString();
	}

}
