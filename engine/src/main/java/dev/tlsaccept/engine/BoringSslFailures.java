package dev.tlsaccept.engine;

import java.util.Locale;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * BoringSSL's failures in OpenSSL's terms. Netty hands BoringSSL's error queue over as
 * text only ({@code error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER}), so
 * its reason codes are read from the messages here, and nowhere else; a refused client
 * certificate is typed ({@link OpenSslTrustManager#alertFor}).
 */
final class BoringSslFailures implements FailureTranslator {

	static final BoringSslFailures INSTANCE = new BoringSslFailures();

	/** BoringSSL's reason for a received alert: {@code SSLV3_ALERT_HANDSHAKE_FAILURE}. */
	private static final Pattern RECEIVED_ALERT = Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)");

	private BoringSslFailures() {
	}

	@Override
	public @Nullable TlsAlert receivedAlert(SSLException failure) {
		return Failures.receivedAlertNamed(failure, RECEIVED_ALERT);
	}

	/**
	 * BoringSSL does not expose the alert it sent; its error queue names the reason, from
	 * which the alert follows for the failures the contract covers.
	 */
	@Override
	public @Nullable TlsAlert encryptedAlert(SSLException failure, @Nullable String protocol) {
		int number = OpenSslTrustManager.alertFor(failure);
		if (number < 0) {
			number = sentAlertNumber(Failures.allMessages(failure).toUpperCase(Locale.ROOT), protocol);
		}
		return (number < 0) ? null : TlsAlert.of(number, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
	}

	/**
	 * The alert BoringSSL sends with each reason code.
	 * @param messages the failure's messages, upper case
	 * @param protocol the protocol negotiated so far, if known
	 * @return the alert number, or {@code -1}
	 */
	static int sentAlertNumber(String messages, @Nullable String protocol) {
		if (messages.contains("NO_SHARED_CIPHER")) {
			return 40;
		}
		if (messages.contains("UNSUPPORTED_PROTOCOL")) {
			return 70;
		}
		if (messages.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
			return "TLSv1.2".equals(protocol) ? 40 : 116;
		}
		if (messages.contains("WRONG_CURVE")) {
			return 40;
		}
		// record protection and message checks
		if (messages.contains("BAD_DECRYPT") || messages.contains("DECRYPTION_FAILED_OR_BAD_RECORD_MAC")) {
			return 20;
		}
		if (messages.contains("DIGEST_CHECK_FAILED") || messages.contains("BAD_SIGNATURE")) {
			return 51;
		}
		if (messages.contains("NO_RENEGOTIATION")) {
			return 100;
		}
		if (messages.contains("UNEXPECTED_MESSAGE") || messages.contains("UNEXPECTED_RECORD")) {
			return 10;
		}
		if (messages.contains("DATA_LENGTH_TOO_LONG") || messages.contains("ENCRYPTED_LENGTH_TOO_LONG")) {
			return 22;
		}
		if (messages.contains("EXCESSIVE_MESSAGE_SIZE")) {
			return 47;
		}
		if (messages.contains("DECODE_ERROR") || messages.contains("BAD_PACKET_LENGTH")
				|| messages.contains("BAD_ALERT")) {
			return 50;
		}
		return -1;
	}

	@Override
	public String reason(SSLException failure, @Nullable TlsAlert sent) {
		String lower = Failures.allMessages(failure).toLowerCase(Locale.ROOT);
		if (lower.contains("no_shared_cipher") || lower.contains("no shared cipher") || lower.contains("wrong_curve")) {
			return Failures.NO_SHARED_CIPHER;
		}
		if (lower.contains("unsupported_protocol") || lower.contains("unsupported protocol")) {
			return "unsupported protocol";
		}
		if (lower.contains("peer_did_not_return_a_certificate")) {
			return "peer did not return a certificate";
		}
		if (Failures.isCertificateFailure(failure) || lower.contains("certificate_verify_failed")) {
			return "certificate verify failed";
		}
		if (lower.contains("wrong_version_number")) {
			return "wrong version number";
		}
		if (lower.contains("record_overflow") || lower.contains("record overflow")) {
			return "packet length too long";
		}
		if (lower.contains("bad record mac") || lower.contains("bad_record_mac")) {
			return "bad record mac";
		}
		if (lower.contains("excessive_message_size")) {
			return "excessive message size";
		}
		// a TLS 1.3 record whose plaintext or ciphertext is too long
		if (lower.contains("data_length_too_long")) {
			return "data length too long";
		}
		if (lower.contains("encrypted_length_too_long")) {
			return "encrypted length too long";
		}
		if (lower.contains("no_common_signature_algorithms")) {
			return "no suitable signature algorithm";
		}
		return Failures.fallbackReason(failure, sent);
	}

}
