package dev.tlsaccept.engine;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * The failures that do not depend on the engine, in OpenSSL's words: the transport's
 * (EOF, reset, timeout), tlsaccept's own refusals (a ClientHello its parser rejected,
 * plaintext HTTP, an oversized record), a received alert; and the checks every
 * {@link FailureTranslator} shares.
 */
final class Failures {

	/**
	 * OpenSSL 3's reason when no group the client offered is enabled on a TLS 1.3 server.
	 */
	static final String NO_SUITABLE_KEY_SHARE = "no suitable key share";

	/** OpenSSL's reason when no suite (or, before TLS 1.3, no ECDHE group) is shared. */
	static final String NO_SHARED_CIPHER = "no shared cipher";

	static final String UNEXPECTED_EOF = "unexpected eof while reading";

	static final String HANDSHAKE_TIMED_OUT = "handshake timed out";

	static final String CONNECTION_RESET = "connection reset by peer";

	/**
	 * OpenSSL's words for the decode_error alert it sends for a ClientHello it cannot
	 * parse.
	 */
	static final String DECODE_ERROR = "decode error";

	/**
	 * The translator of an engine tlsaccept does not ship: the alerts the record layer
	 * sees, the shared checks, else the alert's name or the engine's message.
	 */
	static final FailureTranslator GENERIC = new FailureTranslator() {

		@Override
		public @Nullable TlsAlert receivedAlert(SSLException failure) {
			return null;
		}

		@Override
		public String reason(SSLException failure, @Nullable TlsAlert sent) {
			return isCertificateFailure(failure) ? "certificate verify failed" : fallbackReason(failure, sent);
		}

	};

	private Failures() {
	}

	/**
	 * The handshake deadline passed.
	 * @return {@code SYSCALL}, "handshake timed out"
	 */
	static Failure timedOut() {
		return new Failure(SslError.SYSCALL, null, HANDSHAKE_TIMED_OUT, null);
	}

	/**
	 * The peer closed the connection without an alert.
	 * @return {@code SYSCALL}, "unexpected eof while reading"
	 */
	static Failure eof() {
		return new Failure(SslError.SYSCALL, null, UNEXPECTED_EOF, null);
	}

	/**
	 * A transport failure.
	 * @param failure the I/O exception
	 * @return {@code SYSCALL} with OpenSSL's reason
	 */
	static Failure io(IOException failure) {
		if (failure instanceof SocketTimeoutException) {
			return timedOut();
		}
		return new Failure(SslError.SYSCALL, null, ioReason(failure), failure.getMessage());
	}

	/**
	 * The peer sent an alert during the handshake: close_notify is a controlled shutdown,
	 * any other alert a protocol failure.
	 * @param alert the alert received, or {@code null} when the engine saw the peer's
	 * close without one
	 * @return {@code ZERO_RETURN} for close_notify, else {@code SSL} with OpenSSL's words
	 */
	static Failure receivedDuringHandshake(@Nullable TlsAlert alert) {
		if (alert != null && alert.number() != 0) {
			return new Failure(SslError.SSL, alert, alert.openSslReason(), null);
		}
		return new Failure(SslError.ZERO_RETURN,
				(alert != null) ? alert : TlsAlert.of(0, TlsAlert.Level.WARNING, TlsAlert.Direction.RECEIVED),
				"peer sent close_notify during the handshake", null);
	}

