package dev.tlsaccept.engine;

import java.net.URL;
import java.net.URLClassLoader;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import io.netty.handler.ssl.OpenSsl;
import io.netty.util.ReferenceCounted;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code openssl} engine: availability, reference-counted engines released once,
 * alerts and reasons from BoringSSL's error strings.
 */
class OpenSslEngineTests {

	@Test
	void engineIsAvailableWithNettyTcnativeOnTheClassPath() {
		assertThat(OpenSsl.isAvailable()).as("%s", OpenSsl.unavailabilityCause()).isTrue();
		assertThat(new OpenSslTlsEngine().unavailabilityReason()).isNull();
		assertThat(OpenSslTlsEngine.MISSING_DEPENDENCIES).contains("io.netty:netty-handler")
			.contains("io.netty:netty-tcnative-boringssl-static");
	}

	@Test
	void engineLoadsWithoutNettyAndSaysWhichDependenciesToAdd() throws Exception {
		URL engineClasses = OpenSslTlsEngine.class.getProtectionDomain().getCodeSource().getLocation();
		URL jspecify = NullMarked.class.getProtectionDomain().getCodeSource().getLocation();
		URL bcprov = org.bouncycastle.jce.provider.BouncyCastleProvider.class.getProtectionDomain()
			.getCodeSource()
			.getLocation();
		URL bctls = org.bouncycastle.tls.TlsFatalAlert.class.getProtectionDomain().getCodeSource().getLocation();
		try (URLClassLoader withoutNetty = new URLClassLoader(new URL[] { engineClasses, jspecify, bcprov, bctls },
				ClassLoader.getPlatformClassLoader())) {
			Class<?> type = Class.forName(OpenSslTlsEngine.class.getName(), true, withoutNetty);
			Object engine = type.getConstructor().newInstance();
			assertThat(type.getMethod("unavailabilityReason").invoke(engine))
				.isEqualTo(OpenSslTlsEngine.MISSING_DEPENDENCIES);
			Class<?> engines = Class.forName(TlsEngines.class.getName(), true, withoutNetty);
			assertThat(String.valueOf(engines.getMethod("names").invoke(null))).contains("jdk").contains("openssl");
		}
	}

	@Test
	void releaseFreesTheNativeEngineExactlyOnce() throws Exception {
		TlsConfig config = TlsConfig.builder(EnginePairTests.KEY).engine(OpenSslTlsEngine.NAME).build();
		try (OpenSslEngineContext context = (OpenSslEngineContext) new OpenSslTlsEngine().createContext(config)) {
			SSLEngine engine = context.newEngine(null);
			ReferenceCounted native_ = (ReferenceCounted) ((ForwardingSslEngine) engine).delegate();
			assertThat(native_.refCnt()).isEqualTo(1);
			assertThat(context.liveEngines()).isEqualTo(1);
			context.release(engine);
			context.release(engine);
			assertThat(native_.refCnt()).isZero();
			assertThat(context.liveEngines()).isZero();
		}
	}

	@Test
	void acceptorReleasesTheEngineWhenClosedBeforeTheHandshake() throws Exception {
		TlsConfig config = TlsConfig.builder(EnginePairTests.KEY).engine(OpenSslTlsEngine.NAME).build();
		try (OpenSslEngineContext context = (OpenSslEngineContext) new OpenSslTlsEngine().createContext(config)) {
			TlsAcceptor acceptor = new TlsAcceptor(context, config, BioPair.create().engineSide(null));
			assertThat(context.liveEngines()).isEqualTo(1);
			acceptor.close();
			acceptor.close();
			assertThat(context.liveEngines()).isZero();
		}
	}

	@Test
	void sentAlertFollowsBoringSslReasons() {
		assertThat(BoringSslFailures.sentAlertNumber("ERROR:100000B8:SSL ROUTINES:OPENSSL_INTERNAL:NO_SHARED_CIPHER",
				null))
			.isEqualTo(40);
		assertThat(BoringSslFailures.sentAlertNumber("UNSUPPORTED_PROTOCOL", null)).isEqualTo(70);
		assertThat(BoringSslFailures.sentAlertNumber("PEER_DID_NOT_RETURN_A_CERTIFICATE", "TLSv1.3")).isEqualTo(116);
		assertThat(BoringSslFailures.sentAlertNumber("PEER_DID_NOT_RETURN_A_CERTIFICATE", "TLSv1.2")).isEqualTo(40);
		assertThat(BoringSslFailures.sentAlertNumber("ERROR:1E000065:CIPHER FUNCTIONS:OPENSSL_INTERNAL:BAD_DECRYPT",
				"TLSv1.2"))
			.isEqualTo(20);
		assertThat(BoringSslFailures.sentAlertNumber("DIGEST_CHECK_FAILED", "TLSv1.3")).isEqualTo(51);
		assertThat(BoringSslFailures.sentAlertNumber("DECODE_ERROR", null)).isEqualTo(50);
		assertThat(BoringSslFailures.sentAlertNumber("BAD_ALERT", "TLSv1.3")).as("an empty alert record").isEqualTo(50);
		assertThat(BoringSslFailures.sentAlertNumber("NO_RENEGOTIATION", "TLSv1.2")).isEqualTo(100);
		assertThat(BoringSslFailures.sentAlertNumber("SOMETHING_ELSE", null)).isEqualTo(-1);
	}

	@Test
	void boringSslMessagesAreClassifiedInOpenSslWords() {
		SSLException received = new SSLException(
				"error:10000410:SSL routines:OPENSSL_internal:SSLV3_ALERT_HANDSHAKE_FAILURE");
		assertThat(BoringSslFailures.INSTANCE.receivedAlert(received))
			.isEqualTo(TlsAlert.of(40, TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED));
		assertThat(reason(new SSLException("error:100000f3:SSL routines:OPENSSL_internal:WRONG_CURVE"), null))
			.isEqualTo("no shared cipher");
		assertThat(reason(
				new SSLException("error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"),
				null))
			.isEqualTo("peer did not return a certificate");
		assertThat(reason(new SSLException("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL"), null))
			.isEqualTo("unsupported protocol");
	}

	/**
	 * The reason the engine's translator gives a failure that is not a malformed hello.
	 */
	private static String reason(SSLException failure, @Nullable TlsAlert alert) {
		return BoringSslFailures.INSTANCE.translate(failure, alert, false).reason();
	}

}
