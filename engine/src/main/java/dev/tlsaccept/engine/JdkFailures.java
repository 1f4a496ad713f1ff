package dev.tlsaccept.engine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * SunJSSE's failures in OpenSSL's terms. SunJSSE does not expose the alert it sends, and
 * in TLS 1.3 it is encrypted: since JDK 21 its messages start with the alert's name,
 * {@code (certificate_required) ...}; before, the alert is inferred from the failure
 * ({@link SunJsseAlerts}). Its reasons come from its messages, the only thing it offers.
 */
final class JdkFailures implements FailureTranslator {

	static final JdkFailures INSTANCE = new JdkFailures();

	private static final Pattern ALERT_PREFIX = Pattern.compile("\\(([a-z_]+)\\) ");

	private static final Pattern RECEIVED_ALERT = Pattern.compile("(?i)received (?:fatal )?alert:? ?([a-z_]+)");

	private JdkFailures() {
	}

	/** SunJSSE's {@code Received fatal alert: handshake_failure}. */
	@Override
	public @Nullable TlsAlert receivedAlert(SSLException failure) {
		return Failures.receivedAlertNamed(failure, RECEIVED_ALERT);
	}

	@Override
	public @Nullable TlsAlert encryptedAlert(SSLException failure, @Nullable String protocol) {
		String message = String.valueOf(failure.getMessage());
		Matcher prefixed = ALERT_PREFIX.matcher(message);
		if (prefixed.lookingAt()) {
			return TlsAlert.fatal(prefixed.group(1), TlsAlert.Direction.SENT);
		}
		if (message.contains("Received fatal alert")) {
			return null;
		}
		if (message.contains("Empty client certificate chain")) {
			return TlsAlert.fatal("bad_certificate", TlsAlert.Direction.SENT);
		}
		if (Failures.isCertificateFailure(failure)) {
			return TlsAlert.fatal("certificate_unknown", TlsAlert.Direction.SENT);
		}
		return SunJsseAlerts.duringHandshake(failure);
	}

	/**
	 * SunJSSE 17 writes no alert when a delegated task fails before the server's first
	 * flight (no signature scheme the client offered fits the key: "No supported
	 * signature algorithm for RSA key"), where an {@code SSLSocket} sends the alert it
	 * raised: the one to send on its behalf.
	 */
	@Override
	public @Nullable TlsAlert unwrittenAlert(SSLException failure) {
		return encryptedAlert(failure, null);
	}

	@Override
	public String reason(SSLException failure, @Nullable TlsAlert sent) {
		String lower = Failures.allMessages(failure).toLowerCase(Locale.ROOT);
		if (lower.contains("no cipher suites in common")) {
			return Failures.NO_SHARED_CIPHER;
		}
		// "Client requested protocol TLSv1.1 is not enabled or supported in server
		// context", "The client supported protocol versions [...] are not accepted by
		// server preferences", "No appropriate protocol (protocol is disabled or cipher
		// suites are inappropriate)"
		if (lower.contains("protocol") && (lower.contains("not enabled") || lower.contains("not accepted")
				|| lower.contains("no appropriate protocol") || lower.contains("not supported"))) {
			return "unsupported protocol";
		}
		if (lower.contains("empty client certificate chain") || lower.contains("empty server certificate chain")) {
			return "peer did not return a certificate";
		}
		if (Failures.isCertificateFailure(failure)) {
			return "certificate verify failed";
		}
		if (lower.contains("unsupported or unrecognized ssl message")) {
			return "wrong version number";
		}
		// "Input record too big", or JDK 21+'s "(record_overflow) ..." prefix
		if (lower.contains("record_overflow") || lower.contains("too big") || lower.contains("record overflow")) {
			return "packet length too long";
		}
		if (lower.contains("bad record mac") || lower.contains("bad_record_mac")) {
			return "bad record mac";
		}
		// "The size of the handshake message (N) exceeds the maximum allowed size"
		if (lower.contains("handshake message") && lower.contains("exceeds the maximum")) {
			return "excessive message size";
		}
		// "No supported signature algorithm for RSA key", "No supported CertificateVerify
		// signature algorithm for EC key"
		if (lower.contains("no supported signature algorithm for")
				|| lower.contains("no supported certificateverify signature algorithm")) {
			return "no suitable signature algorithm";
		}
		return Failures.fallbackReason(failure, sent);
	}

}
