package dev.tlsaccept.engine;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateExpiredException;
import java.util.stream.Stream;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine-independent failures: transport, tlsaccept's own refusals, received alerts,
 * and the cases every translator shares.
 */
class FailuresTests {

	static Stream<Arguments> transportFailures() {
		return Stream.of(Arguments.of(new SocketTimeoutException("Read timed out"), "handshake timed out", null),
				Arguments.of(new EOFException(), "unexpected eof while reading", null),
				Arguments.of(new IOException("Connection reset by peer"), "connection reset by peer",
						"Connection reset by peer"),
				Arguments.of(new IOException("Broken pipe"), "broken pipe", "Broken pipe"),
				Arguments.of(new IOException("No route to host"), "No route to host", "No route to host"));
	}

	@ParameterizedTest
	@MethodSource("transportFailures")
	void transportFailuresAreSyscallInOpenSslWords(IOException failure, String reason, String engineMessage) {
		assertThat(Failures.io(failure))
			.isEqualTo(new Failure(SslError.SYSCALL, null, reason, (engineMessage != null) ? engineMessage : null));
	}

	@Test
	void closeNotifyDuringTheHandshakeIsZeroReturnAndAnyOtherAlertAProtocolFailure() {
		TlsAlert closeNotify = TlsAlert.of(0, TlsAlert.Level.WARNING, TlsAlert.Direction.RECEIVED);
		assertThat(Failures.receivedDuringHandshake(null)).isEqualTo(Failures.receivedDuringHandshake(closeNotify))
			.isEqualTo(new Failure(SslError.ZERO_RETURN, closeNotify, "peer sent close_notify during the handshake",
					null));
		TlsAlert unknownCa = TlsAlert.of(48, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED);
		assertThat(Failures.receivedDuringHandshake(unknownCa))
			.isEqualTo(new Failure(SslError.SSL, unknownCa, "tlsv1 alert unknown ca", null));
	}

	@Test
	void tlsacceptsOwnRefusalsCarryTheAlertTheyWrite() {
		assertThat(Failures.malformedHello().alert().number()).isEqualTo(50);
		assertThat(Failures.malformedHello().reason()).isEqualTo("decode error");
		assertThat(Failures.oversizedRecord().alert().number()).isEqualTo(22);
		assertThat(Failures.oversizedRecord().reason()).isEqualTo("packet length too long");
		assertThat(Failures.httpRequest().alert()).isNull();
		assertThat(Failures.httpsProxyRequest().reason()).isEqualTo("https proxy request");
		assertThat(Failures.timedOut()).isEqualTo(new Failure(SslError.SYSCALL, null, "handshake timed out", null));
		assertThat(Failures.eof().reason()).isEqualTo("unexpected eof while reading");
	}

	@Test
	void noSharedGroupIsNoSuitableKeyShareOnTls13AndNoSharedCipherBefore() {
		Failure engine = new Failure(SslError.SSL, TlsAlert.of(40, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT),
				"handshake failure", "whatever");
		assertThat(Failures.noSharedGroup(engine, true)).isEqualTo(engine.withReason("no suitable key share"));
		assertThat(Failures.noSharedGroup(engine, false).reason()).isEqualTo("no shared cipher");
	}

	static Stream<Arguments> sharedTranslations() {
		TlsAlert sentDecodeError = TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
		TlsAlert sentInternalError = TlsAlert.of(80, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
		TlsAlert receivedBadCertificate = TlsAlert.of(42, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED);
		return Stream.of(Arguments.of(null, true, "decode error"),
				Arguments.of(sentInternalError, true, "decode error"),
				Arguments.of(receivedBadCertificate, true, "sslv3 alert bad certificate"),
				Arguments.of(receivedBadCertificate, false, "sslv3 alert bad certificate"),
				Arguments.of(sentDecodeError, false, "decode error"),
				Arguments.of(sentInternalError, false, "internal error"), Arguments.of(null, false, "engine said so"));
	}

	@ParameterizedTest
	@MethodSource("sharedTranslations")
	void everyTranslatorNamesMalformedHellosAndReceivedAlertsTheSameWay(TlsAlert alert, boolean malformedHello,
			String reason) {
		SSLException failure = new SSLException("engine said so");
		for (FailureTranslator translator : new FailureTranslator[] { Failures.GENERIC, JdkFailures.INSTANCE,
				BouncyCastleFailures.INSTANCE, BoringSslFailures.INSTANCE }) {
			assertThat(translator.translate(failure, alert, malformedHello))
				.as("%s", translator.getClass().getSimpleName())
				.isEqualTo(new Failure(SslError.SSL, alert, reason, "engine said so"));
		}
	}

	@Test
	void genericTranslatorKnowsCertificateFailuresAndNoEngineText() {
		SSLException expired = new SSLException("refused", new CertificateExpiredException("NotAfter: ..."));
		assertThat(Failures.GENERIC.translate(expired, null, false).reason()).isEqualTo("certificate verify failed");
		assertThat(Failures.GENERIC.receivedAlert(new SSLException("Received fatal alert: unknown_ca"))).isNull();
		assertThat(Failures.GENERIC.encryptedAlert(expired, "TLSv1.3")).isNull();
	}

}
