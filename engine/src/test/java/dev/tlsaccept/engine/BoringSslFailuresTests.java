package dev.tlsaccept.engine;

import java.util.stream.Stream;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BoringSSL's failures in OpenSSL's terms, from the reason codes Netty passes on as text.
 */
class BoringSslFailuresTests {

	private static final FailureTranslator BORINGSSL = BoringSslFailures.INSTANCE;

	private static SSLException boringSsl(String code) {
		return new SSLHandshakeException("error:10000000:SSL routines:OPENSSL_internal:" + code);
	}

	static Stream<Arguments> failures() {
		return Stream.of(Arguments.of(boringSsl("NO_SHARED_CIPHER"), "TLSv1.3", 40, "no shared cipher"),
				Arguments.of(boringSsl("WRONG_CURVE"), "TLSv1.2", 40, "no shared cipher"),
				Arguments.of(boringSsl("UNSUPPORTED_PROTOCOL"), null, 70, "unsupported protocol"),
				Arguments.of(boringSsl("PEER_DID_NOT_RETURN_A_CERTIFICATE"), "TLSv1.3", 116,
						"peer did not return a certificate"),
				Arguments.of(boringSsl("PEER_DID_NOT_RETURN_A_CERTIFICATE"), "TLSv1.2", 40,
						"peer did not return a certificate"),
				Arguments.of(boringSsl("DECRYPTION_FAILED_OR_BAD_RECORD_MAC"), "TLSv1.2", 20, "bad record mac"),
				Arguments.of(new SSLException("error:1e000065:Cipher functions:OPENSSL_internal:BAD_DECRYPT"),
						"TLSv1.3", 20, "bad record mac"),
				Arguments.of(boringSsl("DIGEST_CHECK_FAILED"), "TLSv1.3", 51, "decrypt error"),
				Arguments.of(boringSsl("BAD_SIGNATURE"), "TLSv1.3", 51, "decrypt error"),
				Arguments.of(boringSsl("UNEXPECTED_MESSAGE"), "TLSv1.3", 10, "unexpected message"),
				Arguments.of(boringSsl("NO_RENEGOTIATION"), "TLSv1.2", 100, "no renegotiation"),
				Arguments.of(boringSsl("EXCESSIVE_MESSAGE_SIZE"), "TLSv1.3", 47, "excessive message size"),
				Arguments.of(boringSsl("DATA_LENGTH_TOO_LONG"), "TLSv1.3", 22, "data length too long"),
				Arguments.of(boringSsl("ENCRYPTED_LENGTH_TOO_LONG"), "TLSv1.3", 22, "encrypted length too long"),
				Arguments.of(boringSsl("DECODE_ERROR"), null, 50, "decode error"),
				Arguments.of(boringSsl("BAD_ALERT"), "TLSv1.3", 50, "decode error"),
				Arguments.of(boringSsl("NO_COMMON_SIGNATURE_ALGORITHMS"), "TLSv1.3", -1,
						"no suitable signature algorithm"),
				Arguments.of(boringSsl("WRONG_VERSION_NUMBER"), null, -1, "wrong version number"),
				Arguments.of(boringSsl("CERTIFICATE_VERIFY_FAILED"), "TLSv1.3", -1, "certificate verify failed"));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void boringSslReasonCodeIsTranslatedToTheAlertItSendsAndOpenSslsReason(SSLException failure, String protocol,
			int alert, String reason) {
		TlsAlert sent = BORINGSSL.encryptedAlert(failure, protocol);
		assertThat((sent != null) ? sent.number() : -1).as("alert").isEqualTo(alert);
		assertThat(BORINGSSL.translate(failure, sent, false))
			.isEqualTo(new Failure(SslError.SSL, sent, reason, failure.getMessage()));
	}

	@Test
	void receivedAlertIsReadFromBoringSslsAlertReasonCode() {
		assertThat(BORINGSSL.receivedAlert(boringSsl("SSLV3_ALERT_HANDSHAKE_FAILURE")))
			.isEqualTo(TlsAlert.of(40, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(BORINGSSL.receivedAlert(boringSsl("TLSV13_ALERT_CERTIFICATE_REQUIRED")))
			.isEqualTo(TlsAlert.of(116, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(BORINGSSL.receivedAlert(boringSsl("TLSV1_ALERT_NOT_AN_ALERT_NAME"))).isNull();
		assertThat(BORINGSSL.receivedAlert(boringSsl("NO_SHARED_CIPHER"))).isNull();
	}

	@Test
	void boringSslWritesEveryAlertItselfSoNoneIsSentOnItsBehalf() {
		assertThat(BORINGSSL.unwrittenAlert(boringSsl("DECODE_ERROR"))).isNull();
	}

}
