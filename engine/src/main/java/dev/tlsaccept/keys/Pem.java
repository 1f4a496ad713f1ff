package dev.tlsaccept.keys;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.jspecify.annotations.Nullable;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

/**
 * Reads PEM text with Bouncy Castle's {@link PEMParser}: certificates and private keys in
 * every common encoding, encrypted or not.
 */
final class Pem {

	static final String PASSWORD_ACTION = "Check the key password (key-password / the bundle's key.password).";

	private static final String KEY_BLOCKS = "PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY";

	private Pem() {
	}

	/**
	 * What a PEM text holds.
	 *
	 * @param certificates the certificates, in order
	 * @param keys the private key objects, in order, still encoded or encrypted
	 * @param blocks how many PEM blocks were found, recognised or not
	 */
	record Contents(List<X509Certificate> certificates, List<Object> keys, int blocks) {
	}

	/**
	 * Parses PEM text.
	 * @param text the text
	 * @param where the file or source, for messages
	 * @return the contents
	 * @throws KeyMaterialException with {@link Problem#UNREADABLE_FORMAT} if the text
	 * holds no PEM block or a malformed one
	 */
	static Contents parse(String text, String where) {
		List<X509Certificate> certificates = new ArrayList<>();
		List<Object> keys = new ArrayList<>();
		int blocks = 0;
		try (PEMParser parser = new PEMParser(new StringReader(text))) {
			while (true) {
				Object object;
				try {
					object = parser.readObject();
				}
				catch (IOException | RuntimeException ex) {
					// RuntimeException: Bouncy Castle throws DecoderException for bad
					// base64.
					if (ex instanceof IOException
							&& String.valueOf(ex.getMessage()).startsWith("unrecognised object")) {
						// A block this package has no use for (the parser has consumed
						// it).
						blocks++;
						continue;
					}
					throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
							"Cannot read " + where + ": malformed PEM block (" + ex.getMessage() + ")",
							"Check that the PEM text was copied completely, from -----BEGIN to -----END.", ex);
				}
				if (object == null) {
					break;
				}
				blocks++;
				if (object instanceof X509CertificateHolder holder) {
					certificates.add(certificate(holder, certificates.size() + 1, where));
				}
				else if (object instanceof X509TrustedCertificateBlock trusted) {
					certificates.add(certificate(trusted.getCertificateHolder(), certificates.size() + 1, where));
				}
				else if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
						|| object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
					keys.add(object);
				}
				// Anything else (EC PARAMETERS, PUBLIC KEY, CRLs...) is not needed here.
			}
		}
		catch (IOException ex) {
			// Closing a StringReader does not fail.
			throw new IllegalStateException(ex);
		}
		if (blocks == 0) {
			throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
					"Cannot read " + where + ": it contains no PEM block (-----BEGIN ...-----)" + derHint(text),
					"Provide PEM text; convert binary DER files with 'openssl x509 -inform der' (certificates) or 'openssl pkcs8 -inform der' (keys).",
					null);
		}
		return new Contents(List.copyOf(certificates), List.copyOf(keys), blocks);
	}

	static void requireCertificates(Contents contents, String where) {
		if (contents.certificates().isEmpty()) {
			throw new KeyMaterialException(Problem.NO_CERTIFICATE,
					"No certificate in " + where + ": expected one or more -----BEGIN CERTIFICATE----- blocks", null);
		}
	}

	static Object requireKey(Contents contents, String where) {
		if (contents.keys().isEmpty()) {
			throw new KeyMaterialException(Problem.NO_PRIVATE_KEY,
					"No private key in " + where + ": expected a " + KEY_BLOCKS + " block", null);
		}
		return contents.keys().get(0);
	}

	/**
	 * Decodes, and decrypts if needed, a private key object found by {@link #parse}.
	 */
	static PrivateKey privateKey(Object key, char @Nullable [] password, String where) {
		PrivateKeyInfo info;
		if (key instanceof PrivateKeyInfo plain) {
			info = plain;
		}
		else if (key instanceof PEMKeyPair pair) {
			info = pair.getPrivateKeyInfo();
		}
		else if (key instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
			info = decrypt(encrypted, requirePassword(password, where), where);
		}
		else if (key instanceof PEMEncryptedKeyPair encrypted) {
			info = decrypt(encrypted, requirePassword(password, where), where);
		}
		else {
			throw new IllegalArgumentException("Not a private key object: " + key.getClass().getName());
		}
		try {
			return JdkObjects.privateKey(info);
		}
		catch (IOException | RuntimeException ex) {
			throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE, "Cannot read private key from " + where
					+ ": unsupported key algorithm " + info.getPrivateKeyAlgorithm().getAlgorithm(), ex);
		}
	}

	private static char[] requirePassword(char @Nullable [] password, String where) {
		if (password == null) {
			throw new KeyMaterialException(Problem.WRONG_PASSWORD,
					"Cannot read private key from " + where + ": the key is encrypted and no password was given",
					"Configure the key password (key-password / the bundle's key.password).", null);
		}
		return password;
	}

	private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] password, String where) {
		try {
			return encrypted.decryptPrivateKeyInfo(
					new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BouncyCastle.provider()).build(password));
		}
		catch (OperatorCreationException | PKCSException | RuntimeException ex) {
			if (causedByMissingAlgorithm(ex)) {
				throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE,
						"Cannot read private key from " + where + ": unsupported encryption "
								+ encrypted.getEncryptionAlgorithm().getAlgorithm(),
						"Re-encrypt the key with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'.", ex);
			}
			throw wrongPassword(where, ex);
		}
	}

	private static PrivateKeyInfo decrypt(PEMEncryptedKeyPair encrypted, char[] password, String where) {
		try {
			return encrypted
				.decryptKeyPair(
						new JcePEMDecryptorProviderBuilder().setProvider(BouncyCastle.provider()).build(password))
				.getPrivateKeyInfo();
		}
		catch (IOException | RuntimeException ex) {
			if (causedByMissingAlgorithm(ex) || isUnknownLegacyEncryption(ex)) {
				throw new KeyMaterialException(Problem.UNSUPPORTED_TYPE,
						"Cannot read private key from " + where + ": unsupported legacy PEM encryption "
								+ encrypted.getDekAlgName(),
						"Re-encrypt the key with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'.", ex);
			}
			throw wrongPassword(where, ex);
		}
	}

	private static boolean isUnknownLegacyEncryption(Throwable ex) {
		// Bouncy Castle's messages for DEK-Info algorithms it does not know; anything
		// else after a
		// decryption attempt (bad padding, undecodable key) means the password is wrong.
		String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
		return message.contains("unknown encryption with private key")
				|| message.contains("unknown aes encryption with private key")
				|| message.contains("no key size for algorithm")
				|| message.contains("cannot create extraction operator");
	}

	private static KeyMaterialException wrongPassword(String where, Throwable cause) {
		return new KeyMaterialException(Problem.WRONG_PASSWORD,
				"Cannot read private key from " + where + ": the key is encrypted and the password is wrong",
				PASSWORD_ACTION, cause);
	}

	private static boolean causedByMissingAlgorithm(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof OperatorCreationException || cause instanceof GeneralSecurityException
					&& cause.getClass().getSimpleName().startsWith("NoSuch")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static X509Certificate certificate(X509CertificateHolder holder, int position, String where) {
		try {
			return JdkObjects.certificate(holder.getEncoded());
		}
		catch (IOException | CertificateException ex) {
			throw new KeyMaterialException(Problem.UNREADABLE_FORMAT,
					"Cannot read certificate " + position + " in " + where + ": " + ex.getMessage(), ex);
		}
	}

	private static String derHint(String text) {
		return (!text.isEmpty() && text.charAt(0) == 0x30) ? "; it looks like binary DER" : "";
	}

}
