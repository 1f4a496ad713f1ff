package dev.tlsaccept.engine;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

		private static final Pattern ALERT_PREFIX = Pattern.compile("\\(([a-z_]+)\\) ");

		Context(TlsConfig config, Provider provider) throws GeneralSecurityException {
			// the key and chain held as objects: no PBKDF2 per handshake (see InMemoryKeyManager)
			super(config, provider, null);
		}

		/**
		 * SunJSSE does not expose the alert it sends, and in TLS 1.3 it is encrypted. Since JDK 21
		 * its messages start with the alert name, {@code (certificate_required) ...}; before, infer
		 * the alert from the diagnostics SunJSSE 17 attaches to the alerts it raises, then from
		 * {@link SunJsseAlerts}.
		 */
		@Override
		public @Nullable TlsAlert sentAlert(SSLException failure, @Nullable String protocol) {
			String message = String.valueOf(failure.getMessage());
			Matcher prefixed = ALERT_PREFIX.matcher(message);
			if (prefixed.lookingAt()) {
				return TlsAlert.fatal(prefixed.group(1), TlsAlert.Direction.SENT);
			}
			if (message.contains("Received fatal alert")) {
				return null;
			}
			if (message.contains("Empty client certificate chain")) {
				return TlsAlert.fatal("bad_certificate", TlsAlert.Direction.SENT);
			}
			if (FailureClassifier.isCertificateFailure(failure)) {
				return TlsAlert.fatal("certificate_unknown", TlsAlert.Direction.SENT);
			}
			return SunJsseAlerts.duringHandshake(failure);
		}

	}

}
