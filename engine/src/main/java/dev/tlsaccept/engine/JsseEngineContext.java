package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsEngineContext} over a JSSE provider's {@link SSLContext}: shared by the
 * engines that are JSSE providers (SunJSSE, BCJSSE). Providers are passed explicitly,
 * never registered.
 */
abstract class JsseEngineContext implements TlsEngineContext, FailureTranslator.Source {

	private static final char[] IN_MEMORY_PASSWORD = "tlsaccept".toCharArray();

	private final SSLContext sslContext;

	private final SSLParameters parameters;

	private final String provider;

	private final NamedGroupSupport groupSupport;

	/** The configured groups, in the provider's spelling; empty for its defaults. */
	private final String[] groups;

	JsseEngineContext(TlsConfig config, Provider jsseProvider, @Nullable String keyManagerAlgorithm,
			NamedGroupSupport groupSupport) throws GeneralSecurityException {
		this.groupSupport = groupSupport;
		if (!config.sessionTicketKeys().isEmpty()) {
			throw new TlsConfigException(TlsConfigException.Setting.SESSION_TICKET_KEYS,
					"Session-ticket keys cannot be given to " + jsseProvider.getName() + " (engine '" + config.engine()
							+ "'): " + ticketKeysUnsupported()
							+ "; use engine 'openssl' to share tickets between instances");
		}
		this.sslContext = SSLContext.getInstance("TLS", jsseProvider);
		KeyManager[] keyManagers;
		if (keyManagerAlgorithm == null) {
			keyManagers = new KeyManager[] {
					new InMemoryKeyManager(config.keyMaterial(), config.serverNameKeyMaterial()) };
		}
		else {
			if (!config.serverNameKeyMaterial().isEmpty()) {
				throw new TlsConfigException(TlsConfigException.Setting.SERVER_NAMES,
						"Key material per server name (SNI) is not supported by " + jsseProvider.getName()
								+ ": use engine 'jdk', or one certificate with every name in its SANs");
			}
			KeyManagerFactory factory = KeyManagerFactory.getInstance(keyManagerAlgorithm, jsseProvider);
			factory.init(config.keyMaterial().toKeyStore(IN_MEMORY_PASSWORD), IN_MEMORY_PASSWORD);
			keyManagers = factory.getKeyManagers();
		}
		TrustManager[] trustManagers = null;
		if (config.trustMaterial() != null) {
			TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX", jsseProvider);
			KeyStore trustStore = config.trustMaterial().toKeyStore();
			factory.init(trustStore);
			trustManagers = factory.getTrustManagers();
			for (int i = 0; i < trustManagers.length; i++) {
				if (trustManagers[i] instanceof X509ExtendedTrustManager x509) {
					trustManagers[i] = new RefusedChainTrustManager(x509);
				}
			}
		}
		this.sslContext.init(keyManagers, trustManagers, new SecureRandom());
		this.parameters = parameters(config, this.sslContext.getSupportedSSLParameters(), jsseProvider.getName());
		this.provider = jsseProvider.getName() + " " + jsseProvider.getVersionStr();
		this.groups = config.groups().isEmpty() ? new String[0]
				: NamedGroups.select(config.groups(), groupSupport.supported(this.sslContext), jsseProvider.getName())
					.toArray(String[]::new);
		if (this.groups.length > 0) {
			groupSupport.configure(this.parameters, this.groups);
		}
	}

	/**
	 * Why the provider takes no session-ticket keys, and what it does instead.
	 * @return the reason, for the error message
	 */
	abstract String ticketKeysUnsupported();

	private static SSLParameters parameters(TlsConfig config, SSLParameters supported, String engineName) {
		List<String> supportedProtocols = Arrays.asList(supported.getProtocols());
		for (String protocol : config.protocols()) {
			if (!supportedProtocols.contains(protocol)) {
				throw new TlsConfigException(TlsConfigException.Setting.PROTOCOLS,
						"Protocol '" + protocol + "' is not supported by " + engineName + ": use one of "
								+ String.join(", ", supportedProtocols));
			}
		}
		List<String> supportedSuites = Arrays.asList(supported.getCipherSuites());
		List<String> suites = new ArrayList<>();
		for (String suite : config.cipherSuites()) {
			if (supportedSuites.contains(suite)) {
				suites.add(suite);
			}
			else if (config.cipherSuites() != TlsConfig.DEFAULT_CIPHER_SUITES) {
				throw new TlsConfigException(TlsConfigException.Setting.CIPHER_SUITES, "Cipher suite '" + suite
						+ "' is not supported by " + engineName + ": use IANA names such as TLS_AES_128_GCM_SHA256");
			}
		}
		SSLParameters parameters = new SSLParameters(suites.toArray(String[]::new),
				config.protocols().toArray(String[]::new));
		parameters.setUseCipherSuitesOrder(true);
		parameters.setNeedClientAuth(config.clientAuth() == ClientAuth.NEED);
		if (config.clientAuth() == ClientAuth.WANT) {
			parameters.setWantClientAuth(true);
		}
		if (!config.applicationProtocols().isEmpty()) {
			parameters.setApplicationProtocols(config.applicationProtocols().toArray(String[]::new));
		}
		if (config.rejectUnknownServerNames()) {
			parameters.setSNIMatchers(ServerNames.knownNamesOnly(config.serverNameKeyMaterial().keySet()));
		}
		return parameters;
	}

	@Override
	public String provider() {
		return this.provider;
	}

	@Override
	public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
		SSLEngine engine = (peer != null) ? this.sslContext.createSSLEngine(peer.getHostString(), peer.getPort())
				: this.sslContext.createSSLEngine();
		engine.setUseClientMode(false);
		engine.setSSLParameters(this.parameters);
		if (this.groups.length > 0) {
			this.groupSupport.configure(engine, this.groups);
		}
		return engine;
	}

	@Override
	public List<String> enabledProtocols() {
		return List.of(this.parameters.getProtocols());
	}

	@Override
	public List<String> enabledCipherSuites() {
		return List.of(this.parameters.getCipherSuites());
	}

	@Override
	public List<String> enabledGroups() {
		return List.of(this.groups);
	}

	/**
	 * How a JSSE provider takes key-exchange groups per engine: {@code SSLParameters} has
	 * no groups before JDK 20, so each provider says where they go.
	 */
	interface NamedGroupSupport {

		/**
		 * The groups the provider can use, by IANA name.
		 * @param context the provider's initialized context
		 * @return the group names
		 * @throws TlsConfigException with {@link TlsConfigException.Setting#GROUPS} when
		 * the provider cannot take groups per engine in this JVM
		 */
		List<String> supported(SSLContext context);

		/**
		 * Put the groups into the parameters every engine gets.
		 * @param parameters the parameters
		 * @param groups the groups, from {@link #supported}
		 */
		default void configure(SSLParameters parameters, String[] groups) {
		}

		/**
		 * Put the groups into a new engine, after its parameters were set.
		 * @param engine the engine
		 * @param groups the groups, from {@link #supported}
		 */
		default void configure(SSLEngine engine, String[] groups) {
		}

	}

}
