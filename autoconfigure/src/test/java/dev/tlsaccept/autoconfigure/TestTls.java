package dev.tlsaccept.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import dev.tlsaccept.keys.KeyMaterial;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test support: a trust-all JDK client, and key material written as PEM or PKCS12 files.
 */
public final class TestTls {

	private TestTls() {
	}

	/**
	 * A connected client socket that has completed its handshake, trusting any
	 * certificate.
	 * @param port the port on 127.0.0.1
	 * @param protocol the protocol to offer, e.g. TLSv1.3
	 * @return the socket
	 */
	static SSLSocket connect(int port, String protocol) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TrustAll() }, new SecureRandom());
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		socket.setEnabledProtocols(new String[] { protocol });
		socket.startHandshake();
		return socket;
	}

	/**
	 * The leaf certificate a listener presents in a fresh handshake.
	 * @param port the port on 127.0.0.1
	 * @return the certificate
	 */
	static X509Certificate serverCertificate(int port) throws Exception {
		try (SSLSocket socket = connect(port, "TLSv1.3")) {
			return (X509Certificate) socket.getSession().getPeerCertificates()[0];
		}
	}

	/**
	 * Send a line and read one line back.
	 * @param socket a connected socket
	 * @param line the line to send
	 * @return the line read
	 */
	static String exchange(SSLSocket socket, String line) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
	}

	static Path writeCertificatePem(KeyMaterial material, Path file) throws IOException {
		Files.writeString(file, pem(material.leaf()));
		return file;
	}

	/**
	 * PKCS#8 ("PRIVATE KEY"): SEC1 as BC writes it has no curve parameters, which Spring
	 * cannot read.
	 */
	static Path writeKeyPem(KeyMaterial material, Path file) throws IOException {
		Files.writeString(file, pem(new JcaPKCS8Generator(material.privateKey(), null).generate()));
		return file;
	}

	static Path writePkcs12(KeyMaterial material, Path file, String password) throws Exception {
		KeyStore store = material.toKeyStore(password.toCharArray());
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, password.toCharArray());
		}
		return file;
	}

	private static String pem(Object object) throws IOException {
		Writer text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(object);
		}
		return text.toString();
	}

	public static final class TrustAll implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

	/**
	 * A self-signed RSA 2048 certificate for {@code CN=localhost}, valid from
	 * {@code notBefore} for {@code validity}.
	 * @param notBefore the start of validity
	 * @param validity how long it is valid
	 * @return the key material
	 */
	static KeyMaterial rsaKeyMaterial(Instant notBefore, Duration validity) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keyPair = generator.generateKeyPair();
		X500Principal subject = new X500Principal("CN=localhost");
		JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
				BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notBefore.plus(validity)),
				subject, keyPair.getPublic());
		X509Certificate certificate = new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
		return KeyMaterial.of(keyPair.getPrivate(), List.of(certificate), "test RSA key");
	}

	/**
	 * A PROXY protocol v2 {@code PROXY} header for a TCP over IPv4 client, as a
	 * balancer's {@code send-proxy-v2} writes it (destination 198.51.100.1:443).
	 * @param client the client the header names
	 * @param tlvs the TLVs after the addresses, already encoded
	 * @return the header
	 */
	public static byte[] proxyV2(InetSocketAddress client, byte[] tlvs) {
		ByteBuffer header = ByteBuffer.allocate(16 + 12 + tlvs.length);
		header.put(PROXY_V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) (12 + tlvs.length));
		header.put(client.getAddress().getAddress()).put(new byte[] { (byte) 198, 51, 100, 1 });
		header.putShort((short) client.getPort()).putShort((short) 443);
		return header.put(tlvs).array();
	}

	/**
	 * A PROXY protocol v2 {@code LOCAL} header, as HAProxy's health checks send it.
	 * @return the header
	 */
	public static byte[] proxyV2Local() {
		return ByteBuffer.allocate(16)
			.put(PROXY_V2_SIGNATURE)
			.put((byte) 0x20)
			.put((byte) 0x00)
			.putShort((short) 0)
			.array();
	}

	private static final byte[] PROXY_V2_SIGNATURE = { '\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T',
			'\n' };

}
