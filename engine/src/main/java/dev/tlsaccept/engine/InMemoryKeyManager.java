package dev.tlsaccept.engine;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import dev.tlsaccept.keys.KeyMaterial;
import org.jspecify.annotations.Nullable;

/**
 * A server key manager that holds one key and its chain as objects. The JDK's {@code PKIX} key
 * manager over a PKCS#12 store reads the key back from the store, running PBKDF2, on every
 * handshake: measured at about half of the {@code jdk} engine's CPU per handshake.
 */
final class InMemoryKeyManager extends X509ExtendedKeyManager {

	static final String ALIAS = "tlsaccept";

	private final PrivateKey privateKey;

	private final X509Certificate[] chain;

	private final String keyAlgorithm;

	InMemoryKeyManager(KeyMaterial keyMaterial) {
		this.privateKey = keyMaterial.privateKey();
		this.chain = keyMaterial.certificateChain().toArray(X509Certificate[]::new);
		this.keyAlgorithm = normalize(this.chain[0].getPublicKey().getAlgorithm());
	}

	/**
	 * Whether the key can serve a key type the TLS implementation asks for: {@code EC},
	 * {@code RSA}, {@code RSASSA-PSS}, {@code EdDSA}, or TLS 1.2's {@code EC_EC}/{@code EC_RSA}
	 * (key type, then the issuer's signature type).
	 */
	private boolean matches(@Nullable String keyType) {
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

	@Override
	public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
		return matches(keyType) ? new String[] { ALIAS } : null;
	}

	@Override
	public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
		return matches(keyType) ? ALIAS : null;
	}

	@Override
	public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
			@Nullable SSLEngine engine) {
		return matches(keyType) ? ALIAS : null;
	}

	@Override
	public X509Certificate @Nullable [] getCertificateChain(String alias) {
		return ALIAS.equals(alias) ? this.chain.clone() : null;
	}

	@Override
	public @Nullable PrivateKey getPrivateKey(String alias) {
		return ALIAS.equals(alias) ? this.privateKey : null;
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

}
