package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCounted;
import org.jspecify.annotations.Nullable;

/**
 * The {@code openssl} engine's context: a reference-counted Netty {@link SslContext} on
 * BoringSSL. The only class that names Netty types; {@link OpenSslTlsEngine} loads it
 * after checking that Netty is on the class path.
 */
final class OpenSslEngineContext implements TlsEngineContext, FailureTranslator.Source, InlineResumptions.Source {

	private static final Set<String> PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

	private final SslContext sslContext;

	private final List<String> protocols;

	private final List<String> cipherSuites;

	private final List<String> groups;

	private final AtomicLong liveEngines = new AtomicLong();

	/**
	 * BoringSSL stops at its certificate callback in every handshake, and Netty runs the
	 * rest of the server's flight in that delegated task: for a resumption, no signature,
	 * less than the two thread hand-offs cost.
	 */
	private final InlineResumptions inlineResumptions;

	OpenSslEngineContext(TlsConfig config) throws GeneralSecurityException {
		if (!config.serverNameKeyMaterial().isEmpty()) {
			throw new TlsConfigException(TlsConfigException.Setting.SERVER_NAMES,
					"Key material per server name (SNI) is not supported by engine "
							+ "'openssl': use engine 'jdk', or one certificate with every name in its SANs");
		}
		OpenSslSessionTicketKey[] ticketKeys = ticketKeys(config.sessionTicketKeys());
		this.inlineResumptions = new InlineResumptions(config.clock());
		this.protocols = protocols(config);
		this.cipherSuites = cipherSuites(config);
		this.groups = config.groups().isEmpty() ? List.of() : NamedGroups.select(config.groups(),
				List.copyOf(SupportedGroups.BORINGSSL_NAMES.keySet()), OpenSsl.versionString());
		X509Certificate[] chain = config.keyMaterial().certificateChain().toArray(X509Certificate[]::new);
		SslContextBuilder builder = SslContextBuilder.forServer(config.keyMaterial().privateKey(), chain)
			.sslProvider(SslProvider.OPENSSL_REFCNT)
			.protocols(this.protocols)
			.ciphers(this.cipherSuites, IdentityCipherSuiteFilter.INSTANCE)
			.clientAuth(clientAuth(config.clientAuth()));
		if (config.trustMaterial() != null) {
			TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
			trust.init(config.trustMaterial().toKeyStore());
			for (TrustManager manager : trust.getTrustManagers()) {
				if (manager instanceof X509ExtendedTrustManager x509) {
					builder.trustManager(new RefusedChainTrustManager(new OpenSslTrustManager(x509)));
				}
			}
		}
		if (!this.groups.isEmpty()) {
			builder.option(OpenSslContextOption.GROUPS,
					this.groups.stream().map(SupportedGroups.BORINGSSL_NAMES::get).toArray(String[]::new));
		}
		if (!config.applicationProtocols().isEmpty()) {
			builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
					ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
					ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, config.applicationProtocols()));
		}
		try {
			this.sslContext = builder.build();
		}
		catch (SSLException ex) {
			throw new GeneralSecurityException("BoringSSL refused the configuration: " + ex.getMessage(), ex);
		}
		if (ticketKeys.length > 0) {
			// also clears SSL_OP_NO_TICKET, which Netty sets: TLS 1.2 tickets too
			((OpenSslSessionContext) this.sslContext.sessionContext()).setTicketKeys(ticketKeys);
		}
	}

	/**
	 * BoringSSL's ticket keys, as Netty passes them: name, HMAC-SHA256 secret and AES-128
	 * key, 16 bytes each (the layout of nginx's 48-byte file). BoringSSL seals tickets
	 * with AES-128-CBC only; an 80-byte (AES-256) key would need a ticket callback that
	 * Netty does not expose, and cutting it down would only look compatible with nginx's
	 * AES-256 tickets: refused.
	 */
	private static OpenSslSessionTicketKey[] ticketKeys(List<SessionTicketKey> keys) {
		OpenSslSessionTicketKey[] ticketKeys = new OpenSslSessionTicketKey[keys.size()];
		for (int i = 0; i < ticketKeys.length; i++) {
			SessionTicketKey key = keys.get(i);
			if (key.length() != SessionTicketKey.AES_128_LENGTH) {
				throw new TlsConfigException(TlsConfigException.Setting.SESSION_TICKET_KEYS,
						"Session-ticket key " + (i + 1) + " has " + key.length() + " bytes: " + OpenSsl.versionString()
								+ " takes 48-byte keys only (AES-128 tickets): make one with "
								+ "'openssl rand 48 > ticket.key'");
			}
			ticketKeys[i] = new OpenSslSessionTicketKey(key.name(), key.hmacSecret(), key.aesKey());
		}
		return ticketKeys;
	}

	static @Nullable String unavailabilityReason() {
		if (OpenSsl.isAvailable()) {
			return null;
		}
		Throwable cause = OpenSsl.unavailabilityCause();
		return "the native library of netty-tcnative did not load (" + cause
				+ "): add io.netty:netty-tcnative-boringssl-static with this platform's classifier "
				+ "(tlsaccept-spring-boot-starter-openssl brings the one of the platform that built the application)";
	}

	private static List<String> protocols(TlsConfig config) {
		for (String protocol : config.protocols()) {
			if (!PROTOCOLS.contains(protocol)
					|| ("TLSv1.3".equals(protocol) && !SslProvider.isTlsv13Supported(SslProvider.OPENSSL_REFCNT))) {
				throw new TlsConfigException(TlsConfigException.Setting.PROTOCOLS, "Protocol '" + protocol
						+ "' is not supported by " + OpenSsl.versionString() + ": use one of TLSv1.3, TLSv1.2");
			}
		}
		return config.protocols();
	}

	private static List<String> cipherSuites(TlsConfig config) {
		List<String> suites = new ArrayList<>();
		for (String suite : config.cipherSuites()) {
			if (OpenSsl.availableJavaCipherSuites().contains(suite)) {
				suites.add(suite);
			}
			else if (config.cipherSuites() != TlsConfig.DEFAULT_CIPHER_SUITES) {
				throw new TlsConfigException(TlsConfigException.Setting.CIPHER_SUITES,
						"Cipher suite '" + suite + "' is not supported by " + OpenSsl.versionString()
								+ ": use IANA names such as TLS_AES_128_GCM_SHA256");
			}
		}
		return List.copyOf(suites);
	}

	private static io.netty.handler.ssl.ClientAuth clientAuth(ClientAuth clientAuth) {
		return switch (clientAuth) {
			case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
			case WANT -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
			case NEED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
		};
	}

	@Override
	public String provider() {
		return OpenSsl.versionString();
	}

	@Override
	public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
		SSLEngine engine = (peer != null)
				? this.sslContext.newEngine(ByteBufAllocator.DEFAULT, peer.getHostString(), peer.getPort())
				: this.sslContext.newEngine(ByteBufAllocator.DEFAULT);
		this.liveEngines.incrementAndGet();
		return new OpenSslEngineAdapter(engine);
	}

	@Override
	public void release(SSLEngine engine) {
		SSLEngine netty = (engine instanceof ForwardingSslEngine adapter) ? adapter.delegate() : engine;
		if (netty instanceof ReferenceCounted counted && counted.refCnt() > 0) {
			counted.release();
			this.liveEngines.decrementAndGet();
		}
	}

	/**
	 * Engines created and not yet released: their native {@code SSL} objects are still
	 * allocated.
	 * @return the number of live engines
	 */
	long liveEngines() {
		return this.liveEngines.get();
	}

	@Override
	public FailureTranslator failures() {
		return BoringSslFailures.INSTANCE;
	}

	@Override
	public InlineResumptions inlineResumptions() {
		return this.inlineResumptions;
	}

	@Override
	public List<String> enabledProtocols() {
		return this.protocols;
	}

	@Override
	public List<String> enabledCipherSuites() {
		return this.cipherSuites;
	}

	@Override
	public List<String> enabledGroups() {
		return this.groups;
	}

	/**
	 * The groups this BoringSSL build supports, by IANA name, each with the name
	 * BoringSSL's {@code SSL_CTX_set1_curves_list} takes: found once by asking a scratch
	 * native context to take each candidate alone.
	 */
	static final class SupportedGroups {

		private static final Map<String, String> CANDIDATES = candidates();

		static final Map<String, String> BORINGSSL_NAMES = probe();

		private SupportedGroups() {
		}

		private static Map<String, String> candidates() {
			Map<String, String> candidates = new LinkedHashMap<>();
			candidates.put("X25519MLKEM768", "X25519MLKEM768");
			candidates.put("x25519", "X25519");
			candidates.put("secp256r1", "P-256");
			candidates.put("secp384r1", "P-384");
			candidates.put("secp521r1", "P-521");
			candidates.put("secp224r1", "P-224");
			candidates.put("SecP256r1MLKEM768", "SecP256r1MLKEM768");
			candidates.put("SecP384r1MLKEM1024", "SecP384r1MLKEM1024");
			candidates.put("MLKEM1024", "MLKEM1024");
			candidates.put("X25519Kyber768Draft00", "X25519Kyber768Draft00");
			return candidates;
		}

		private static Map<String, String> probe() {
			Map<String, String> supported = new LinkedHashMap<>();
			if (!OpenSsl.isAvailable()) {
				return supported;
			}
			long context;
			try {
				context = io.netty.internal.tcnative.SSLContext
					.make(SSL.SSL_PROTOCOL_TLSV1_2 | SSL.SSL_PROTOCOL_TLSV1_3, SSL.SSL_MODE_SERVER);
			}
			catch (Exception ex) {
				return supported;
			}
			try {
				CANDIDATES.forEach((iana, boringSsl) -> {
					try {
						if (io.netty.internal.tcnative.SSLContext.setCurvesList(context, boringSsl)) {
							supported.put(iana, boringSsl);
						}
						else {
							// as Netty's own probe does: leave no error on this thread's
							// queue
							SSL.clearError();
						}
					}
					catch (RuntimeException ex) {
						// not supported
					}
				});
			}
			finally {
				io.netty.internal.tcnative.SSLContext.free(context);
			}
			return Collections.unmodifiableMap(supported);
		}

	}

	@Override
	public void close() {
		if (this.sslContext instanceof ReferenceCounted counted && counted.refCnt() > 0) {
			counted.release();
		}
	}

}
