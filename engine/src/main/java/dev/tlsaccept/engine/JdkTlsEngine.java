package dev.tlsaccept.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

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

	/**
	 * Groups per engine through {@code SSLParameters.setNamedGroups}, which exists from
	 * JDK 20 on (called reflectively: this code is compiled for 17). Before, SunJSSE
	 * takes groups only from the JVM-wide system property {@code jdk.tls.namedGroups},
	 * read once: not per listener, so a listener with groups is refused rather than given
	 * what it did not ask for.
	 */
	static final class Groups implements JsseEngineContext.NamedGroupSupport {

		private static final @Nullable Method GET_NAMED_GROUPS = method("getNamedGroups");

		private static final @Nullable Method SET_NAMED_GROUPS = method("setNamedGroups", String[].class);

		private static @Nullable Method method(String name, Class<?>... parameters) {
			try {
				return SSLParameters.class.getMethod(name, parameters);
			}
			catch (NoSuchMethodException ex) {
				return null;
			}
		}

		@Override
		public List<String> supported(SSLContext context) {
			if (GET_NAMED_GROUPS == null || SET_NAMED_GROUPS == null) {
				throw new TlsConfigException(TlsConfigException.Setting.GROUPS,
						"Key-exchange groups per listener need JDK 20 or later on engine 'jdk' (SSLParameters"
								+ ".setNamedGroups), this is JDK " + Runtime.version()
								+ ": use engine 'bouncy-castle' or "
								+ "'openssl', or leave groups unset and set the JVM-wide system property jdk.tls.namedGroups");
			}
			String[] groups = (String[]) invoke(GET_NAMED_GROUPS, context.getSupportedSSLParameters());
			return (groups != null) ? List.of(groups) : List.of();
		}

		@Override
		public void configure(SSLParameters parameters, String[] groups) {
			invoke(SET_NAMED_GROUPS, parameters, (Object) groups);
		}

		private static @Nullable Object invoke(@Nullable Method method, Object target, Object... arguments) {
			try {
				return Objects.requireNonNull(method).invoke(target, arguments);
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				throw new TlsConfigException(TlsConfigException.Setting.GROUPS,
						"SunJSSE refused the key-exchange groups: " + ex, ex);
			}
		}

	}

	private static final class Context extends JsseEngineContext {

		Context(TlsConfig config, Provider provider) throws GeneralSecurityException {
			// the key and chain held as objects: no PBKDF2 per handshake (see
			// InMemoryKeyManager)
			super(config, provider, null, new Groups());
		}

		@Override
		String ticketKeysUnsupported() {
			return "it encrypts its stateless tickets with keys it makes for each SSLContext and rotates itself "
					+ "(jdk.tls.server.statelessKeyTimeout), with no API to supply them, so its tickets resume "
					+ "only on the listener (and the key material) that issued them";
		}

		@Override
		public FailureTranslator failures() {
			return JdkFailures.INSTANCE;
		}

	}

}
