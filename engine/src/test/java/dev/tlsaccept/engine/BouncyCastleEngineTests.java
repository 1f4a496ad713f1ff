package dev.tlsaccept.engine;

import java.io.EOFException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code bouncy-castle} engine: private providers, exact alerts from BCJSSE's
 * exceptions.
 */
class BouncyCastleEngineTests {

	@Test
	void usingTheEngineLeavesJvmProvidersAndDefaultSslContextUnchanged() throws Exception {
		List<Provider> providersBefore = List.of(Security.getProviders());
		Provider defaultBefore = SSLContext.getDefault().getProvider();
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(BouncyCastleTlsEngine.NAME).build())) {
			BioPair pair = BioPair.create();
			AcceptResult result = PairHandshakeTests.drive(context.newPairAcceptor(pair, null), pair,
					EnginePairTests.client("TLSv1.3"));
			assertThat(result.code()).isEqualTo(1);
			assertThat(context.provider()).isEqualTo("BCJSSE 1.84");
		}
		assertThat(Security.getProviders()).containsExactlyElementsOf(providersBefore);
		assertThat(Security.getProvider("BCJSSE")).isNull();
		assertThat(SSLContext.getDefault().getProvider()).isSameAs(defaultBefore);
		assertThat(SSLContext.getDefault().getProvider().getName()).isEqualTo("SunJSSE");
	}

	@Test
	void bcfksKeyStoreServesHandshakesOnTheBouncyCastleEngine(@TempDir Path directory) throws Exception {
		char[] password = "bcfks-secret".toCharArray();
		KeyStore store = KeyStore.getInstance("BCFKS", new BouncyCastleProvider());
		store.load(null, null);
		store.setKeyEntry("server", EnginePairTests.KEY.privateKey(), password,
				EnginePairTests.KEY.certificateChain().toArray(new Certificate[0]));
		Path file = directory.resolve("server.bcfks");
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, password);
		}
		KeyMaterial key = KeyMaterials.fromKeyStore(file, "BCFKS", password, null, null);
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(key).engine(BouncyCastleTlsEngine.NAME).build())) {
			BioPair pair = BioPair.create();
			AcceptResult result = PairHandshakeTests.drive(context.newPairAcceptor(pair, null), pair,
					EnginePairTests.client("TLSv1.2"));
			assertThat(result.code()).isEqualTo(1);
			assertThat(result.protocol()).isEqualTo("TLSv1.2");
		}
		assertThat(Security.getProvider("BC")).isNull();
	}

	@Test
	void sentAlertIsReadFromTlsFatalAlertInTheCauseChain() {
		SSLException failure = new SSLHandshakeException("handshake failed");
		failure.initCause(new TlsFatalAlert(AlertDescription.certificate_required));
		TlsAlert alert = BouncyCastleFailures.raisedAlert(new SSLException(failure));
		assertThat(alert).isEqualTo(TlsAlert.of(116, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
	}

	@Test
	void receivedAlertIsReadFromTlsFatalAlertReceivedAndOtherFailuresSentInternalError() throws Exception {
		try (TlsEngineContext context = new BouncyCastleTlsEngine()
			.createContext(TlsConfig.builder(EnginePairTests.KEY).engine(BouncyCastleTlsEngine.NAME).build())) {
			SSLException received = new SSLException(new TlsFatalAlertReceived(AlertDescription.unknown_ca));
			assertThat(FailureTranslator.of(context).receivedAlert(received))
				.isEqualTo(TlsAlert.of(48, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
			assertThat(FailureTranslator.of(context).encryptedAlert(received, "TLSv1.3")).isNull();
			assertThat(FailureTranslator.of(context).encryptedAlert(new SSLException(new EOFException()), "TLSv1.3"))
				.as("TlsProtocol sends internal_error for what is not a TlsFatalAlert")
				.isEqualTo(TlsAlert.of(80, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
		}
	}

	@Test
	void receivedAlertIsNotReportedAsSent() {
		SSLException failure = new SSLException(new TlsFatalAlertReceived(AlertDescription.handshake_failure));
		assertThat(BouncyCastleFailures.raisedAlert(failure)).isNull();
		assertThat(BouncyCastleFailures.raisedAlert(new SSLException("plain"))).isNull();
	}

	@Test
	void bouncyCastleMessagesAreClassifiedInOpenSslWords() {
		assertThat(reason(new SSLException(new TlsFatalAlert(AlertDescription.protocol_version)), null))
			.isEqualTo("unsupported protocol");
		assertThat(reason(new SSLException(new TlsFatalAlert(AlertDescription.certificate_required)), null))
			.isEqualTo("peer did not return a certificate");
		assertThat(reason(
				new SSLException("handshake_failure(40); found no selectable cipher suite among the 2 offered"), null))
			.isEqualTo("no shared cipher");
		// a truncated message (tlsfuzzer's truncated TLS 1.3 Finished): BCJSSE sends
		// internal_error, OpenSSL's words are decode error
		assertThat(reason(new SSLException(new EOFException()),
				TlsAlert.of(80, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT)))
			.isEqualTo("decode error");
	}

	/**
	 * The reason the engine's translator gives a failure that is not a malformed hello.
	 */
	private static String reason(SSLException failure, @Nullable TlsAlert alert) {
		return BouncyCastleFailures.INSTANCE.translate(failure, alert, false).reason();
	}

}
