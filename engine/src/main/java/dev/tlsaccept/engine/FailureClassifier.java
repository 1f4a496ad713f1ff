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
 * Puts engine failures in OpenSSL's words: the short reason strings that OpenSSL's error
 * queue would hold for the same client behaviour ({@code no shared cipher},
 * {@code unsupported protocol}, ...). Engines differ in their messages; the patterns of
 * every supported engine live here.
 */
final class FailureClassifier {

	/**
	 * OpenSSL 3's reason when no group the client offered is enabled on a TLS 1.3 server.
	 */
	static final String NO_SUITABLE_KEY_SHARE = "no suitable key share";

	static final String UNEXPECTED_EOF = "unexpected eof while reading";

	static final String HANDSHAKE_TIMED_OUT = "handshake timed out";

	static final String CONNECTION_RESET = "connection reset by peer";

	/**
	 * OpenSSL's words for the decode_error alert it sends for a ClientHello it cannot
	 * parse.
	 */
	static final String DECODE_ERROR = "decode error";

	private static final Pattern RECEIVED_ALERT = Pattern.compile("(?i)received (?:fatal )?alert:? ?([a-z_]+)");

	/** BoringSSL's reason for a received alert: {@code SSLV3_ALERT_HANDSHAKE_FAILURE}. */
	private static final Pattern BORINGSSL_RECEIVED_ALERT = Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)");

	private FailureClassifier() {
	}

	/**
	 * The alert the peer sent, when the engine's message says so.
	 * @param failure the engine's exception
	 * @return the received alert or {@code null}
	 */
	static @Nullable TlsAlert receivedAlert(SSLException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null) {
				Matcher matcher = RECEIVED_ALERT.matcher(message);
				if (matcher.find()) {
					return TlsAlert.fatal(matcher.group(1).toLowerCase(Locale.ROOT), TlsAlert.Direction.RECEIVED);
				}
				Matcher boringSsl = BORINGSSL_RECEIVED_ALERT.matcher(message);
				if (boringSsl.find()) {
					TlsAlert alert = TlsAlert.fatal(boringSsl.group(1).toLowerCase(Locale.ROOT),
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
	 * OpenSSL's reason for a handshake failure: {@code decode error} for a ClientHello
	 * that tlsaccept's parser rejected (engines word and answer those differently,
	 * OpenSSL 3 sends decode_error for nearly all of them), else as
	 * {@link #reason(SSLException, TlsAlert)}.
	 * @param failure the engine's exception
	 * @param alert the alert sent or received, if known
	 * @param malformedHello whether the whole ClientHello arrived and tlsaccept's parser
	 * rejected it
	 * @return a short reason
	 */
	static String reason(SSLException failure, @Nullable TlsAlert alert, boolean malformedHello) {
		if (malformedHello && (alert == null || alert.direction() == TlsAlert.Direction.SENT)) {
			return DECODE_ERROR;
		}
		return reason(failure, alert);
	}

	/**
	 * OpenSSL's reason for a protocol failure.
	 * @param failure the engine's exception
	 * @param alert the alert sent or received, if known
	 * @return a short reason
	 */
	static String reason(SSLException failure, @Nullable TlsAlert alert) {
		if (alert != null && alert.direction() == TlsAlert.Direction.RECEIVED) {
			return alert.openSslReason();
		}
		String message = allMessages(failure);
		String lower = message.toLowerCase(Locale.ROOT);
		if (lower.contains("no cipher suites in common") || lower.contains("no_shared_cipher")
				|| lower.contains("no shared cipher") || lower.contains("no selectable cipher suite")
				|| lower.contains("wrong_curve")) {
			return "no shared cipher";
		}
		if ((lower.contains("protocol") && (lower.contains("not enabled") || lower.contains("not accepted")
				|| lower.contains("no appropriate protocol") || lower.contains("not supported")))
				|| lower.contains("unsupported_protocol") || lower.contains("unsupported protocol")
				|| lower.contains("protocol_version(70)")) {
			return "unsupported protocol";
		}
		if (lower.contains("empty client certificate chain") || lower.contains("empty server certificate chain")
				|| lower.contains("peer_did_not_return_a_certificate") || lower.contains("certificate_required(116)")
				|| (lower.contains("handshake_failure(40)") && raisedIn(failure, "notifyClientCertificate"))) {
			return "peer did not return a certificate";
		}
		if (isCertificateFailure(failure) || lower.contains("certificate_verify_failed")) {
			return "certificate verify failed";
		}
		if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("wrong_version_number")) {
			return "wrong version number";
		}
		if (lower.contains("record_overflow") || lower.contains("too big") || lower.contains("record overflow")) {
			return "packet length too long";
		}
		if (lower.contains("bad record mac") || lower.contains("bad_record_mac")) {
			return "bad record mac";
		}
		// SunJSSE "The size of the handshake message (N) exceeds the maximum allowed
		// size", BCJSSE
		// "Handshake message length exceeds the maximum", BoringSSL
		// EXCESSIVE_MESSAGE_SIZE
		if (lower.contains("handshake message") && lower.contains("exceeds the maximum")
				|| lower.contains("excessive_message_size")) {
			return "excessive message size";
		}
		// BoringSSL: a TLS 1.3 record whose plaintext or ciphertext is too long
		if (lower.contains("data_length_too_long")) {
			return "data length too long";
		}
		if (lower.contains("encrypted_length_too_long")) {
			return "encrypted length too long";
		}
		// Bouncy Castle reads a message shorter than its fields to the end of its buffer
		// and answers internal_error; OpenSSL calls that a decode error
		if (hasCause(failure, EOFException.class)) {
			return DECODE_ERROR;
		}
		// SunJSSE "No supported signature algorithm for RSA key", "No supported
		// CertificateVerify signature algorithm for EC key", BoringSSL
		// NO_COMMON_SIGNATURE_ALGORITHMS
		if (lower.contains("no supported signature algorithm for")
				|| lower.contains("no supported certificateverify signature algorithm")
				|| lower.contains("no_common_signature_algorithms")) {
			return "no suitable signature algorithm";
		}
		if (alert != null) {
			return alert.name().replace('_', ' ');
		}
		String first = failure.getMessage();
		return (first != null) ? first : failure.getClass().getSimpleName();
	}

	/**
	 * OpenSSL's reason for a transport failure during the handshake.
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
	 * Whether a failure comes from verifying the peer's certificate.
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
	 * Whether a failure was raised in a method of that name: Bouncy Castle raises the
	 * same bare {@code handshake_failure(40)} for different causes, its stack tells them
	 * apart.
	 */
	private static boolean raisedIn(Throwable failure, String method) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			StackTraceElement[] stack = cause.getStackTrace();
			if (stack.length > 0 && method.equals(stack[0].getMethodName())) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

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
