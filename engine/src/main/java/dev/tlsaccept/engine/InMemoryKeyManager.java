package dev.tlsaccept.engine;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

import dev.tlsaccept.keys.KeyMaterial;
import org.jspecify.annotations.Nullable;

/**
 * A server key manager that holds its keys and chains as objects, and picks one per
 * handshake by the SNI host name the client asked for. The JDK's {@code PKIX} key manager
 * over a PKCS#12 store reads the key back from the store, running PBKDF2, on every
 * handshake: measured at about half of the {@code jdk} engine's CPU per handshake.
 */
final class InMemoryKeyManager extends X509ExtendedKeyManager {

	static final String DEFAULT_ALIAS = "tlsaccept";

	private static final String SNI_ALIAS_PREFIX = "sni:";

	private final Entry defaultEntry;

	/** Host pattern to entry, patterns as {@link ServerNames} normalizes them. */
	private final Map<String, Entry> byServerName = new LinkedHashMap<>();

	InMemoryKeyManager(KeyMaterial keyMaterial) {
		this(keyMaterial, Map.of());
	}

	InMemoryKeyManager(KeyMaterial keyMaterial, Map<String, KeyMaterial> byServerName) {
		this.defaultEntry = new Entry(keyMaterial);
		byServerName.forEach((pattern, material) -> this.byServerName.put(pattern, new Entry(material)));
	}

	private @Nullable String choose(@Nullable String keyType, @Nullable SSLSession handshake) {
		String requested = ServerNames.requested(handshake);
		if (requested != null) {
			String pattern = ServerNames.match(this.byServerName.keySet(), requested);
			if (pattern != null && this.byServerName.get(pattern).matches(keyType)) {
				return SNI_ALIAS_PREFIX + pattern;
			}
		}
		return this.defaultEntry.matches(keyType) ? DEFAULT_ALIAS : null;
	}

	private @Nullable Entry entry(@Nullable String alias) {
		if (DEFAULT_ALIAS.equals(alias)) {
			return this.defaultEntry;
		}
		if (alias != null && alias.startsWith(SNI_ALIAS_PREFIX)) {
			return this.byServerName.get(alias.substring(SNI_ALIAS_PREFIX.length()));
		}
		return null;
	}

	@Override
	public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
		return this.defaultEntry.matches(keyType) ? new String[] { DEFAULT_ALIAS } : null;
	}

	@Override
	public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
		return choose(keyType, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
	}

	@Override
	public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
			@Nullable SSLEngine engine) {
		return choose(keyType, (engine != null) ? engine.getHandshakeSession() : null);
	}

	@Override
	public X509Certificate @Nullable [] getCertificateChain(String alias) {
		Entry entry = entry(alias);
		return (entry != null) ? entry.chain.clone() : null;
	}

	@Override
	public @Nullable PrivateKey getPrivateKey(String alias) {
		Entry entry = entry(alias);
		return (entry != null) ? entry.privateKey : null;
	}

	@Override
	public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
		return null;
	}

	@Override
	public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers,
			@Nullable Socket socket) {
		return null;
	}

	private static final class Entry {

		private final PrivateKey privateKey;

		private final X509Certificate[] chain;

		private final String keyAlgorithm;

		Entry(KeyMaterial keyMaterial) {
			this.privateKey = keyMaterial.privateKey();
			this.chain = keyMaterial.certificateChain().toArray(X509Certificate[]::new);
			this.keyAlgorithm = normalize(this.chain[0].getPublicKey().getAlgorithm());
		}

		/**
		 * Whether the key can serve a key type the TLS implementation asks for:
		 * {@code EC}, {@code RSA}, {@code RSASSA-PSS}, {@code EdDSA}, or TLS 1.2's
		 * {@code EC_EC}/{@code EC_RSA} (key type, then the issuer's signature type).
		 */
		boolean matches(@Nullable String keyType) {
			if (keyType == null) {
				return false;
			}
			int underscore = keyType.indexOf('_');
			String type = normalize((underscore > 0) ? keyType.substring(0, underscore) : keyType);
			return type.equals(this.keyAlgorithm);
		}

		private static String normalize(String algorithm) {
			String upper = algorithm.toUpperCase(Locale.ROOT);
			return switch (upper) {
				case "ECDSA" -> "EC";
				case "ED25519", "ED448" -> "EDDSA";
				default -> upper;
			};
		}

	}

}
