package dev.tlsaccept.keys;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

/**
 * Loads {@link KeyMaterial} and {@link TrustMaterial} from PEM files or text and from
 * PKCS12, JKS and BCFKS key stores. Every failure is a {@link KeyMaterialException} that
 * names the file or store (never a password) and says what to do.
 *
 * <p>
 * Bouncy Castle reads what the JDK cannot (PKCS#1, SEC1, encrypted PEM, BCFKS) through a
 * private provider instance; the JVM-wide provider list is never changed.
 */
public final class KeyMaterials {

	private static final Logger logger = System.getLogger(KeyMaterials.class.getName());

	private KeyMaterials() {
	}

	/**
	 * Loads key material from a PEM certificate chain file and a PEM private key file
	 * (which may be the same file).
	 * @param certificateChainFile one or more CERTIFICATE blocks, leaf first
	 * @param privateKeyFile a private key as PKCS#8 ({@code PRIVATE KEY}), encrypted
	 * PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), SEC1
	 * ({@code EC PRIVATE KEY}) or legacy OpenSSL-encrypted PEM
	 * @param keyPassword the password of an encrypted key, {@code null} if not encrypted
	 * @return the key material
	 * @throws KeyMaterialException if a file is missing or unreadable, the password is
	 * missing or wrong, or the key does not belong to the leaf certificate
	 */
	public static KeyMaterial fromPem(Path certificateChainFile, Path privateKeyFile, char @Nullable [] keyPassword) {
		Objects.requireNonNull(certificateChainFile, "certificateChainFile must not be null");
		Objects.requireNonNull(privateKeyFile, "privateKeyFile must not be null");
		Path chainPath = Sources.absolute(certificateChainFile);
		Path keyPath = Sources.absolute(privateKeyFile);
		if (chainPath.equals(keyPath) || isSameFile(chainPath, keyPath)) {
			return fromPem(chainPath, keyPassword);
		}
		String chainText = Sources.readText(chainPath, "Cannot read certificate chain from");
		String keyText = Sources.readText(keyPath, "Cannot read private key from");
		Pem.Contents chain = Pem.parse(chainText, chainPath.toString());
		Pem.requireCertificates(chain, chainPath.toString());
		Pem.Contents key = Pem.parse(keyText, keyPath.toString());
		PrivateKey privateKey = Pem.privateKey(Pem.requireKey(key, keyPath.toString()), keyPassword,
				keyPath.toString());
		return loaded(KeyMaterial.of(privateKey, chain.certificates(),
				"PEM certificate chain " + chainPath + " and private key " + keyPath));
	}

	/**
	 * Loads key material from one PEM file that holds both the certificate chain (leaf
	 * first) and the private key, in any order.
	 * @param combinedPemFile the PEM file
	 * @param keyPassword the password of an encrypted key, {@code null} if not encrypted
	 * @return the key material
	 * @throws KeyMaterialException as {@link #fromPem(Path, Path, char[])}
	 */
	public static KeyMaterial fromPem(Path combinedPemFile, char @Nullable [] keyPassword) {
		Objects.requireNonNull(combinedPemFile, "combinedPemFile must not be null");
		Path path = Sources.absolute(combinedPemFile);
		String where = path.toString();
		Pem.Contents contents = Pem.parse(Sources.readText(path, "Cannot read PEM file"), where);
		Pem.requireCertificates(contents, where);
		PrivateKey privateKey = Pem.privateKey(Pem.requireKey(contents, where), keyPassword, where);
		return loaded(KeyMaterial.of(privateKey, contents.certificates(), "PEM file " + path));
	}

	/**
	 * Loads key material from PEM text, for example the content of an SSL bundle.
	 * @param certificateChainPem one or more CERTIFICATE blocks, leaf first
	 * @param privateKeyPem a private key in any encoding
	 * {@link #fromPem(Path, Path, char[])} reads
	 * @param keyPassword the password of an encrypted key, {@code null} if not encrypted
	 * @param source a description of where the text came from, for messages
	 * @return the key material
	 * @throws KeyMaterialException as {@link #fromPem(Path, Path, char[])}
	 */
	public static KeyMaterial fromPemContent(String certificateChainPem, String privateKeyPem,
			char @Nullable [] keyPassword, String source) {
		Objects.requireNonNull(certificateChainPem, "certificateChainPem must not be null");
		Objects.requireNonNull(privateKeyPem, "privateKeyPem must not be null");
		Objects.requireNonNull(source, "source must not be null; describe where the PEM text came from");
		Pem.Contents chain = Pem.parse(certificateChainPem, "the certificate chain of " + source);
		Pem.requireCertificates(chain, "the certificate chain of " + source);
		String keyWhere = "the private key of " + source;
		PrivateKey privateKey = Pem.privateKey(Pem.requireKey(Pem.parse(privateKeyPem, keyWhere), keyWhere),
				keyPassword, source);
		return loaded(KeyMaterial.of(privateKey, chain.certificates(), source));
	}

