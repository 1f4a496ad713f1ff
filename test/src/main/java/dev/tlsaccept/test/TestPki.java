package dev.tlsaccept.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.keys.TrustMaterial;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority generated in memory for tests, issuing server and client
 * certificates: EC P-256 keys, SHA256withECDSA signatures, made by the JDK's own
 * providers (Bouncy Castle only builds the certificate structures; no provider is
 * registered).
 *
 * <pre class="code">
 * TestPki pki = TestPki.create();
 * TestPki.Identity server = pki.server();             // localhost, 127.0.0.1, ::1
 * TestPki.Identity alice = pki.issueClient("alice");  // CN=alice, clientAuth
 * server.writePem(directory, "server");               // server.pem (leaf + CA), server.key
 * pki.writeCaPem(directory.resolve("ca.pem"));        // for a listener's trust-store
 * </pre>
 *
 * <p>
 * Certificates are valid from one hour ago for 30 days unless issued with explicit dates
 * ({@link #issueClient(String, Instant, Instant)}, for an expired certificate). Instances
 * are thread-safe.
 */
public final class TestPki {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Duration VALIDITY = Duration.ofDays(30);

	private final Identity ca;

	private volatile @Nullable Identity server;

	private volatile @Nullable Identity client;

	private TestPki(String caName) {
		Instant now = Instant.now();
		KeyPair keys = newKeyPair();
		X500Name name = new X500Name(caName);
		try {
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serialNumber(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, keys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
			X509Certificate certificate = sign(builder, keys.getPrivate());
			this.ca = new Identity(keys.getPrivate(), List.of(certificate));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot generate the test CA: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A new CA, {@code CN=tlsaccept test CA}, independent of every other.
	 * @return the CA
	 */
	public static TestPki create() {
		return create("CN=tlsaccept test CA,O=tlsaccept");
	}

	/**
	 * A new CA with that subject, independent of every other.
	 * @param subject the CA's distinguished name, e.g. {@code CN=partner CA,O=partner}
	 * @return the CA
	 */
	public static TestPki create(String subject) {
		Objects.requireNonNull(subject, "subject must not be null");
		return new TestPki(subject);
	}

	/**
	 * The CA itself: its self-signed certificate and key.
	 * @return the CA identity
	 */
	public Identity ca() {
		return this.ca;
	}

	/**
	 * The CA certificate, the trust anchor of every certificate it issues.
	 * @return the CA certificate
	 */
	public X509Certificate caCertificate() {
		return this.ca.certificate();
	}

	/**
	 * The CA certificate as engine trust material, e.g. for a listener's
	 * {@code TlsConfig.Builder.trustMaterial} to verify client certificates.
	 * @return trust material with the CA certificate
	 */
	public TrustMaterial trustMaterial() {
		return KeyMaterials.trustFromPemContent(pem(caCertificate()), "test CA " + subject(caCertificate()));
	}

	/**
	 * A server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1},
	 * issued once per CA.
	 * @return the server identity
	 */
	public Identity server() {
		Identity identity = this.server;
		if (identity == null) {
			synchronized (this) {
				identity = this.server;
				if (identity == null) {
					identity = issueServer("localhost", "127.0.0.1", "::1");
					this.server = identity;
				}
			}
		}
		return identity;
	}

	/**
	 * A client certificate {@code CN=test client}, issued once per CA.
	 * @return the client identity
	 */
	public Identity client() {
		Identity identity = this.client;
		if (identity == null) {
			synchronized (this) {
				identity = this.client;
				if (identity == null) {
					identity = issueClient("test client");
					this.client = identity;
				}
			}
		}
		return identity;
	}

	/**
	 * Issue a server certificate ({@code serverAuth}) for those names.
	 * @param hostNames DNS names or IP addresses, the first also the common name
	 * @return a new server identity
	 */
	public Identity issueServer(String... hostNames) {
		if (hostNames.length == 0) {
			throw new IllegalArgumentException("Name at least one host, for example \"localhost\"");
		}
		List<GeneralName> names = new ArrayList<>();
		for (String host : hostNames) {
			boolean address = host.contains(":") || host.matches("[0-9.]+");
			names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host));
		}
		Instant now = Instant.now();
		return issue("CN=" + hostNames[0], now.minus(Duration.ofHours(1)), now.plus(VALIDITY),
				KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(new GeneralName[0])));
	}

	/**
	 * Issue a client certificate ({@code clientAuth}) valid from one hour ago for 30
	 * days.
	 * @param commonName the subject's common name, e.g. {@code alice}
	 * @return a new client identity, subject {@code CN=<commonName>}
	 */
	public Identity issueClient(String commonName) {
		Instant now = Instant.now();
		return issueClient(commonName, now.minus(Duration.ofHours(1)), now.plus(VALIDITY));
	}

	/**
	 * Issue a client certificate valid between two instants, for example one that expired
	 * yesterday.
	 * @param commonName the subject's common name
	 * @param notBefore the start of validity
	 * @param notAfter the end of validity
	 * @return a new client identity
	 */
	public Identity issueClient(String commonName, Instant notBefore, Instant notAfter) {
		Objects.requireNonNull(commonName, "commonName must not be null");
		return issue("CN=" + commonName, notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, null);
	}

	/**
	 * Write the CA certificate as PEM, for a listener's {@code trust-store.certificate}
	 * or a peer's {@code -CAfile}.
	 * @param file the file to write
	 * @return the file
	 */
	public Path writeCaPem(Path file) {
		return write(file, pem(caCertificate()));
	}

	private Identity issue(String subject, Instant notBefore, Instant notAfter, KeyPurposeId purpose,
			@Nullable GeneralNames subjectAlternativeNames) {
		KeyPair keys = newKeyPair();
		try {
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate(), serialNumber(),
					Date.from(notBefore), Date.from(notAfter), new X500Name(subject), keys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keys.getPublic()))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(caCertificate()));
			if (subjectAlternativeNames != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
			}
			X509Certificate certificate = sign(builder, this.ca.privateKey());
			return new Identity(keys.getPrivate(), List.of(certificate, caCertificate()));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot issue a test certificate for " + subject + ": " + ex.getMessage(),
					ex);
		}
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
			throws GeneralSecurityException, IOException {
		try {
			byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)).getEncoded();
			// the JDK's own certificate objects, as SunJSSE and every engine expect
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(der));
		}
		catch (OperatorCreationException ex) {
			throw new GeneralSecurityException(ex.getMessage(), ex);
		}
	}

	private static KeyPair newKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot generate an EC P-256 key: " + ex.getMessage(), ex);
		}
	}

	private static BigInteger serialNumber() {
		return new BigInteger(127, RANDOM).setBit(126);
	}

	private static String subject(X509Certificate certificate) {
		return certificate.getSubjectX500Principal().getName();
	}

	/**
	 * The PEM text of a certificate ({@code CERTIFICATE}).
	 * @param certificate the certificate
	 * @return its PEM text
	 */
	public static String pem(X509Certificate certificate) {
		try {
			return pem("CERTIFICATE", certificate.getEncoded());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encode " + subject(certificate), ex);
		}
	}

	private static String pem(String label, byte[] der) {
		String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der);
		return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
	}

	private static Path write(Path file, String content) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			return Files.writeString(file, content, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	/**
	 * A private key with its certificate chain, leaf first (the issuing CA follows an
	 * issued leaf).
	 *
	 * @param privateKey the private key
	 * @param certificateChain the chain, leaf first
	 */
	public record Identity(PrivateKey privateKey, List<X509Certificate> certificateChain) {

		/**
		 * An identity from a key and its chain.
		 * @param privateKey the private key
		 * @param certificateChain the chain, leaf first; not empty
		 */
		public Identity {
			Objects.requireNonNull(privateKey, "privateKey must not be null");
			certificateChain = List.copyOf(certificateChain);
			if (certificateChain.isEmpty()) {
				throw new IllegalArgumentException("certificateChain must hold at least the leaf certificate");
			}
		}

		/**
		 * The leaf certificate.
		 * @return the first certificate of the chain
		 */
		public X509Certificate certificate() {
			return this.certificateChain.get(0);
		}

		/**
		 * This identity as engine key material, e.g. for {@code TlsConfig.builder}.
		 * @return the key material
		 */
		public KeyMaterial keyMaterial() {
			return KeyMaterial.of(this.privateKey, this.certificateChain, "test PKI " + subject(certificate()));
		}

		/**
		 * Write the chain and the key as PEM files: {@code <name>.pem} (certificates,
		 * leaf first) and {@code <name>.key} (unencrypted PKCS#8 {@code PRIVATE KEY},
		 * with the curve and public key inside, as GnuTLS needs), e.g. for a listener's
		 * {@code key-store.certificate} and {@code key-store.private-key}, or a peer's
		 * {@code -cert} and {@code -key}.
		 * @param directory where to write
		 * @param name the file names' stem
		 * @return the two files
		 */
		public PemFiles writePem(Path directory, String name) {
			StringBuilder chain = new StringBuilder();
			this.certificateChain.forEach((certificate) -> chain.append(pem(certificate)));
			Path certificate = write(directory.resolve(name + ".pem"), chain.toString());
			Path key = write(directory.resolve(name + ".key"), pem("PRIVATE KEY", pkcs8()));
			return new PemFiles(certificate, key);
		}

		private byte[] pkcs8() {
			if (!(this.privateKey instanceof ECPrivateKey ec)) {
				return this.privateKey.getEncoded();
			}
			try {
				// the JDK's own encoding leaves the public key out: OpenSSL accepts it,
				// GnuTLS does not
				PublicKey publicKey = certificate().getPublicKey();
				SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
				org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
						ec.getParams().getOrder().bitLength(), ec.getS(), info.getPublicKeyData(),
						info.getAlgorithm().getParameters());
				return new PrivateKeyInfo(info.getAlgorithm(), sec1).getEncoded(ASN1Encoding.DER);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public String toString() {
			return "Identity[" + subject(certificate()) + "]";
		}

	}

	/**
	 * Where {@link Identity#writePem} wrote an identity.
	 *
	 * @param certificate the PEM certificate chain, leaf first
	 * @param privateKey the PEM private key
	 */
	public record PemFiles(Path certificate, Path privateKey) {

	}

}
