package dev.tlsaccept.engine;

import org.jspecify.annotations.Nullable;

/**
 * A failure in OpenSSL's terms, as a {@link FailureTranslator} or {@link Failures} puts
 * it: the {@code SSL_get_error()} value, the alert that crossed the wire (sent or
 * received), OpenSSL's reason string, and the engine's own text.
 *
 * @param error {@link SslError#SSL} for a protocol failure, {@link SslError#SYSCALL} for
 * a transport one, {@link SslError#ZERO_RETURN} for close_notify
 * @param alert the alert sent or received, or {@code null} when none crossed the wire
 * @param reason the reason in OpenSSL's words, e.g. {@code decrypt error}
 * @param engineMessage the engine's own message, or {@code null} when the failure is
 * tlsaccept's own
 */
record Failure(SslError error, @Nullable TlsAlert alert, String reason, @Nullable String engineMessage) {

	/**
	 * The same failure under another reason.
	 * @param reason the reason in OpenSSL's words
	 * @return a copy with that reason
	 */
	Failure withReason(String reason) {
		return new Failure(this.error, this.alert, reason, this.engineMessage);
	}

}