	/**
	 * Loads key material from a key store file.
	 * @param location the key store file
	 * @param type {@code PKCS12}, {@code JKS} or {@code BCFKS}; {@code null} to guess
	 * from the extension ({@code .jks}, {@code .bcfks}, otherwise PKCS12)
	 * @param storePassword the store password
	 * @param keyPassword the key password, {@code null} to use the store password
	 * @param alias the alias of the key entry, {@code null} if the store holds exactly
	 * one
	 * @return the key material; its source names the store and the alias
	 * @throws KeyMaterialException if the file is missing or unreadable, a password is
	 * wrong, the alias is missing or ambiguous, or the key does not belong to the leaf
	 * certificate
	 */
	public static KeyMaterial fromKeyStore(Path location, @Nullable String type, char[] storePassword,
			char @Nullable [] keyPassword, @Nullable String alias) {
		Objects.requireNonNull(location, "location must not be null");
		Objects.requireNonNull(storePassword, "storePassword must not be null; use an empty array for none");
		KeyStores.Loaded loaded = KeyStores.load(location, type, storePassword, "key store");
		return fromKeyStore(loaded.store(), (keyPassword != null) ? keyPassword : storePassword, alias,
				loaded.description());
	}

	/**
	 * Takes key material from a loaded key store, for example one handed out by an SSL
	 * bundle.
	 * @param store the loaded key store
	 * @param keyPassword the key password, {@code null} for an empty password
	 * @param alias the alias of the key entry, {@code null} if the store holds exactly
	 * one
	 * @param source a description of the store, for messages; the alias is appended to it
	 * in {@link KeyMaterial#source()}
	 * @return the key material
	 * @throws KeyMaterialException if the key password is wrong, the alias is missing or
	 * ambiguous, or the key does not belong to the leaf certificate
	 */
	public static KeyMaterial fromKeyStore(KeyStore store, char @Nullable [] keyPassword, @Nullable String alias,
			String source) {
		Objects.requireNonNull(store, "store must not be null");
		Objects.requireNonNull(source, "source must not be null; describe where the key store came from");
		try {
			String entry = keyAlias(store, alias, source);
			Key key;
			try {
				key = store.getKey(entry, (keyPassword != null) ? keyPassword : new char[0]);
			}
			catch (UnrecoverableKeyException ex) {
				throw new KeyMaterialException(Problem.WRONG_PASSWORD,
						"Cannot read private key '" + entry + "' from " + source + ": the key password is wrong",
						"Check the key password (key-password / the bundle's key.password); when it is not set, the store password is used.",
						ex);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE, "Cannot read private key '" + entry + "' from "
						+ source + ": unsupported algorithm (" + ex.getMessage() + ")", ex);
			}
			if (!(key instanceof PrivateKey privateKey)) {
				throw new KeyMaterialException(Problem.NO_PRIVATE_KEY,
						"Entry '" + entry + "' in " + source + " holds a "
								+ ((key != null) ? key.getAlgorithm() + " secret key" : "no key")
								+ ", not a private key",
						null);
			}
			Certificate[] chain = store.getCertificateChain(entry);
			if (chain == null || chain.length == 0) {
				throw new KeyMaterialException(Problem.NO_CERTIFICATE,
						"Entry '" + entry + "' in " + source + " has no certificate chain", null);
			}
			List<X509Certificate> certificates = new ArrayList<>(chain.length);
			for (Certificate certificate : chain) {
				certificates.add(x509(certificate, "entry '" + entry + "' in " + source));
			}
			return loaded(KeyMaterial.of(JdkObjects.privateKey(privateKey), certificates,
					source + " (alias '" + entry + "')"));
		}
		catch (KeyStoreException ex) {
			throw notLoaded(source, ex);
		}
	}

	/**
	 * Loads trusted certificates from a PEM file.
	 * @param certificatesFile one or more CERTIFICATE blocks
	 * @return the trust material
	 * @throws KeyMaterialException if the file is missing, not PEM or holds no
	 * certificate
	 */
	public static TrustMaterial trustFromPem(Path certificatesFile) {
		Objects.requireNonNull(certificatesFile, "certificatesFile must not be null");
		Path path = Sources.absolute(certificatesFile);
		Pem.Contents contents = Pem.parse(Sources.readText(path, "Cannot read trusted certificates from"),
				path.toString());
		Pem.requireCertificates(contents, path.toString());
		return TrustMaterial.of(contents.certificates(), "PEM file " + path);
	}

	/**
	 * Loads trusted certificates from PEM text.
	 * @param pem one or more CERTIFICATE blocks
	 * @param source a description of where the text came from, for messages
	 * @return the trust material
	 * @throws KeyMaterialException if the text is not PEM or holds no certificate
	 */
	public static TrustMaterial trustFromPemContent(String pem, String source) {
		Objects.requireNonNull(pem, "pem must not be null");
		Objects.requireNonNull(source, "source must not be null; describe where the PEM text came from");
		Pem.Contents contents = Pem.parse(pem, source);
		Pem.requireCertificates(contents, source);
		return TrustMaterial.of(contents.certificates(), source);
	}

	/**
	 * Loads trusted certificates from a key store file: every trusted certificate entry
	 * and the certificate of every key entry.
	 * @param location the store file
	 * @param type {@code PKCS12}, {@code JKS} or {@code BCFKS}; {@code null} to guess
	 * from the extension
	 * @param password the store password, {@code null} for none
	 * @return the trust material
	 * @throws KeyMaterialException if the file is missing or unreadable, the password is
	 * wrong or the store holds no certificate
	 */
	public static TrustMaterial trustFromKeyStore(Path location, @Nullable String type, char @Nullable [] password) {
		Objects.requireNonNull(location, "location must not be null");
		KeyStores.Loaded loaded = KeyStores.load(location, type, password, "trust store");
		return trustFromKeyStore(loaded.store(), loaded.description());
	}

	/**
	 * Takes trusted certificates from a loaded key store: every trusted certificate entry
	 * and the certificate of every key entry.
	 * @param store the loaded store
	 * @param source a description of the store, for messages
	 * @return the trust material
	 * @throws KeyMaterialException if the store holds no certificate
	 */
	public static TrustMaterial trustFromKeyStore(KeyStore store, String source) {
		Objects.requireNonNull(store, "store must not be null");
		Objects.requireNonNull(source, "source must not be null; describe where the trust store came from");
		try {
			Set<X509Certificate> certificates = new LinkedHashSet<>();
			for (String alias : Collections.list(store.aliases())) {
				Certificate certificate = store.getCertificate(alias);
				if (certificate != null) {
					certificates.add(x509(certificate, "entry '" + alias + "' in " + source));
				}
			}
			if (certificates.isEmpty()) {
				throw new KeyMaterialException(Problem.NO_CERTIFICATE,
						"No certificate in " + source + ": it holds no trusted certificate or key entry", null);
			}
			return TrustMaterial.of(List.copyOf(certificates), source);
		}
		catch (KeyStoreException ex) {
			throw notLoaded(source, ex);
		}
	}

	private static String keyAlias(KeyStore store, @Nullable String alias, String source) throws KeyStoreException {
		List<String> keyAliases = new ArrayList<>();
		for (String candidate : Collections.list(store.aliases())) {
			if (store.isKeyEntry(candidate)) {
				keyAliases.add(candidate);
			}
		}
		if (alias != null) {
			if (!store.containsAlias(alias)) {
				throw new KeyMaterialException(Problem.ALIAS_NOT_FOUND,
						"No entry with alias '" + alias + "' in " + source + "; key entries: " + quoted(keyAliases),
						"Set the key alias (key-alias / the bundle's key.alias) to one of " + quoted(keyAliases) + ".",
						null);
			}
			if (!store.isKeyEntry(alias)) {
				throw new KeyMaterialException(Problem.NO_PRIVATE_KEY,
						"Entry '" + alias + "' in " + source
								+ " is a trusted certificate, not a private key; key entries: " + quoted(keyAliases),
						null);
			}
			return alias;
		}
		if (keyAliases.isEmpty()) {
			throw new KeyMaterialException(Problem.NO_PRIVATE_KEY,
					"No private key entry in " + source + " (it holds only trusted certificates)", null);
		}
		if (keyAliases.size() > 1) {
			throw new KeyMaterialException(Problem.ALIAS_NOT_FOUND,
					source + " holds several key entries (" + quoted(keyAliases) + ") and no alias was given",
					"Set the key alias (key-alias / the bundle's key.alias) to one of " + quoted(keyAliases) + ".",
					null);
		}
		return keyAliases.get(0);
	}

	private static X509Certificate x509(Certificate certificate, String where) {
		try {
			X509Certificate x509 = JdkObjects.certificate(certificate);
			if (x509 == null) {
				throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE,
						"The " + certificate.getType() + " certificate of " + where + " is not an X.509 certificate",
						null);
			}
			return x509;
		}
		catch (CertificateException ex) {
			throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
					"Cannot read the certificate of " + where + ": " + ex.getMessage(), ex);
		}
	}

	private static String quoted(List<String> aliases) {
		return aliases.isEmpty() ? "none"
				: aliases.stream().map((alias) -> "'" + alias + "'").collect(Collectors.joining(", "));
	}

	private static KeyMaterialException notLoaded(String source, KeyStoreException ex) {
		return new KeyMaterialException(Problem.UNREADABLE_FORMAT, "Cannot read " + source + ": " + ex.getMessage(),
				"Load the key store before passing it.", ex);
	}

	private static boolean isSameFile(Path first, Path second) {
		try {
			return Files.exists(first) && Files.exists(second) && Files.isSameFile(first, second);
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	private static KeyMaterial loaded(KeyMaterial material) {
		logger.log(Level.DEBUG, () -> "Loaded key material from " + material.source() + " for "
				+ material.leaf().getSubjectX500Principal().getName());
		return material;
	}

}
