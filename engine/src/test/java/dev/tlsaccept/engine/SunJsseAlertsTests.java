package dev.tlsaccept.engine;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert SunJSSE 17 sent, read off what it threw (its TLS 1.3 alerts are encrypted and
 * its messages carry no alert name before JDK 21).
 */
class SunJsseAlertsTests {

	@Test
	void finishedThatCannotBeVerifiedWasAnsweredWithDecryptError() {
		assertThat(SunJsseAlerts.duringHandshake(new SSLHandshakeException("The Finished message cannot be verified.")))
			.isEqualTo(TlsAlert.of(51, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
	}

	@Test
	void messagesWithTheirDetailAtTheEndAreFoundByTheirStart() {
		assertThat(SunJsseAlerts.duringHandshake(new SSLHandshakeException(
				"Inappropriate finished message: need 32 but remaining 24 bytes verify_data")))
			.isEqualTo(TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		assertThat(SunJsseAlerts.duringHandshake(new SSLException("Malformed or unexpected ChangeCipherSpec message")))
			.isEqualTo(TlsAlert.of(10, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
	}

	@Test
	void recordProtectionFailuresFollowTheirExceptionType() {
		assertThat(SunJsseAlerts.duringHandshake(new SSLException(new AEADBadTagException("Tag mismatch!"))).number())
			.isEqualTo(20);
		assertThat(SunJsseAlerts
			.duringHandshake(new SSLException(new BadPaddingException("Incorrect inner plaintext: no content type")))
			.number()).as("SunJSSE's choice while a handshake runs").isEqualTo(40);
	}

	@Test
	void unknownMessagesSayNothing() {
		assertThat(SunJsseAlerts.duringHandshake(new SSLException("something else entirely"))).isNull();
	}

}
