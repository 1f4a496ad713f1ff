package dev.tlsaccept.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

/**
 * Opens key store files: type guessing, the private Bouncy Castle provider for BCFKS, and
 * clear messages for missing files and wrong passwords.
 */
final class KeyStores {

	static final String STORE_PASSWORD_ACTION = "Check the store password (key-store-password / trust-store-password, or the SSL bundle's keystore.password / truststore.password).";

	private KeyStores() {
	}

	/**
	 * A loaded store with its description, for example
	 * {@code "PKCS12 key store /x/ks.p12"}.
	 */
	record Loaded(KeyStore store, String description) {
	}

	/**
	 * Returns the store type to use: the given one, or a guess from the file extension.
	 */
	static String type(@Nullable String type, Path location) {
		if (type != null && !type.isBlank()) {
			return type.strip().toUpperCase(Locale.ROOT);
		}
		String name = String.valueOf(location.getFileName()).toLowerCase(Locale.ROOT);
		if (name.endsWith(".jks")) {
			return "JKS";
		}
		if (name.endsWith(".bcfks")) {
			return "BCFKS";
		}
		return "PKCS12";
	}

	static Loaded load(Path location, @Nullable String type, char @Nullable [] password, String kind) {
		Path path = Sources.absolute(location);
		String storeType = type(type, path);
		String description = storeType + " " + kind + " " + path;
		KeyStore store = instance(storeType, description);
		Sources.requireReadableFile(path, "Cannot read " + kind);
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, password);
		}
		catch (AccessDeniedException ex) {
			throw new KeyMaterialException(Problem.MISSING_FILE, "Cannot read " + kind + " " + path + ": access denied",
					ex);
		}
		catch (IOException ex) {
			if (isWrongPassword(ex)) {
				throw new KeyMaterialException(Problem.WRONG_PASSWORD,
						"Cannot open " + description + ": the store password is wrong", STORE_PASSWORD_ACTION, ex);
			}
			throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
					"Cannot read " + description + ": not a " + storeType + " key store or damaged (" + ex.getMessage()
							+ ")",
					"Check the store type (key-store-type / trust-store-type, or the bundle's type): PKCS12, JKS or BCFKS.",
					ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE, "Cannot read " + description
					+ ": it uses an algorithm this JVM does not support (" + ex.getMessage() + ")", ex);
		}
		catch (CertificateException ex) {
			throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
					"Cannot read the certificates in " + description + ": " + ex.getMessage(), ex);
		}
		return new Loaded(store, description);
	}

	private static KeyStore instance(String type, String description) {
		try {
			return type.equals("BCFKS") ? KeyStore.getInstance("BCFKS", BouncyCastle.provider())
					: KeyStore.getInstance(type);
		}
		catch (KeyStoreException ex) {
			throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE,
					"Cannot open " + description + ": unsupported key store type '" + type + "'",
					"Use one of the store types PKCS12, JKS or BCFKS.", ex);
		}
	}

	private static boolean isWrongPassword(IOException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnrecoverableKeyException) {
				return true;
			}
			String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
			if (message.contains("password") || message.contains("mac check") || message.contains("mac invalid")
					|| message.contains("mac verification") || message.contains("mac calculation")
					|| message.contains("integrity check")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
