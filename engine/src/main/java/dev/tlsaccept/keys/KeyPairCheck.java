package dev.tlsaccept.keys;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a private key belongs to a certificate with a real sign/verify round trip.
 */
final class KeyPairCheck {

	private static final SecureRandom RANDOM = new SecureRandom();

	private KeyPairCheck() {
	}

	static void requireMatch(PrivateKey privateKey, X509Certificate leaf, String source) {
		PublicKey publicKey = leaf.getPublicKey();
		String subject = leaf.getSubjectX500Principal().getName();
		String keyFamily = family(privateKey.getAlgorithm());
		String certificateFamily = family(publicKey.getAlgorithm());
		if (!keyFamily.equals(certificateFamily)) {
			throw mismatch(source, subject,
					"the private key is " + keyFamily + " but the certificate's public key is " + certificateFamily,
					null);
		}
		String algorithm = signatureAlgorithm(keyFamily, privateKey);
		if (algorithm == null) {
			throw new KeyMaterialException(KeyMaterialException.Problem.UNSUPPORTED_TYPE,
					"Cannot check that the " + privateKey.getAlgorithm() + " private key from " + source
							+ " matches certificate " + subject + ": unsupported key algorithm",
					null);
		}
		byte[] data = new byte[64];
		RANDOM.nextBytes(data);
		GeneralSecurityException signFailure = null;
		@Nullable Provider[] providers = { null, BouncyCastle.provider() };
		for (@Nullable
		Provider provider : providers) {
			byte[] signature;
			try {
				Signature signer = signature(algorithm, provider);
				signer.initSign(privateKey);
				signer.update(data);
				signature = signer.sign();
			}
			catch (GeneralSecurityException ex) {
				// The default providers may not take this key object; try Bouncy Castle.
				signFailure = ex;
				continue;
			}
			try {
				Signature verifier = signature(algorithm, provider);
				verifier.initVerify(publicKey);
				verifier.update(data);
				if (verifier.verify(signature)) {
					return;
				}
				throw mismatch(source, subject, "a signature made with the key does not verify with the certificate",
						null);
			}
			catch (InvalidKeyException | SignatureException ex) {
				throw mismatch(source, subject, "a signature made with the key does not verify with the certificate",
						ex);
			}
			catch (GeneralSecurityException ex) {
				signFailure = ex;
			}
		}
		throw new KeyMaterialException(
				KeyMaterialException.Problem.UNSUPPORTED_TYPE, "Cannot check that the " + privateKey.getAlgorithm()
						+ " private key from " + source + " matches certificate " + subject + " with " + algorithm,
				signFailure);
	}

	static boolean isSelfSigned(X509Certificate certificate) {
		if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
			return false;
		}
		try {
			certificate.verify(certificate.getPublicKey());
			return true;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return false;
		}
	}

	private static KeyMaterialException mismatch(String source, String subject, String reason,
			@Nullable Throwable cause) {
		return new KeyMaterialException(KeyMaterialException.Problem.KEY_MISMATCH,
				"The private key from " + source + " does not belong to certificate " + subject + ": " + reason, cause);
	}

	private static Signature signature(String algorithm, @Nullable Provider provider) throws GeneralSecurityException {
		Signature signature = (provider != null) ? Signature.getInstance(algorithm, provider)
				: Signature.getInstance(algorithm);
		if (algorithm.equals("RSASSA-PSS")) {
			signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
		}
		return signature;
	}

	static String family(String keyAlgorithm) {
		String upper = keyAlgorithm.toUpperCase(Locale.ROOT);
		return switch (upper) {
			case "RSA", "RSASSA-PSS" -> "RSA";
			case "EC", "ECDSA" -> "EC";
			case "EDDSA", "ED25519", "ED448" -> "EdDSA";
			default -> upper;
		};
	}

	private static @Nullable String signatureAlgorithm(String family, PrivateKey privateKey) {
		return switch (family) {
			case "RSA" -> privateKey.getAlgorithm().equalsIgnoreCase("RSASSA-PSS") ? "RSASSA-PSS" : "SHA256withRSA";
			case "EC" -> "SHA256withECDSA";
			case "EdDSA" -> edDsaAlgorithm(privateKey);
			case "DSA" -> "SHA256withDSA";
			default -> null;
		};
	}

	private static String edDsaAlgorithm(PrivateKey privateKey) {
		if (privateKey instanceof EdECKey edKey) {
			return edKey.getParams().getName();
		}
		String algorithm = privateKey.getAlgorithm();
		if (algorithm.equalsIgnoreCase("Ed25519") || algorithm.equalsIgnoreCase("Ed448")) {
			return algorithm;
		}
		byte[] encoded = privateKey.getEncoded();
		if (encoded != null) {
			try {
				PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
				if (EdECObjectIdentifiers.id_Ed448.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
					return "Ed448";
				}
			}
			catch (RuntimeException ex) {
				// Not PKCS#8: fall through to Ed25519, by far the most common.
			}
		}
		return "Ed25519";
	}

}
