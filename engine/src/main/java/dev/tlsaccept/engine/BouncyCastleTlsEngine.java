package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.jspecify.annotations.Nullable;

/**
 * The {@code bouncy-castle} engine: Bouncy Castle's JSSE provider (BCJSSE) over the Bouncy Castle
 * JCA provider. Both providers are private instances passed explicitly to {@code SSLContext},
 * {@code KeyManagerFactory} and {@code TrustManagerFactory}: the JVM's provider list and default
 * {@code SSLContext} are never changed.
 */
public final class BouncyCastleTlsEngine implements TlsEngine {

	/** The engine name. */
	public static final String NAME = "bouncy-castle";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public TlsEngineContext createContext(TlsConfig config) throws GeneralSecurityException {
		BouncyCastleProvider crypto = new BouncyCastleProvider();
		return new Context(config, new BouncyCastleJsseProvider(false, crypto), crypto);
	}

	/**
	 * The alert Bouncy Castle raised: {@link TlsFatalAlert} carries its exact description in the
	 * cause chain of BCJSSE's exceptions, also for TLS 1.3 alerts that are encrypted on the wire.
	 * @param failure the engine's exception
	 * @return the alert sent, or {@code null} when BCJSSE received one or did not say
	 */
	static @Nullable TlsAlert sentAlert(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TlsFatalAlertReceived) {
				return null;
			}
			if (cause instanceof TlsFatalAlert alert) {
				return TlsAlert.of(alert.getAlertDescription(), TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	private static final class Context extends JsseEngineContext {

		private final String provider;

		Context(TlsConfig config, BouncyCastleJsseProvider jsse, BouncyCastleProvider crypto)
				throws GeneralSecurityException {
			super(config, jsse, "PKIX");
			// BCJSSE's own version is 1.0.x; the release users pin is the Bouncy Castle one
			this.provider = jsse.getName() + " " + crypto.getVersionStr();
		}

		@Override
		public String provider() {
			return this.provider;
		}

		@Override
		public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
			return new BouncyCastleEngineAdapter(super.newEngine(peer));
		}

		/**
		 * Bouncy Castle's own alert, or internal_error: what {@code TlsProtocol} sends for any
		 * failure that is not a {@link TlsFatalAlert} (a truncated message's {@code EOFException}).
		 */
		@Override
		public @Nullable TlsAlert sentAlert(SSLException failure, @Nullable String protocol) {
			TlsAlert alert = BouncyCastleTlsEngine.sentAlert(failure);
			if (alert == null && receivedAlert(failure) == null) {
				return TlsAlert.of(80, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
			}
			return alert;
		}

		@Override
		public @Nullable TlsAlert receivedAlert(SSLException failure) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof TlsFatalAlertReceived received) {
					return TlsAlert.of(received.getAlertDescription(), TlsAlert.Level.FATAL, TlsAlert.Direction.RECEIVED);
				}
				if (cause.getCause() == cause) {
					break;
				}
			}
			return FailureClassifier.receivedAlert(failure);
		}

		/** BCJSSE's server never renegotiates: it answers a ClientHello with a warning no_renegotiation. */
		@Override
		public boolean refusesRenegotiationWithWarning() {
			return true;
		}

		/** BCJSSE raises an alert for a ClientHello it cannot read, but never writes it. */
		@Override
		public @Nullable TlsAlert unwrittenAlert(SSLException failure) {
			return BouncyCastleTlsEngine.sentAlert(failure);
		}

	}

}
