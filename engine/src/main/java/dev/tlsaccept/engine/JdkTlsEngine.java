package dev.tlsaccept.engine;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * The {@code jdk} engine: the JDK's own {@code SSLEngine} (SunJSSE). The default.
 */
public final class JdkTlsEngine implements TlsEngine {

	/** The engine name. */
	public static final String NAME = "jdk";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public TlsEngineContext createContext(TlsConfig config) throws GeneralSecurityException {
		Provider sunJsse = Security.getProvider("SunJSSE");
		if (sunJsse == null) {
			throw new GeneralSecurityException("The SunJSSE provider is not installed in this JVM");
		}
		return new Context(config, sunJsse);
	}

	private static final class Context extends JsseEngineContext {

		Context(TlsConfig config, Provider provider) throws GeneralSecurityException {
			super(config, provider, null, "PKIX");
		}

		/**
		 * SunJSSE does not expose the alert it sends; in TLS 1.3 it is encrypted, so infer it from
		 * the diagnostics SunJSSE attaches to the alerts it raises.
		 */
		@Override
		public @Nullable TlsAlert sentAlert(SSLException failure, @Nullable String protocol) {
			String message = String.valueOf(failure.getMessage());
			if (message.startsWith("Received fatal alert")) {
				return null;
			}
			if (message.contains("Empty client certificate chain") || message.contains("Empty server certificate chain")) {
				return TlsAlert.fatal("TLSv1.2".equals(protocol) ? "bad_certificate" : "certificate_required",
						TlsAlert.Direction.SENT);
			}
			if (FailureClassifier.isCertificateFailure(failure)) {
				return TlsAlert.fatal("certificate_unknown", TlsAlert.Direction.SENT);
			}
			return null;
		}

	}

}
