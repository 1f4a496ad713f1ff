package dev.tlsaccept.engine;

import java.io.EOFException;
import java.security.cert.CertPathValidatorException;
import java.util.stream.Stream;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BCJSSE's failures in OpenSSL's terms, from its typed exceptions.
 */
class BouncyCastleFailuresTests {

	private static final FailureTranslator BC = BouncyCastleFailures.INSTANCE;

	private static SSLException raised(short description, String detail) {
		return new SSLException(detail, new TlsFatalAlert(description, detail));
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				Arguments.of(raised(AlertDescription.handshake_failure,
						"found no selectable cipher suite among the 2 " + "offered"), 40, "no shared cipher"),
				Arguments.of(new SSLException(new TlsFatalAlert(AlertDescription.protocol_version)), 70,
						"unsupported protocol"),
				Arguments.of(new SSLException(new TlsFatalAlert(AlertDescription.certificate_required)), 116,
						"peer did not return a certificate"),
				Arguments.of(
						new SSLException(new TlsFatalAlert(AlertDescription.bad_certificate,
								new CertPathValidatorException("signature check failed"))),
						42, "certificate verify failed"),
				Arguments.of(new SSLException(new TlsFatalAlert(AlertDescription.record_overflow)), 22,
						"packet length too long"),
				Arguments.of(new SSLException(new TlsFatalAlert(AlertDescription.bad_record_mac)), 20,
						"bad record mac"),
				Arguments.of(
						raised(AlertDescription.decode_error, "Handshake message length exceeds the maximum: 70000"),
						50, "excessive message size"),
				Arguments.of(new SSLException(new TlsFatalAlert(AlertDescription.decrypt_error)), 51, "decrypt error"),
				// TlsProtocol answers what is not a TlsFatalAlert with internal_error: a
				// truncated message reads as a decode error in OpenSSL's words
				Arguments.of(new SSLException(new EOFException()), 80, "decode error"),
				Arguments.of(new SSLException(new IllegalStateException("boom")), 80, "internal error"));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void bouncyCastleFailureIsTranslatedToTheAlertItRaisedAndOpenSslsReason(SSLException failure, int alert,
			String reason) {
		TlsAlert sent = BC.encryptedAlert(failure, "TLSv1.3");
		assertThat(sent).isEqualTo(TlsAlert.of(alert, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		assertThat(BC.translate(failure, sent, false))
			.isEqualTo(new Failure(SslError.SSL, sent, reason, failure.getMessage()));
	}

	@Test
	void handshakeFailureRaisedWhereTheClientCertificateIsCheckedIsAMissingCertificate() {
		TlsFatalAlert missing = new TlsFatalAlert(AlertDescription.handshake_failure);
		missing.setStackTrace(
				new StackTraceElement[] { new StackTraceElement("org.bouncycastle.jsse.provider.ProvTlsServer",
						"notifyClientCertificate", "ProvTlsServer.java", 1) });
		SSLException failure = new SSLException(missing);
		assertThat(BC.translate(failure, BC.encryptedAlert(failure, "TLSv1.2"), false).reason())
			.isEqualTo("peer did not return a certificate");
		SSLException elsewhere = new SSLException(new TlsFatalAlert(AlertDescription.handshake_failure));
		assertThat(BC.translate(elsewhere, BC.encryptedAlert(elsewhere, "TLSv1.2"), false).reason())
			.isEqualTo("handshake failure");
	}

	@Test
	void receivedAlertIsReadFromTlsFatalAlertReceivedAndNeverReportedAsSent() {
		SSLException received = new SSLException(new TlsFatalAlertReceived(AlertDescription.unknown_ca));
		assertThat(BC.receivedAlert(received))
			.isEqualTo(TlsAlert.of(48, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(BC.encryptedAlert(received, "TLSv1.3")).isNull();
		assertThat(BC.unwrittenAlert(received)).isNull();
		assertThat(BC.receivedAlert(new SSLException(new TlsFatalAlert(AlertDescription.unknown_ca)))).isNull();
	}

	@Test
	void unwrittenAlertIsTheOneBouncyCastleRaisedAndNoneWhenItDidNotSay() {
		assertThat(BC.unwrittenAlert(new SSLException(new TlsFatalAlert(AlertDescription.decode_error))))
			.isEqualTo(TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		assertThat(BC.unwrittenAlert(new SSLException("plain"))).isNull();
	}

}
