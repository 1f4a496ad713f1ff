package dev.tlsaccept.engine;

import java.security.cert.CertPathValidatorException;
import java.util.stream.Stream;

import javax.crypto.AEADBadTagException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SunJSSE's failures in OpenSSL's terms: what it threw in, the alert and reason out.
 */
class JdkFailuresTests {

	private static final FailureTranslator JDK = JdkFailures.INSTANCE;

	static Stream<Arguments> failures() {
		return Stream.of(Arguments.of(new SSLHandshakeException("no cipher suites in common"), 40, "no shared cipher"),
				Arguments.of(
						new SSLHandshakeException(
								"Client requested protocol TLSv1.1 is not enabled or supported in server context"),
						70, "unsupported protocol"),
				Arguments.of(
						new SSLHandshakeException("(protocol_version) The client supported protocol versions "
								+ "[TLSv1.1] are not accepted by server preferences [TLS13, TLS12]"),
						70, "unsupported protocol"),
				Arguments.of(new SSLHandshakeException("Empty client certificate chain"), 42,
						"peer did not return a certificate"),
				Arguments.of(new SSLHandshakeException("(certificate_required) Empty client certificate chain"), 116,
						"peer did not return a certificate"),
				Arguments.of(
						new SSLException("PKIX path validation failed",
								new CertPathValidatorException("signature check failed")),
						46, "certificate verify failed"),
				Arguments.of(new SSLException(new AEADBadTagException("Tag mismatch!")), 20, "bad record mac"),
				Arguments.of(new SSLHandshakeException("The Finished message cannot be verified."), 51,
						"decrypt error"),
				Arguments.of(new SSLException("Malformed or unexpected ChangeCipherSpec message"), 10,
						"unexpected message"),
				Arguments.of(new SSLHandshakeException("No supported signature algorithm for RSA key"), 80,
						"no suitable signature algorithm"),
				Arguments.of(
						new SSLHandshakeException("No supported CertificateVerify signature algorithm for EC  key"), 80,
						"no suitable signature algorithm"),
				Arguments.of(
						new SSLHandshakeException(
								"The size of the handshake message (70000) exceeds the maximum allowed size (32768)"),
						10, "excessive message size"),
				Arguments.of(new SSLException("Unsupported or unrecognized SSL message"), -1, "wrong version number"),
				Arguments.of(new SSLException("(record_overflow) Input record too big: max = 16709 len = 17000"), 22,
						"packet length too long"),
				Arguments.of(new SSLException("something SunJSSE never said"), -1, "something SunJSSE never said"));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void sunJsseFailureIsTranslatedToTheAlertItSentAndOpenSslsReason(SSLException failure, int alert, String reason) {
		TlsAlert sent = JDK.encryptedAlert(failure, "TLSv1.3");
		assertThat((sent != null) ? sent.number() : -1).as("alert").isEqualTo(alert);
		assertThat(JDK.translate(failure, sent, false))
			.isEqualTo(new Failure(SslError.SSL, sent, reason, failure.getMessage()));
	}

	@Test
	void receivedAlertIsReadFromSunJssesMessageAndNotReportedAsSent() {
		SSLException received = new SSLHandshakeException("Received fatal alert: unknown_ca");
		assertThat(JDK.receivedAlert(received))
			.isEqualTo(TlsAlert.of(48, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(JDK.encryptedAlert(received, "TLSv1.3")).isNull();
		assertThat(JDK.translate(received, JDK.receivedAlert(received), false).reason())
			.isEqualTo("tlsv1 alert unknown ca");
		assertThat(JDK.receivedAlert(new SSLException("no cipher suites in common"))).isNull();
	}

	@Test
	void unwrittenAlertIsTheOneSunJsseRaised() {
		assertThat(JDK.unwrittenAlert(new SSLHandshakeException("No supported signature algorithm for RSA key")))
			.isEqualTo(TlsAlert.of(80, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
	}

}
