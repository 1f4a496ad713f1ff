package dev.tlsaccept.autoconfigure;

import java.security.PublicKey;
import java.security.Security;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tlsaccept.autoconfigure.TlsAcceptProperties.Listener;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Checks, before a listener serves anyone, that its protocols, cipher suites and key can
 * make a handshake: a computed check of what the engine enabled, for the default key and
 * every certificate per server name (SNI). An engine accepts such settings without a word
 * and then fails every handshake ("No appropriate protocol", "no cipher suites in
 * common").
 *
 * <ul>
 * <li>A protocol the engine refuses to negotiate (below its floor: {@code TLSv1} and
 * {@code TLSv1.1} are in the JDK's {@code jdk.tls.disabledAlgorithms}, which the
 * {@code jdk} and {@code bouncy-castle} engines honour) fails startup.
 * <li>No enabled protocol with an enabled suite that the key can use fails startup: TLS
 * 1.3 suites ({@code TLS_AES_*}, {@code TLS_CHACHA20_*}) serve TLS 1.3 only and any RSA,
 * EC or EdDSA key; a TLS 1.2 suite names the key it needs ({@code _ECDSA_} an EC or EdDSA
 * key, {@code _RSA_} an RSA key) and serves no TLS 1.3; an AEAD or SHA-2 suite serves TLS
 * 1.2 only.
 * <li>An enabled protocol that no enabled suite serves with the key, while another
 * protocol works, is logged as a warning.
 * <li>The {@code openssl} engine, given no TLS 1.2 suite, negotiates TLS 1.2 with
 * BoringSSL's own default suites (measured by {@code ListenerTlsCheckHandshakeTests});
 * such a protocol counts as served, with a warning that the listed suites are not what
 * TLS 1.2 clients get.
 * </ul>
 * A suite whose name follows none of these patterns counts as usable: the check refuses
 * only what it can prove cannot work.
 */
final class ListenerTlsCheck {

	private static final Log logger = LogFactory.getLog(ListenerTlsCheck.class);

	private ListenerTlsCheck() {
	}

	/**
	 * Check the protocols, suites and keys of a listener's context.
	 * @param name the listener name
	 * @param listener the listener's properties
	 * @param keys the listener's key material
	 * @param context the context built from them
	 * @throws TlsListenerStartupException when no handshake could succeed, or a protocol
	 * never can
	 */
	static void check(String name, Listener listener, ListenerKeyMaterial keys, TlsServerContext context) {
		String engine = context.engineName();
		List<String> protocols = context.enabledProtocols();
		List<String> suites = context.enabledCipherSuites();
		String protocolsProperty = TlsAcceptProperties.propertyName(name, "protocols");
		String suitesProperty = TlsAcceptProperties.propertyName(name, "cipher-suites");
		List<String> refused = refusedProtocols(engine, protocols);
		if (!refused.isEmpty()) {
			throw new TlsListenerStartupException(name, protocolsProperty,
					"TLS listener '" + name + "' enables " + String.join(", ", refused) + ", which engine '" + engine
							+ "' refuses to negotiate (jdk.tls.disabledAlgorithms): every handshake at "
							+ ((refused.size() == 1) ? "that version" : "those versions") + " would fail. Protocols "
							+ source(listener.getProtocols() != null, protocolsProperty, keys.protocols() != null)
							+ ".",
					"Set " + protocolsProperty + " to [TLSv1.3, TLSv1.2] (or remove it for that default). Old clients"
							+ " that need " + String.join(", ", refused)
							+ " also need jdk.tls.disabledAlgorithms changed in"
							+ " the JDK's java.security, which is not recommended.",
					null);
		}
		Map<String, KeyMaterial> allKeys = new LinkedHashMap<>();
		allKeys.put(" (from " + keySource(name, listener, keys) + ")", keys.key());
		context.config()
			.serverNameKeyMaterial()
			.forEach((host, key) -> allKeys.put(" for server name '" + host + "' (from " + key.source() + ", "
					+ TlsAcceptProperties.propertyName(name, "sni.bundles[" + host + "]") + ")", key));
		boolean engineDefaultsForTls12 = "openssl".equals(engine)
				&& suites.stream().noneMatch((suite) -> suite.toUpperCase(Locale.ROOT).contains("_WITH_"));
		if (engineDefaultsForTls12 && protocols.stream().anyMatch((protocol) -> !"TLSv1.3".equals(protocol))) {
			logger.warn("TLS listener '" + name + "' enables " + String.join(", ", protocols) + " on engine 'openssl'"
					+ " but " + suitesProperty
					+ " names no TLS 1.2 suite: BoringSSL then negotiates TLS 1.2 with its own"
					+ " default suites. Add the TLS 1.2 suites you want to " + suitesProperty + ", or set "
					+ protocolsProperty + " to [TLSv1.3].");
		}
		allKeys.forEach((source, key) -> checkKey(name, listener, keys, source, key, protocols, suites,
				engineDefaultsForTls12, protocolsProperty, suitesProperty));
	}

	private static void checkKey(String name, Listener listener, ListenerKeyMaterial keys, String keySource,
			KeyMaterial key, List<String> protocols, List<String> suites, boolean engineDefaultsForTls12,
			String protocolsProperty, String suitesProperty) {
		String keyType = keyType(key.leaf().getPublicKey());
		List<String> served = new ArrayList<>();
		List<String> unserved = new ArrayList<>();
		for (String protocol : protocols) {
			boolean usable = (engineDefaultsForTls12 && !"TLSv1.3".equals(protocol))
					|| suites.stream().anyMatch((suite) -> usable(suite, protocol, keyType));
			(usable ? served : unserved).add(protocol);
		}
		if (served.isEmpty()) {
			String suitesFrom = source(listener.getCipherSuites() != null, suitesProperty, keys.cipherSuites() != null);
			throw new TlsListenerStartupException(name, suitesProperty,
					"TLS listener '" + name + "' cannot complete any handshake: no enabled cipher suite serves "
							+ String.join(" or ", protocols) + " with its " + keyType + " key" + keySource
							+ ". Cipher suites " + suitesFrom + ": " + String.join(", ", suites) + ".",
					fix(keyType, protocols, suitesProperty, protocolsProperty), null);
		}
		if (!unserved.isEmpty()) {
			logger.warn("TLS listener '" + name + "' enables " + String.join(", ", unserved)
					+ " but no enabled cipher suite serves " + ((unserved.size() == 1) ? "it" : "them") + " with its "
					+ keyType + " key" + keySource + ": clients of " + String.join(", ", unserved)
					+ " will fail. Add suites to " + suitesProperty + " or remove the protocol from "
					+ protocolsProperty + ".");
		}
	}

	private static String fix(String keyType, List<String> protocols, String suitesProperty, String protocolsProperty) {
		List<String> examples = new ArrayList<>();
		if (protocols.contains("TLSv1.3")) {
			examples.add("TLS_AES_128_GCM_SHA256");
		}
		if (protocols.contains("TLSv1.2")) {
			examples.add("EC".equals(keyType) || "EdDSA".equals(keyType) ? "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
					: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
		}
		String suites = examples.isEmpty() ? "suites of the enabled protocols" : String.join(", ", examples);
		return "Add cipher suites for the key and protocols to " + suitesProperty + " (e.g. " + suites
				+ "), or remove it for the default; or set " + protocolsProperty
				+ " to protocols the suites serve; or use a key of the type the suites need (_ECDSA_ suites an EC key, "
				+ "_RSA_ suites an RSA key).";
	}

	private static String source(boolean configured, String property, boolean fromBundle) {
		if (configured) {
			return "from " + property;
		}
		return fromBundle ? "from the SSL bundle's options" : "by default";
	}

	private static String keySource(String name, Listener listener, ListenerKeyMaterial keys) {
		if (listener.getSslBundle() != null) {
			return keys.source() + ", " + TlsAcceptProperties.propertyName(name, "ssl-bundle");
		}
		if (listener.getKeyStore().isConfigured()) {
			return keys.source() + ", " + TlsAcceptProperties.propertyName(name, "key-store.*");
		}
		return "the self-signed certificate generated at startup: configure "
				+ TlsAcceptProperties.propertyName(name, "ssl-bundle") + " or "
				+ TlsAcceptProperties.propertyName(name, "key-store.*");
	}

	/**
	 * Protocols the engine enables but refuses in every handshake: the JDK's
	 * {@code jdk.tls.disabledAlgorithms}, honoured by SunJSSE and BCJSSE.
	 */
	static List<String> refusedProtocols(String engine, List<String> protocols) {
		if (!"jdk".equals(engine) && !"bouncy-castle".equals(engine)) {
			return List.of();
		}
		String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
		if (disabled == null) {
			return List.of();
		}
		List<String> tokens = new ArrayList<>();
		for (String token : disabled.split(",")) {
			tokens.add(token.trim().toLowerCase(Locale.ROOT));
		}
		return protocols.stream().filter((protocol) -> tokens.contains(protocol.toLowerCase(Locale.ROOT))).toList();
	}

	static String keyType(PublicKey key) {
		String algorithm = key.getAlgorithm().toUpperCase(Locale.ROOT);
		return switch (algorithm) {
			case "RSA", "RSASSA-PSS" -> "RSA";
			case "EC", "ECDSA" -> "EC";
			case "ED25519", "ED448", "EDDSA" -> "EdDSA";
			case "DSA" -> "DSA";
			default -> algorithm;
		};
	}

	/**
	 * Whether a suite can serve a protocol with a key of that type; {@code true} for a
	 * suite this check does not recognize.
	 */
	static boolean usable(String suite, String protocol, String keyType) {
		String name = suite.toUpperCase(Locale.ROOT);
		if (!name.startsWith("TLS_") && !name.startsWith("SSL_")) {
			return true;
		}
		if (name.endsWith("_SCSV")) {
			// a signalling value, not a suite
			return false;
		}
		boolean tls13Suite = !name.contains("_WITH_");
		if ("TLSv1.3".equals(protocol)) {
			return tls13Suite && !"DSA".equals(keyType);
		}
		if (tls13Suite) {
			return false;
		}
		if (!"TLSv1.2".equals(protocol) && tls12Only(name)) {
			return false;
		}
		String exchange = name.substring(4, name.indexOf("_WITH_"));
		if (exchange.contains("ANON") || exchange.contains("PSK") || exchange.contains("SRP")) {
			return true;
		}
		if (exchange.startsWith("ECDH_") || exchange.endsWith("ECDSA")) {
			return "EC".equals(keyType) || "EdDSA".equals(keyType);
		}
		if (exchange.endsWith("RSA")) {
			return "RSA".equals(keyType);
		}
		if (exchange.endsWith("DSS")) {
			return "DSA".equals(keyType);
		}
		return true;
	}

	private static boolean tls12Only(String suite) {
		return suite.contains("_GCM_") || suite.contains("_CCM") || suite.contains("CHACHA20")
				|| suite.endsWith("_SHA256") || suite.endsWith("_SHA384");
	}

}
