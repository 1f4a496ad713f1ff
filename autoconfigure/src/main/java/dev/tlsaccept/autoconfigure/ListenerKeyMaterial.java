package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.List;
import java.util.Locale;

import dev.tlsaccept.autoconfigure.TlsAcceptProperties.Listener;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterialException;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.keys.TrustMaterial;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The key and trust material of one listener, loaded from an SSL bundle, inline stores or
 * a freshly generated self-signed certificate. Every failure is a
 * {@link TlsListenerStartupException} naming the property to fix.
 *
 * @param key the server's certificate chain and private key
 * @param trust certificates that sign client certificates, if any
 * @param source where the key material came from, for logs and endpoints
 * @param protocols protocols the SSL bundle enables, if it says
 * @param cipherSuites cipher suites the SSL bundle enables, if it says
 */
record ListenerKeyMaterial(KeyMaterial key, @Nullable TrustMaterial trust, String source,
		@Nullable List<String> protocols, @Nullable List<String> cipherSuites) {

	private static final Log logger = LogFactory.getLog(ListenerKeyMaterial.class);

	/**
	 * Key material from an SSL bundle's key store (and trust store, if any).
	 * @param listener the listener name
	 * @param bundleName the bundle name
	 * @param bundle the bundle
	 * @return the material
	 */
	static ListenerKeyMaterial fromBundle(String listener, String bundleName, SslBundle bundle) {
		String property = TlsAcceptProperties.propertyName(listener, "ssl-bundle");
		String source = "SSL bundle '" + bundleName + "'";
		KeyStore keyStore;
		KeyStore trustStore;
		try {
			keyStore = bundle.getStores().getKeyStore();
			trustStore = bundle.getStores().getTrustStore();
		}
		catch (RuntimeException ex) {
			throw new TlsListenerStartupException(listener, property,
					"TLS listener '" + listener + "' cannot load the stores of " + source + ": " + ex.getMessage(),
					"Fix the configuration of the bundle (spring.ssl.bundle.pem." + bundleName
							+ ".* or spring.ssl.bundle.jks." + bundleName + ".*), or set " + property
							+ " to another bundle.",
					ex);
		}
		if (keyStore == null) {
			throw new TlsListenerStartupException(listener, property,
					"TLS listener '" + listener + "' uses " + source + ", which has no key store.",
					"Give the bundle a key store (spring.ssl.bundle.pem." + bundleName
							+ ".keystore.certificate and .private-key, or spring.ssl.bundle.jks." + bundleName
							+ ".keystore.location), or set " + property + " to a bundle that has one.",
					null);
		}
		String password = bundle.getKey().getPassword();
		if (password == null) {
			password = bundle.getStores().getKeyStorePassword();
		}
		KeyMaterial key;
		TrustMaterial trust;
		try {
			key = KeyMaterials.fromKeyStore(keyStore, chars(password), bundle.getKey().getAlias(), source);
			trust = (trustStore != null) ? KeyMaterials.trustFromKeyStore(trustStore, "trust store of " + source)
					: null;
		}
		catch (KeyMaterialException ex) {
			String fix = switch (ex.problem()) {
				case WRONG_PASSWORD -> "Check the bundle's key password (spring.ssl.bundle.*." + bundleName
						+ ".key.password) or store password.";
				case ALIAS_NOT_FOUND -> "Set the bundle's key alias (spring.ssl.bundle.*." + bundleName
						+ ".key.alias) to the alias of a key entry.";
				default -> ex.action();
			};
			throw new TlsListenerStartupException(listener, property,
					"TLS listener '" + listener + "' cannot use " + source + ": " + ex.getMessage(),
					fix + " The bundle is configured under spring.ssl.bundle.pem." + bundleName
							+ " or spring.ssl.bundle.jks." + bundleName + ".",
					ex);
		}
		SslOptions options = bundle.getOptions();
		return new ListenerKeyMaterial(key, trust, source, list(options.getEnabledProtocols()),
				list(options.getCiphers()));
	}

	/**
	 * Key material from the listener's inline {@code key-store} and {@code trust-store},
	 * or a self-signed certificate when neither is configured.
	 * @param listener the listener name
	 * @param properties the listener's properties
	 * @param resourceLoader resolves locations ({@code file:}, {@code classpath:}, plain
	 * paths as files)
	 * @return the material
	 */
	static ListenerKeyMaterial fromProperties(String listener, Listener properties, ResourceLoader resourceLoader) {
		Loader loader = new Loader(listener, resourceLoader);
		TrustMaterial trust = loader.trust(properties.getTrustStore());
		TlsAcceptProperties.KeyStore keyStore = properties.getKeyStore();
		if (!keyStore.isConfigured()) {
			KeyMaterial key = SelfSignedCertificate.generate();
			logger.warn("TLS listener '" + listener + "' has no key material configured: it uses a self-signed "
					+ "certificate generated at startup (" + key.leaf().getSubjectX500Principal().getName()
					+ "), which clients will not trust. For anything but development, set "
					+ TlsAcceptProperties.propertyName(listener, "ssl-bundle") + " or "
					+ TlsAcceptProperties.propertyName(listener, "key-store.*") + ".");
			return new ListenerKeyMaterial(key, trust, key.source(), null, null);
		}
		KeyMaterial key = loader.key(keyStore);
		return new ListenerKeyMaterial(key, trust, key.source(), null, null);
	}

	private static char @Nullable [] chars(@Nullable String password) {
		return (password != null) ? password.toCharArray() : null;
	}

	private static @Nullable List<String> list(String @Nullable [] values) {
		return (values != null && values.length > 0) ? List.of(values) : null;
	}

	/**
	 * Loads inline stores, mapping each failure to the property that caused it.
	 */
	private static final class Loader {

		private final String listener;

		private final ResourceLoader resourceLoader;

		Loader(String listener, ResourceLoader resourceLoader) {
			this.listener = listener;
			this.resourceLoader = resourceLoader;
		}

		KeyMaterial key(TlsAcceptProperties.KeyStore store) {
			if (store.getLocation() != null) {
				if (store.getCertificate() != null || store.getPrivateKey() != null) {
					throw failure("key-store.location", "TLS listener '" + this.listener
							+ "' has both a key store location and PEM files (key-store.certificate / key-store.private-key).",
							"Set either key-store.location or key-store.certificate and key-store.private-key, not both.",
							null);
				}
				return keyStore(store);
			}
			if (store.getCertificate() == null) {
				throw failure("key-store.certificate",
						"TLS listener '" + this.listener + "' has a PEM private key but no certificate chain.",
						"Set " + property("key-store.certificate")
								+ " to a PEM file with the certificate chain, leaf first.",
						null);
			}
			String privateKey = (store.getPrivateKey() != null) ? store.getPrivateKey() : store.getCertificate();
			String keyProperty = (store.getPrivateKey() != null) ? "key-store.private-key" : "key-store.certificate";
			Resource certificate = existing("key-store.certificate", store.getCertificate());
			Resource key = existing(keyProperty, privateKey);
			try {
				char[] password = chars(store.getPrivateKeyPassword());
				Path certificatePath = path(certificate);
				Path keyPath = path(key);
				if (certificatePath != null && keyPath != null) {
					return KeyMaterials.fromPem(certificatePath, keyPath, password);
				}
				return KeyMaterials.fromPemContent(text(certificate, "key-store.certificate"), text(key, keyProperty),
						password, "PEM " + certificate.getDescription() + " and " + key.getDescription());
			}
			catch (KeyMaterialException ex) {
				String property = switch (ex.problem()) {
					case WRONG_PASSWORD -> "key-store.private-key-password";
					case NO_CERTIFICATE, MISSING_FILE -> "key-store.certificate";
					case UNREADABLE_FORMAT -> mentions(ex, certificate) ? "key-store.certificate" : keyProperty;
					default -> keyProperty;
				};
				throw keyFailure(property, ex);
			}
		}

		private KeyMaterial keyStore(TlsAcceptProperties.KeyStore store) {
			Resource location = existing("key-store.location", store.getLocation());
			char[] password = (store.getPassword() != null) ? store.getPassword().toCharArray() : new char[0];
			try {
				Path path = path(location);
				if (path != null) {
					return KeyMaterials.fromKeyStore(path, store.getType(), password, chars(store.getKeyPassword()),
							store.getAlias());
				}
				KeyStore loaded = load(location, store.getType(), password, "key-store");
				char[] keyPassword = (store.getKeyPassword() != null) ? store.getKeyPassword().toCharArray() : password;
				return KeyMaterials.fromKeyStore(loaded, keyPassword, store.getAlias(),
						"key store " + location.getDescription());
			}
			catch (KeyMaterialException ex) {
				String property = switch (ex.problem()) {
					case WRONG_PASSWORD -> (ex.getMessage() != null && ex.getMessage().contains("key password")
							&& store.getKeyPassword() != null) ? "key-store.key-password" : "key-store.password";
					case ALIAS_NOT_FOUND -> "key-store.alias";
					case UNSUPPORTED_TYPE -> (store.getType() != null) ? "key-store.type" : "key-store.location";
					default -> "key-store.location";
				};
				throw keyFailure(property, ex);
			}
		}

		@Nullable TrustMaterial trust(TlsAcceptProperties.TrustStore store) {
			if (!store.isConfigured()) {
				return null;
			}
			if (store.getLocation() != null && store.getCertificate() != null) {
				throw failure("trust-store.location",
						"TLS listener '" + this.listener
								+ "' has both a trust store location and a PEM trust certificate.",
						"Set either trust-store.location or trust-store.certificate, not both.", null);
			}
			String property = (store.getLocation() != null) ? "trust-store.location" : "trust-store.certificate";
			Resource resource = existing(property,
					(store.getLocation() != null) ? store.getLocation() : store.getCertificate());
			try {
				Path path = path(resource);
				if (store.getCertificate() != null) {
					return (path != null) ? KeyMaterials.trustFromPem(path)
							: KeyMaterials.trustFromPemContent(text(resource, property), resource.getDescription());
				}
				char[] password = chars(store.getPassword());
				if (path != null) {
					return KeyMaterials.trustFromKeyStore(path, store.getType(), password);
				}
				return KeyMaterials.trustFromKeyStore(
						load(resource, store.getType(), (password != null) ? password : new char[0], "trust-store"),
						"trust store " + resource.getDescription());
			}
			catch (KeyMaterialException ex) {
				throw keyFailure((ex.problem() == KeyMaterialException.Problem.WRONG_PASSWORD) ? "trust-store.password"
						: property, ex);
			}
		}

		private Resource existing(String property, String location) {
			Resource resource = this.resourceLoader.getResource(location);
			if (!resource.exists() || !resource.isReadable()) {
				throw failure(property,
						"TLS listener '" + this.listener + "' cannot read " + location
								+ ": the file does not exist or is not readable.",
						"Set " + property(property)
								+ " to an existing, readable file (a plain path, file: or classpath: location).",
						null);
			}
			return resource;
		}

		private @Nullable Path path(Resource resource) {
			try {
				return resource.isFile() ? resource.getFile().toPath() : null;
			}
			catch (IOException ex) {
				return null;
			}
		}

		private String text(Resource resource, String property) {
			try (InputStream in = resource.getInputStream()) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw failure(property, "TLS listener '" + this.listener + "' cannot read " + resource.getDescription()
						+ ": " + ex.getMessage(), "Set " + property(property) + " to a readable file.", ex);
			}
		}

		private KeyStore load(Resource resource, @Nullable String type, char[] password, String prefix) {
			String storeType = (type != null) ? type : guessType(resource.getFilename());
			try (InputStream in = resource.getInputStream()) {
				KeyStore store = KeyStore.getInstance(storeType);
				store.load(in, password);
				return store;
			}
			catch (IOException ex) {
				if (ex.getCause() instanceof UnrecoverableKeyException) {
					throw failure(
							prefix + ".password", "TLS listener '" + this.listener + "' cannot open "
									+ resource.getDescription() + ": the password is wrong.",
							"Check " + property(prefix + ".password") + ".", ex);
				}
				throw failure(prefix + ".location",
						"TLS listener '" + this.listener + "' cannot read " + resource.getDescription() + " as a "
								+ storeType + " store: " + ex.getMessage(),
						"Check the file and " + property(prefix + ".type") + ".", ex);
			}
			catch (GeneralSecurityException ex) {
				throw failure(prefix + ".type",
						"TLS listener '" + this.listener + "' cannot read " + resource.getDescription() + " as a "
								+ storeType + " store: " + ex.getMessage(),
						"Set " + property(prefix + ".type") + " to PKCS12 or JKS.", ex);
			}
		}

		private static String guessType(@Nullable String filename) {
			String name = (filename != null) ? filename.toLowerCase(Locale.ROOT) : "";
			return name.endsWith(".jks") ? "JKS" : "PKCS12";
		}

		private static boolean mentions(KeyMaterialException ex, Resource resource) {
			String message = ex.getMessage();
			String filename = resource.getFilename();
			return message != null && filename != null && message.contains(filename);
		}

		private TlsListenerStartupException keyFailure(String property, KeyMaterialException ex) {
			String action = (ex.problem() == KeyMaterialException.Problem.WRONG_PASSWORD)
					? "Set " + property(property) + " to the password that protects the file."
					: "Check " + property(property) + ". " + ex.action();
			return failure(property,
					"TLS listener '" + this.listener + "' cannot use its key material: " + ex.getMessage(), action, ex);
		}

		private TlsListenerStartupException failure(String property, String description, String action,
				@Nullable Throwable cause) {
			return new TlsListenerStartupException(this.listener, property(property), description, action, cause);
		}

		private String property(String property) {
			return TlsAcceptProperties.propertyName(this.listener, property);
		}

	}

}
