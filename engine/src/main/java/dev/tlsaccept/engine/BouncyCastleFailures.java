package dev.tlsaccept.engine;

import java.io.EOFException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.jspecify.annotations.Nullable;

/**
 * BCJSSE's failures in OpenSSL's terms, from its typed exceptions: {@link TlsFatalAlert}
 * carries the exact alert it raised (also a TLS 1.3 alert encrypted on the wire),
 * {@link TlsFatalAlertReceived} the one it received. Only the details BCJSSE gives as
 * text alone (which check failed behind a handshake_failure) are read from messages.
 */
final class BouncyCastleFailures implements FailureTranslator {

	static final BouncyCastleFailures INSTANCE = new BouncyCastleFailures();

	private BouncyCastleFailures() {
	}

	/**
	 * The alert Bouncy Castle raised, from the {@link TlsFatalAlert} in the cause chain.
	 * @param failure the engine's exception
	 * @return the alert sent, or {@code null} when BCJSSE received one or did not say
	 */
	static @Nullable TlsAlert raisedAlert(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TlsFatalAlertReceived) {
				return null;
			}
			if (cause instanceof TlsFatalAlert alert) {
				return TlsAlert.of(alert.getAlertDescription(), TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	@Override
	public @Nullable TlsAlert receivedAlert(SSLException failure) {
		TlsFatalAlertReceived received = Failures.cause(failure, TlsFatalAlertReceived.class);
		return (received != null)
				? TlsAlert.of(received.getAlertDescription(), TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED) : null;
	}

	/**
	 * Bouncy Castle's own alert, or internal_error: what {@code TlsProtocol} sends for
	 * any failure that is not a {@link TlsFatalAlert} (a truncated message's
	 * {@code EOFException}).
	 */
	@Override
	public @Nullable TlsAlert encryptedAlert(SSLException failure, @Nullable String protocol) {
		TlsAlert alert = raisedAlert(failure);
		if (alert == null && receivedAlert(failure) == null) {
			return TlsAlert.of(AlertDescription.internal_error, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
		}
		return alert;
	}

	/** BCJSSE raises an alert for a ClientHello it cannot read, but never writes it. */
	@Override
	public @Nullable TlsAlert unwrittenAlert(SSLException failure) {
		return raisedAlert(failure);
	}

	@Override
	public String reason(SSLException failure, @Nullable TlsAlert sent) {
		String lower = Failures.allMessages(failure).toLowerCase(Locale.ROOT);
		// "handshake_failure(40); found no selectable cipher suite among the 2 offered"
		if (lower.contains("no selectable cipher suite")) {
			return Failures.NO_SHARED_CIPHER;
		}
		if (raised(failure, AlertDescription.protocol_version, null)) {
			return "unsupported protocol";
		}
		// TLS 1.3 certificate_required; TLS 1.2 a bare handshake_failure, told apart by
		// where it was raised
		if (raised(failure, AlertDescription.certificate_required, null)
				|| raised(failure, AlertDescription.handshake_failure, "notifyClientCertificate")) {
			return "peer did not return a certificate";
		}
		if (Failures.isCertificateFailure(failure)) {
			return "certificate verify failed";
		}
		if (raised(failure, AlertDescription.record_overflow, null)) {
			return "packet length too long";
		}
		if (raised(failure, AlertDescription.bad_record_mac, null)) {
			return "bad record mac";
		}
		// "Handshake message length exceeds the maximum: N"
		if (lower.contains("handshake message") && lower.contains("exceeds the maximum")) {
			return "excessive message size";
		}
		// Bouncy Castle reads a message shorter than its fields to the end of its buffer
		// and answers internal_error; OpenSSL calls that a decode error
		if (Failures.cause(failure, EOFException.class) != null) {
			return Failures.DECODE_ERROR;
		}
		return Failures.fallbackReason(failure, sent);
	}

	/**
	 * Whether a {@link TlsFatalAlert} in the cause chain carries that alert, raised in a
	 * method of that name when given.
	 */
	private static boolean raised(Throwable failure, short description, @Nullable String method) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TlsFatalAlert alert && alert.getAlertDescription() == description) {
				StackTraceElement[] stack = alert.getStackTrace();
				if (method == null || (stack.length > 0 && method.equals(stack[0].getMethodName()))) {
					return true;
				}
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
