package dev.tlsaccept.engine;

import java.security.GeneralSecurityException;

import org.jspecify.annotations.Nullable;

/**
 * The {@code openssl} engine: BoringSSL through Netty's OpenSSL {@code SSLEngine}
 * ({@code io.netty:netty-handler}, {@code io.netty:netty-tcnative-classes} and
 * {@code io.netty:netty-tcnative-boringssl-static}, optional dependencies the application
 * adds, or {@code tlsaccept-spring-boot-starter-openssl} brings). This class loads
 * without Netty; Netty's types are only touched after {@link #unavailabilityReason()}
 * found them.
 */
public final class OpenSslTlsEngine implements TlsEngine {

	/** The engine name. */
	public static final String NAME = "openssl";

	/** What to add when Netty or netty-tcnative is missing. */
	static final String MISSING_DEPENDENCIES = "add dev.tlsaccept:tlsaccept-spring-boot-starter-openssl "
			+ "(instead of tlsaccept-spring-boot-starter), or io.netty:netty-handler, io.netty:netty-tcnative-classes and "
			+ "io.netty:netty-tcnative-boringssl-static (2.0.84.Final, classifier of this platform, e.g. linux-x86_64), "
			+ "to use engine 'openssl'";

	private static final String[] REQUIRED_CLASSES = { "io.netty.handler.ssl.OpenSsl",
			"io.netty.internal.tcnative.SSL" };

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public @Nullable String unavailabilityReason() {
		if (!isPresent(OpenSslTlsEngine.class.getClassLoader())
				|| !isPresent(Thread.currentThread().getContextClassLoader())) {
			return MISSING_DEPENDENCIES;
		}
		return OpenSslEngineContext.unavailabilityReason();
	}

	/**
	 * Whether Netty and netty-tcnative are visible to a class loader (the application's,
	 * if any).
	 */
	private static boolean isPresent(@Nullable ClassLoader classLoader) {
		if (classLoader == null) {
			return true;
		}
		for (String required : REQUIRED_CLASSES) {
			try {
				Class.forName(required, false, classLoader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return false;
			}
		}
		return true;
	}

	@Override
	public TlsEngineContext createContext(TlsConfig config) throws GeneralSecurityException {
		String unavailable = unavailabilityReason();
		if (unavailable != null) {
			throw new IllegalStateException("TLS engine 'openssl' is not available: " + unavailable);
		}
		return new OpenSslEngineContext(config);
	}

}
