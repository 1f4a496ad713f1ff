package dev.tlsaccept.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.jspecify.annotations.Nullable;

/**
 * Turns keys and certificates into objects of the JDK's own providers where the JDK can
 * represent them, so that JSSE and the JDK's PKCS12 key store take them without
 * surprises; Bouncy Castle objects (from the private provider instance) only for what the
 * JDK cannot read.
 */
final class JdkObjects {

	private static final Map<ASN1ObjectIdentifier, String> KEY_ALGORITHMS = Map.of(PKCSObjectIdentifiers.rsaEncryption,
			"RSA", PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS", X9ObjectIdentifiers.id_ecPublicKey, "EC",
			EdECObjectIdentifiers.id_Ed25519, "Ed25519", EdECObjectIdentifiers.id_Ed448, "Ed448",
			X9ObjectIdentifiers.id_dsa, "DSA", X509ObjectIdentifiers.id_ea_rsa, "RSA");

	private JdkObjects() {
	}

	static X509Certificate certificate(byte[] encoded) throws CertificateException {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(encoded));
	}

	/**
	 * Returns the certificate as a JDK object, or {@code null} if it is not an X.509
	 * certificate.
	 */
	static @Nullable X509Certificate certificate(Certificate certificate) throws CertificateException {
		if (!(certificate instanceof X509Certificate x509)) {
			return null;
		}
		try {
			return certificate(x509.getEncoded());
		}
		catch (CertificateEncodingException ex) {
			return x509;
		}
	}

	static PrivateKey privateKey(PrivateKeyInfo info) throws PEMException {
		String algorithm = KEY_ALGORITHMS.get(info.getPrivateKeyAlgorithm().getAlgorithm());
		if (algorithm != null) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
			}
			catch (GeneralSecurityException | IOException | RuntimeException ex) {
				// For example EC keys with explicit curve parameters: let Bouncy Castle
				// read them.
			}
		}
		return new JcaPEMKeyConverter().setProvider(BouncyCastle.provider()).getPrivateKey(info);
	}

	/**
	 * Returns the key as a JDK object when it has a PKCS#8 encoding the JDK can read,
	 * otherwise the key itself (for example a key that stays in a hardware token).
	 */
	static PrivateKey privateKey(PrivateKey key) {
		byte[] encoded = ("PKCS#8".equalsIgnoreCase(key.getFormat())) ? key.getEncoded() : null;
		if (encoded == null) {
			return key;
		}
		try {
			PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
			String algorithm = KEY_ALGORITHMS.get(info.getPrivateKeyAlgorithm().getAlgorithm());
			if (algorithm != null) {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
			}
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// Keep the key as it is.
		}
		return key;
	}

}
