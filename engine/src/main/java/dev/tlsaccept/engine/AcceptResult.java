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
 * <tr>
 * <th>code</th>
 * <th>error</th>
 * <th>meaning</th>
 * </tr>
 * <tr>
 * <td>1</td>
 * <td>NONE</td>
 * <td>handshake complete</td>
 * </tr>
 * <tr>
 * <td>-1</td>
 * <td>WANT_READ / WANT_WRITE</td>
 * <td>call again when the BIO is ready</td>
 * </tr>
 * <tr>
 * <td>0</td>
 * <td>ZERO_RETURN</td>
 * <td>peer sent close_notify before completing</td>
 * </tr>
 * <tr>
 * <td>0</td>
 * <td>SYSCALL</td>
 * <td>peer closed (EOF) before completing, without an alert</td>
 * </tr>
 * <tr>
 * <td>-1</td>
 * <td>SSL</td>
 * <td>refused by protocol, fatal alert from the peer, not TLS</td>
 * </tr>
 * <tr>
 * <td>-1</td>
 * <td>SYSCALL</td>
 * <td>connection reset, I/O error, handshake timeout</td>
 * </tr>
 * </table>
 * <p>
 * <strong>Pair mode: the caller must drain the network side after every call</strong>,
 * whatever the result, {@code 1} included: on TLS 1.2 the call that returns {@code 1} has
 * just written the server's last flight (ChangeCipherSpec, Finished) into the
 * {@link BioPair}, and the client waits for it. Send {@link BioPair#drainToNetwork()} to
 * the peer after each {@code accept()}, {@code read}, {@code write} and {@code shutdown}.
 * The blocking and non-blocking modes write to their socket themselves.
 *
 * @param code {@code 1}, {@code 0} or {@code -1}, as {@code SSL_accept()} returns
 * @param error the error, as {@code SSL_get_error()} reports it
 * @param startedAt when the first {@code accept()} call was made
 * @param duration time from the first {@code accept()} call to this result
 * @param wantReadTurns how many times {@code accept()} returned {@code WANT_READ} before
 * this result
 * @param wantWriteTurns how many times {@code accept()} returned {@code WANT_WRITE}
 * before this result
 * @param protocol the negotiated protocol ({@code TLSv1.3}); for a failure, the protocol
 * chosen so far when the engine still reports it (it may not, e.g. after a certificate
 * failure)
 * @param cipherSuite the negotiated cipher suite, when complete
 * @param serverName the SNI host name the client asked for, if any
 * @param applicationProtocol the ALPN protocol negotiated, if any
 * @param peerCertificates the client's certificate chain, leaf first, also when the
 * server refused it (an untrusted or expired certificate); empty when none was sent
 * @param alert the alert sent or received when the handshake failed, if any was observed
 * @param engineMessage the engine's own message for a failure
 * @param reason a short human reason, in OpenSSL's words where OpenSSL has one
 * @param clientHello what the client offered, read off the wire before the engine saw it
 * (also for failed handshakes; partial, with a parse error, when the hello was cut short)
 * @param group the key-exchange group the server chose, as IANA names it
 * ({@code X25519MLKEM768}, {@code x25519}), read off the server's plaintext ServerHello
 * (TLS 1.3 key_share) or ECDHE ServerKeyExchange (TLS 1.2) the same way for every engine;
 * also for a handshake that failed after the server's hello; {@code null} when the server
 * named none (no ServerHello, RSA or finite-field key exchange on TLS 1.2, a resumption
 * without key exchange)
 * @param resumed whether the server resumed a session instead of a full handshake, read
 * off its plaintext messages the same way for every engine: a TLS 1.3 ServerHello with
 * the {@code pre_shared_key} extension, or a TLS 1.2 abbreviated handshake (session ID or
 * ticket); {@code false} for a full handshake and for a failure before the server's hello
 */
public record AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
		int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
		@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
		@Nullable String engineMessage, @Nullable String reason, @Nullable ClientHelloSummary clientHello,
		@Nullable String group, boolean resumed) {

	public AcceptResult {
		peerCertificates = List.copyOf(peerCertificates);
	}

	/**
	 * A result without a ClientHello summary (a connection refused before any byte was
	 * read).
	 * @deprecated positional arguments are easy to get wrong: use
	 * {@link #builder(int, SslError)}
	 */
	@Deprecated
	public AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
			@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
			@Nullable String engineMessage, @Nullable String reason) {
		this(code, error, startedAt, duration, wantReadTurns, wantWriteTurns, protocol, cipherSuite, serverName,
				applicationProtocol, peerCertificates, alert, engineMessage, reason, null, null, false);
	}

	/**
	 * A result without a negotiated group.
	 * @deprecated positional arguments are easy to get wrong: use
	 * {@link #builder(int, SslError)}
	 */
	@Deprecated
	public AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
			@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
			@Nullable String engineMessage, @Nullable String reason, @Nullable ClientHelloSummary clientHello) {
		this(code, error, startedAt, duration, wantReadTurns, wantWriteTurns, protocol, cipherSuite, serverName,
				applicationProtocol, peerCertificates, alert, engineMessage, reason, clientHello, null, false);
	}

	/**
	 * A result without the resumption flag (a full handshake).
	 * @deprecated positional arguments are easy to get wrong: use
	 * {@link #builder(int, SslError)}
	 */
	@Deprecated
	public AcceptResult(int code, SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns, @Nullable String protocol, @Nullable String cipherSuite, @Nullable String serverName,
			@Nullable String applicationProtocol, List<X509Certificate> peerCertificates, @Nullable TlsAlert alert,
			@Nullable String engineMessage, @Nullable String reason, @Nullable ClientHelloSummary clientHello,
			@Nullable String group) {
		this(code, error, startedAt, duration, wantReadTurns, wantWriteTurns, protocol, cipherSuite, serverName,
				applicationProtocol, peerCertificates, alert, engineMessage, reason, clientHello, group, false);
	}

	/**
	 * Start a result with its code and error; every other fact is named as it is set.
	 * @param code {@code 1}, {@code 0} or {@code -1}
	 * @param error the error
	 * @return a builder, with no facts but the code and error
	 */
	public static Builder builder(int code, SslError error) {
		return new Builder(code, error);
	}

	/**
	 * A builder holding every fact of this result, to derive another from it (a listener
	 * that reports a finished handshake as cut, with its own reason, keeps what the
	 * client offered).
	 * @return a builder with this result's facts
	 */
	public Builder toBuilder() {
		return new Builder(this.code, this.error).startedAt(this.startedAt)
			.duration(this.duration)
			.turns(this.wantReadTurns, this.wantWriteTurns)
			.protocol(this.protocol)
			.cipherSuite(this.cipherSuite)
			.serverName(this.serverName)
			.applicationProtocol(this.applicationProtocol)
			.peerCertificates(this.peerCertificates)
			.alert(this.alert)
			.engineMessage(this.engineMessage)
			.reason(this.reason)
			.clientHello(this.clientHello)
			.group(this.group)
			.resumed(this.resumed);
	}

	/**
	 * Whether the handshake completed ({@code 1}, {@code NONE}).
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.code == 1;
	}

	/**
	 * Whether this result ends the handshake: anything but
	 * {@code WANT_READ}/{@code WANT_WRITE}/{@code WANT_ASYNC}.
	 * @return {@code true} when no further {@code accept()} call can change the outcome
	 */
	public boolean isFinished() {
		return !this.error.isRetryable();
	}

	static AcceptResult retry(SslError error, Instant startedAt, Duration duration, int wantReadTurns,
			int wantWriteTurns) {
		return builder(-1, error).startedAt(startedAt).duration(duration).turns(wantReadTurns, wantWriteTurns).build();
	}

	/**
	 * Builds an {@link AcceptResult} fact by fact; unset facts are empty ({@code null},
	 * none, zero).
	 */
	public static final class Builder {

		private int code;

		private SslError error;

		private Instant startedAt = Instant.EPOCH;

		private Duration duration = Duration.ZERO;

		private int wantReadTurns;

		private int wantWriteTurns;

		private @Nullable String protocol;

		private @Nullable String cipherSuite;

		private @Nullable String serverName;

		private @Nullable String applicationProtocol;

		private List<X509Certificate> peerCertificates = List.of();

		private @Nullable TlsAlert alert;

		private @Nullable String engineMessage;

		private @Nullable String reason;

		private @Nullable ClientHelloSummary clientHello;

		private @Nullable String group;

		private boolean resumed;

		private Builder(int code, SslError error) {
			this.code = code;
			this.error = error;
		}

		/**
		 * Another outcome for the same facts.
		 * @param code the code
		 * @param error the error
		 * @return this builder
		 */
		public Builder outcome(int code, SslError error) {
			this.code = code;
			this.error = error;
			return this;
		}

		/**
		 * When the first {@code accept()} call was made.
		 * @param startedAt the instant
		 * @return this builder
		 */
		public Builder startedAt(Instant startedAt) {
			this.startedAt = startedAt;
			return this;
		}

		/**
		 * Time from the first {@code accept()} call to this result.
		 * @param duration the duration
		 * @return this builder
		 */
		public Builder duration(Duration duration) {
			this.duration = duration;
			return this;
		}

		/**
		 * How many times {@code accept()} returned {@code WANT_READ} and
		 * {@code WANT_WRITE} before.
		 * @param wantReadTurns the {@code WANT_READ} turns
		 * @param wantWriteTurns the {@code WANT_WRITE} turns
		 * @return this builder
		 */
		public Builder turns(int wantReadTurns, int wantWriteTurns) {
			this.wantReadTurns = wantReadTurns;
			this.wantWriteTurns = wantWriteTurns;
			return this;
		}

		/**
		 * The negotiated protocol.
		 * @param protocol e.g. {@code TLSv1.3}, or {@code null}
		 * @return this builder
		 */
		public Builder protocol(@Nullable String protocol) {
			this.protocol = protocol;
			return this;
		}

		/**
		 * The negotiated cipher suite.
		 * @param cipherSuite the suite, or {@code null}
		 * @return this builder
		 */
		public Builder cipherSuite(@Nullable String cipherSuite) {
			this.cipherSuite = cipherSuite;
			return this;
		}

		/**
		 * The SNI host name the client asked for.
		 * @param serverName the name, or {@code null}
		 * @return this builder
		 */
		public Builder serverName(@Nullable String serverName) {
			this.serverName = serverName;
			return this;
		}

		/**
		 * The ALPN protocol negotiated.
		 * @param applicationProtocol the protocol, or {@code null}
		 * @return this builder
		 */
		public Builder applicationProtocol(@Nullable String applicationProtocol) {
			this.applicationProtocol = applicationProtocol;
			return this;
		}

		/**
		 * The client's certificate chain, leaf first, also a refused one.
		 * @param peerCertificates the chain
		 * @return this builder
		 */
		public Builder peerCertificates(List<X509Certificate> peerCertificates) {
			this.peerCertificates = List.copyOf(peerCertificates);
			return this;
		}

		/**
		 * The alert sent or received.
		 * @param alert the alert, or {@code null}
		 * @return this builder
		 */
		public Builder alert(@Nullable TlsAlert alert) {
			this.alert = alert;
			return this;
		}

		/**
		 * The engine's own message for a failure.
		 * @param engineMessage the message, or {@code null}
		 * @return this builder
		 */
		public Builder engineMessage(@Nullable String engineMessage) {
			this.engineMessage = engineMessage;
			return this;
		}

		/**
		 * A short reason, in OpenSSL's words where OpenSSL has one.
		 * @param reason the reason, or {@code null}
		 * @return this builder
		 */
		public Builder reason(@Nullable String reason) {
			this.reason = reason;
			return this;
		}

		/**
		 * What the client offered.
		 * @param clientHello the summary, or {@code null}
		 * @return this builder
		 */
		public Builder clientHello(@Nullable ClientHelloSummary clientHello) {
			this.clientHello = clientHello;
			return this;
		}

		/**
		 * The key-exchange group the server chose.
		 * @param group the IANA name, or {@code null}
		 * @return this builder
		 */
		public Builder group(@Nullable String group) {
			this.group = group;
			return this;
		}

		/**
		 * Whether the server resumed a session.
		 * @param resumed {@code true} for a resumption, {@code false} for a full
		 * handshake
		 * @return this builder
		 */
		public Builder resumed(boolean resumed) {
			this.resumed = resumed;
			return this;
		}

		/**
		 * The result.
		 * @return a new result with the facts set
		 */
		public AcceptResult build() {
			return new AcceptResult(this.code, this.error, this.startedAt, this.duration, this.wantReadTurns,
					this.wantWriteTurns, this.protocol, this.cipherSuite, this.serverName, this.applicationProtocol,
					this.peerCertificates, this.alert, this.engineMessage, this.reason, this.clientHello, this.group,
					this.resumed);
		}

	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder().append(this.code).append(' ').append(this.error);
		if (this.protocol != null) {
			text.append(' ').append(this.protocol).append(' ').append(this.cipherSuite);
		}
		if (this.group != null) {
			text.append(' ').append(this.group);
		}
		if (this.resumed) {
			text.append(" resumed");
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
