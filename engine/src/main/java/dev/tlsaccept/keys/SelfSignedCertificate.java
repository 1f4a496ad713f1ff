package dev.tlsaccept.keys;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Generates a self-signed certificate at startup, so that a listener runs with zero
 * setup. Clients will not trust it: it is for development, never for production.
 *
 * <p>
 * EC P-256 key, SHA256withECDSA, subject {@code CN=tlsaccept self-signed}, subject
 * alternative names {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the local host
 * name when it resolves; a server-only end-entity certificate.
 */
public final class SelfSignedCertificate {

	static final String SUBJECT = "CN=tlsaccept self-signed";

	static final String SOURCE = "self-signed (generated at startup)";

	static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

	private static final Logger logger = System.getLogger(SelfSignedCertificate.class.getName());

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Pattern DNS_NAME = Pattern
		.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

	private SelfSignedCertificate() {
	}

	/**
	 * Generates a certificate valid from one minute ago for 365 days.
	 * @return the key material, {@link KeyMaterial#selfSigned() self-signed}
	 */
	public static KeyMaterial generate() {
		return generate(Clock.systemUTC(), DEFAULT_VALIDITY);
	}

	/**
	 * Generates a certificate valid from one minute before the clock's instant until
	 * {@code validity} after it.
	 * @param clock the clock giving the current instant
	 * @param validity how long the certificate is valid; must be positive
	 * @return the key material, {@link KeyMaterial#selfSigned() self-signed}
	 */
	public static KeyMaterial generate(Clock clock, Duration validity) {
		Objects.requireNonNull(clock, "clock must not be null");
		Objects.requireNonNull(validity, "validity must not be null");
		if (validity.isNegative() || validity.isZero()) {
			throw new IllegalArgumentException("validity must be positive, for example Duration.ofDays(365)");
		}
		List<String> dnsNames = new ArrayList<>(List.of("localhost"));
		String hostName = localHostName();
		if (hostName != null && !dnsNames.contains(hostName)) {
			dnsNames.add(hostName);
		}
		List<String> ipAddresses = List.of("127.0.0.1", "::1");
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			KeyPair keyPair = generator.generateKeyPair();
			Instant now = clock.instant();
			X500Principal subject = new X500Principal(SUBJECT);
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
					Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), subject,
					keyPair.getPublic());
			List<GeneralName> names = new ArrayList<>();
			dnsNames.forEach((name) -> names.add(new GeneralName(GeneralName.dNSName, name)));
			ipAddresses.forEach((address) -> names.add(new GeneralName(GeneralName.iPAddress, address)));
			JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
				.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(names.toArray(new GeneralName[0])))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensionUtils.createSubjectKeyIdentifier(keyPair.getPublic()));
			ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
				.build(keyPair.getPrivate());
			X509CertificateHolder holder = builder.build(signer);
			X509Certificate certificate = JdkObjects.certificate(holder.getEncoded());
			KeyMaterial material = KeyMaterial.of(keyPair.getPrivate(), List.of(certificate), SOURCE);
			List<String> sans = new ArrayList<>(dnsNames);
			sans.addAll(ipAddresses);
			logger.log(Level.WARNING, () -> "Generated a self-signed certificate for " + String.join(", ", sans)
					+ "; clients will not trust it. Configure an SSL bundle or key-store for production.");
			return material;
		}
		catch (GeneralSecurityException | OperatorCreationException | IOException ex) {
			throw new IllegalStateException("Cannot generate a self-signed EC P-256 certificate: " + ex.getMessage(),
					ex);
		}
	}

	private static BigInteger serialNumber() {
		// 128 random bits with the top bit set: positive, always 16 bytes of
		// entropy-bearing length.
		return new BigInteger(128, RANDOM).setBit(127);
	}

	private static @Nullable String localHostName() {
		try {
			String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
			if (name.endsWith(".")) {
				name = name.substring(0, name.length() - 1);
			}
			// getHostName() falls back to the address text when the name does not
			// resolve.
			boolean isAddress = name.contains(":") || name.matches("[0-9.]+");
			return (!isAddress && name.length() <= 253 && DNS_NAME.matcher(name).matches()) ? name : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
