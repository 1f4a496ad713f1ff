package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.jspecify.annotations.Nullable;

/**
 * The {@code bouncy-castle} engine: Bouncy Castle's JSSE provider (BCJSSE) over the
 * Bouncy Castle JCA provider. Both providers are private instances passed explicitly to
 * {@code SSLContext}, {@code KeyManagerFactory} and {@code TrustManagerFactory}: the
 * JVM's provider list and default {@code SSLContext} are never changed.
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
		BouncyCastleStartupWarnings.install();
		BouncyCastleProvider crypto = new BouncyCastleProvider();
		return new Context(config, new BouncyCastleJsseProvider(false, crypto), crypto);
	}

	/**
	 * Groups per engine through {@link BCSSLParameters#setNamedGroups(String[])};
	 * supported are the groups Bouncy Castle's TLS crypto implements (BCJSSE itself
	 * ignores names it does not know).
	 */
	static final class Groups implements JsseEngineContext.NamedGroupSupport {

		/**
		 * IANA codes of the groups a server may choose today (hybrids, RFC 8446, RFC
		 * 7919, ML-KEM), in the order the supported ones are listed.
		 */
		private static final int[] CANDIDATES = { NamedGroup.X25519MLKEM768, NamedGroup.SecP256r1MLKEM768,
				NamedGroup.SecP384r1MLKEM1024, NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1,
				NamedGroup.secp521r1, NamedGroup.x448, NamedGroup.brainpoolP256r1tls13, NamedGroup.brainpoolP384r1tls13,
				NamedGroup.brainpoolP512r1tls13, NamedGroup.brainpoolP256r1, NamedGroup.brainpoolP384r1,
				NamedGroup.brainpoolP512r1, NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096,
				NamedGroup.ffdhe6144, NamedGroup.ffdhe8192, NamedGroup.MLKEM512, NamedGroup.MLKEM768,
				NamedGroup.MLKEM1024 };

		private final BouncyCastleProvider crypto;

		Groups(BouncyCastleProvider crypto) {
			this.crypto = crypto;
		}

		@Override
		public List<String> supported(SSLContext context) {
			JcaTlsCrypto tlsCrypto = new JcaTlsCryptoProvider().setProvider(this.crypto).create(new SecureRandom());
			List<String> supported = new ArrayList<>();
			for (int code : CANDIDATES) {
				String name = NamedGroup.getName(code);
				boolean has = NamedGroup.refersToASpecificHybrid(code)
						? tlsCrypto.hasNamedGroup(NamedGroup.getHybridFirst(code))
								&& tlsCrypto.hasNamedGroup(NamedGroup.getHybridSecond(code))
						: tlsCrypto.hasNamedGroup(code);
				if (name != null && has) {
					supported.add(name);
				}
			}
			return supported;
		}

		@Override
		public void configure(SSLEngine engine, String[] groups) {
			BCSSLEngine bc = (BCSSLEngine) ((engine instanceof ForwardingSslEngine forwarding) ? forwarding.delegate()
					: engine);
			BCSSLParameters parameters = bc.getParameters();
			parameters.setNamedGroups(groups);
			// the configured order is the server's preference, as for BoringSSL
			parameters.setUseNamedGroupsOrder(true);
			bc.setParameters(parameters);
		}

	}

	private static final class Context extends JsseEngineContext {

		private final String provider;

		Context(TlsConfig config, BouncyCastleJsseProvider jsse, BouncyCastleProvider crypto)
				throws GeneralSecurityException {
			super(config, jsse, "PKIX", new Groups(crypto));
			// BCJSSE's own version is 1.0.x; the release users pin is the Bouncy Castle
			// one
			this.provider = jsse.getName() + " " + crypto.getVersionStr();
		}

		@Override
		String ticketKeysUnsupported() {
			return "its server issues no session tickets (it resumes TLS 1.2 sessions by session ID from a cache "
					+ "of its own, on the listener that made them)";
		}

		@Override
		public String provider() {
			return this.provider;
		}

		@Override
		public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
			return new BouncyCastleEngineAdapter(super.newEngine(peer));
		}

		@Override
		public FailureTranslator failures() {
			return BouncyCastleFailures.INSTANCE;
		}

		/**
		 * BCJSSE's server never renegotiates: it answers a ClientHello with a warning
		 * no_renegotiation.
		 */
		@Override
		public boolean refusesRenegotiationWithWarning() {
			return true;
		}

	}

}
