package dev.tlsaccept.autoconfigure.observation;

/**
 * The error of the observation of a failed handshake (its span's status is then error):
 * the reason, without a stack trace (nothing was thrown).
 */
final class TlsHandshakeException extends RuntimeException {

	TlsHandshakeException(String message) {
		super(message, null, false, false);
	}

}
