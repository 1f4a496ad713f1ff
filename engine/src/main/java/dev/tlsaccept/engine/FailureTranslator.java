package dev.tlsaccept.engine;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * One engine's way of putting its failures in OpenSSL's terms: which alert it sent or
 * received when the wire cannot tell (an encrypted TLS 1.3 alert, an alert the engine
 * raised but never wrote), and OpenSSL's reason for what it threw. Each engine has one
 * ({@link JdkFailures}, {@link BouncyCastleFailures}, {@link BoringSslFailures}); the
 * cases that do not depend on the engine (EOF, reset, timeout, a ClientHello that
 * tlsaccept's parser rejected, a received alert, plaintext HTTP) live in
 * {@link Failures}.
 */
interface FailureTranslator {

	/**
	 * The alert the peer sent, when the engine's failure says so and the record layer did
	 * not see it (an encrypted alert).
	 * @param failure the engine's exception
	 * @return the received alert, or {@code null}
	 */
	@Nullable TlsAlert receivedAlert(SSLException failure);

	/**
	 * The alert the engine sent for a failure, when the record layer saw an alert go out
	 * but could not read it because it was encrypted.
	 * @param failure the engine's exception
	 * @param protocol the protocol negotiated so far, if known
	 * @return the alert sent, or {@code null} when unknown
	 */
	default @Nullable TlsAlert encryptedAlert(SSLException failure, @Nullable String protocol) {
		return null;
	}

	/**
	 * The alert the engine raised for a failure but did not write (BCJSSE before a valid
	 * ClientHello, SunJSSE 17 when a delegated task fails): tlsaccept sends it in clear
	 * on the engine's behalf.
	 * @param failure the engine's exception, from a handshake that has sent nothing yet
	 * @return the alert to send, or {@code null} to send none
	 */
	default @Nullable TlsAlert unwrittenAlert(SSLException failure) {
		return null;
	}

	/**
	 * OpenSSL's reason for a failure that is neither a received alert nor a malformed
	 * ClientHello (those are {@link Failures}'): the engine's own mapping.
	 * @param failure the engine's exception
	 * @param sent the alert the engine sent, if known
	 * @return a short reason in OpenSSL's words
	 */
	String reason(SSLException failure, @Nullable TlsAlert sent);

	/**
	 * The whole failure: {@code decode error} for a ClientHello that tlsaccept's parser
	 * rejected (engines word and answer those differently, OpenSSL 3 sends decode_error
	 * for nearly all of them), OpenSSL's words for a received alert, else the engine's
	 * {@link #reason}.
	 * @param failure the engine's exception
	 * @param alert the alert sent or received, as the record layer saw it or this
	 * translator inferred it
	 * @param malformedHello whether the whole ClientHello arrived and tlsaccept's parser
	 * rejected it
	 * @return the failure, {@link SslError#SSL}, with the engine's message
	 */
	default Failure translate(SSLException failure, @Nullable TlsAlert alert, boolean malformedHello) {
		String reason;
		if (malformedHello && (alert == null || alert.direction() == TlsAlert.Direction.SENT)) {
			reason = Failures.DECODE_ERROR;
		}
		else if (alert != null && alert.direction() == TlsAlert.Direction.RECEIVED) {
			reason = alert.openSslReason();
		}
		else {
			reason = reason(failure, alert);
		}
		return new Failure(SslError.SSL, alert, reason, failure.getMessage());
	}

	/**
	 * The translator of an engine context: its own for the engines tlsaccept ships,
	 * {@link Failures#GENERIC} for any other.
	 * @param context the engine context
	 * @return its translator
	 */
	static FailureTranslator of(TlsEngineContext context) {
		return (context instanceof Source source) ? source.failures() : Failures.GENERIC;
	}

	/** An engine context that has a translator of its own. */
	interface Source {

		/**
		 * This engine's translator.
		 * @return the translator
		 */
		FailureTranslator failures();

	}

}