	/**
	 * A ClientHello that tlsaccept's parser rejected and the engine went on with.
	 * @return {@code SSL}, decode_error sent
	 */
	static Failure malformedHello() {
		return new Failure(SslError.SSL, TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT), DECODE_ERROR,
				"ClientHello refused by tlsaccept (the engine went on)");
	}

	/**
	 * A record longer than TLS allows, refused before the engine saw it.
	 * @return {@code SSL}, record_overflow sent
	 */
	static Failure oversizedRecord() {
		return new Failure(SslError.SSL, TlsAlert.of(22, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT),
				"packet length too long", null);
	}

	/**
	 * Plaintext HTTP instead of a ClientHello.
	 * @return {@code SSL}, "http request"
	 */
	static Failure httpRequest() {
		return new Failure(SslError.SSL, null, "http request", null);
	}

	/**
	 * An HTTP proxy's {@code CONNECT} instead of a ClientHello.
	 * @return {@code SSL}, "https proxy request"
	 */
	static Failure httpsProxyRequest() {
		return new Failure(SslError.SSL, null, "https proxy request", null);
	}

	/**
	 * An engine that threw something else than {@link SSLException}: still a protocol
	 * failure.
	 * @param failure what it threw
	 * @return {@code SSL}, the exception's simple name
	 */
	static Failure unexpected(RuntimeException failure) {
		return new Failure(SslError.SSL, null, failure.getClass().getSimpleName(), failure.toString());
	}

	/**
	 * The engine refused a hello because none of the client's groups is configured:
	 * OpenSSL 3's words, for a TLS 1.3 server without a group to share a key in, else no
	 * ECDHE suite left.
	 * @param failure the engine's failure
	 * @param tls13 whether the handshake would have been TLS 1.3
	 * @return the failure with OpenSSL's reason
	 */
	static Failure noSharedGroup(Failure failure, boolean tls13) {
		return failure.withReason(tls13 ? NO_SUITABLE_KEY_SHARE : NO_SHARED_CIPHER);
	}

	/**
	 * OpenSSL's reason for a transport failure.
	 * @param failure the I/O exception
	 * @return a short reason
	 */
	static String ioReason(IOException failure) {
		if (failure instanceof SocketTimeoutException) {
			return HANDSHAKE_TIMED_OUT;
		}
		if (failure instanceof EOFException) {
			return UNEXPECTED_EOF;
		}
		String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
		if (message.contains("connection reset")) {
			return CONNECTION_RESET;
		}
		if (message.contains("broken pipe")) {
			return "broken pipe";
		}
		return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
	}

	/**
	 * The reason when no engine-specific one applies: the alert's name in words, else the
	 * engine's message.
	 * @param failure the engine's exception
	 * @param sent the alert sent, if known
	 * @return a short reason
	 */
	static String fallbackReason(SSLException failure, @Nullable TlsAlert sent) {
		if (sent != null) {
			return sent.name().replace('_', ' ');
		}
		String first = failure.getMessage();
		return (first != null) ? first : failure.getClass().getSimpleName();
	}

	/**
	 * Whether a failure comes from verifying the peer's certificate: a certificate or
	 * path exception in the cause chain, or a PKIX message.
	 * @param failure the engine's exception
	 * @return {@code true} for certificate path and validity failures
	 */
	static boolean isCertificateFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CertificateException || cause instanceof CertPathBuilderException
					|| cause instanceof CertPathValidatorException) {
				return true;
			}
			String message = cause.getMessage();
			if (message != null && (message.contains("PKIX path") || message.contains("certification path"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The first exception of a type in a cause chain.
	 * @param <T> the type
	 * @param failure the chain's head
	 * @param type the type
	 * @return the exception, or {@code null}
	 */
	static <T extends Throwable> @Nullable T cause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/**
	 * The alert that the first message of a cause chain naming a known alert says was
	 * received, for engines that tell it only in words.
	 * @param failure the chain's head
	 * @param pattern finds the alert's IANA name, in any case, as its group 1
	 * @return the received alert, or {@code null}
	 */
	static @Nullable TlsAlert receivedAlertNamed(Throwable failure, Pattern pattern) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null) {
				Matcher matcher = pattern.matcher(message);
				if (matcher.find()) {
					TlsAlert alert = TlsAlert.fatal(matcher.group(1).toLowerCase(Locale.ROOT),
							TlsAlert.Direction.RECEIVED);
					if (alert != null) {
						return alert;
					}
				}
			}
		}
		return null;
	}

	/**
	 * Every message of a cause chain, for engines whose failures are only text.
	 * @param failure the chain's head
	 * @return the messages, separated by {@code " | "}
	 */
	static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null) {
				messages.append(cause.getMessage()).append(" | ");
			}
		}
		return messages.toString();
	}

}
