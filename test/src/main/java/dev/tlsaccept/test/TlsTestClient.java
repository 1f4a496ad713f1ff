package dev.tlsaccept.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.server.TlsServer;
import org.jspecify.annotations.Nullable;

/**
 * A TLS client for tests (the JDK's own, SunJSSE) that connects to a listener and trusts
 * its certificates. Immutable: each {@code with…} method returns a new client, so one
 * client can be shared by the tests of a class and varied per test.
 *
 * <pre class="code">
 * TlsTestClient client = TlsTestClient.forServer(server);
 * try (TlsTestConnection connection = client.withProtocols("TLSv1.3").connect()) {
 *     connection.writeLine("hello");
 *     assertThat(connection.readLine()).isEqualTo("hello");
 * }
 * ClientHandshake refused = client.withProtocols("TLSv1.2").handshake();
 * </pre>
 *
 * <p>
 * Trust: a client {@link #forServer made for a server} trusts exactly the certificates
 * the server presents at the time of each connection (its key material, SNI key material
 * included, self-signed or not), read afresh for each connection so that a reloaded
 * certificate is trusted too; {@link #withTrustedCertificates} replaces them. Host names
 * are not verified: the trust is pinned to those certificates.
 */
public final class TlsTestClient {

	/** The default timeout of a connection: connect, handshake and each read. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Supplier<InetSocketAddress> address;

	private final Supplier<List<X509Certificate>> trusted;

	private final List<String> protocols;

	private final List<String> cipherSuites;

	private final @Nullable String serverName;

	private final List<String> applicationProtocols;

	private final @Nullable KeyMaterial clientCertificate;

	private final Duration timeout;

	private TlsTestClient(Supplier<InetSocketAddress> address, Supplier<List<X509Certificate>> trusted,
			List<String> protocols, List<String> cipherSuites, @Nullable String serverName,
			List<String> applicationProtocols, @Nullable KeyMaterial clientCertificate, Duration timeout) {
		this.address = address;
		this.trusted = trusted;
		this.protocols = List.copyOf(protocols);
		this.cipherSuites = List.copyOf(cipherSuites);
		this.serverName = serverName;
		this.applicationProtocols = List.copyOf(applicationProtocols);
		this.clientCertificate = clientCertificate;
		this.timeout = timeout;
	}

	/**
	 * A client for a running server: it connects to the server's port on the loopback
	 * address (or on the address the server is bound to) and trusts the certificates the
	 * server presents.
	 * @param server the server
	 * @return the client
	 */
	public static TlsTestClient forServer(TlsServer server) {
		Objects.requireNonNull(server, "server must not be null");
		return forServer(() -> server);
	}

	/**
	 * A client for whatever server the supplier returns at each connection (a listener
	 * that is restarted runs a new server).
	 * @param server supplies the current server
	 * @return the client
	 */
	public static TlsTestClient forServer(Supplier<TlsServer> server) {
		Objects.requireNonNull(server, "server must not be null");
		return new TlsTestClient(() -> addressOf(server.get()), () -> presentedBy(server.get().context().config()),
				List.of(), List.of(), null, List.of(), null, DEFAULT_TIMEOUT);
	}

	/**
	 * A client for any TLS server at that address; give it what to trust with
	 * {@link #withTrustedCertificates}.
	 * @param address the server's address
	 * @return the client, trusting nothing yet
	 */
	public static TlsTestClient forAddress(InetSocketAddress address) {
		Objects.requireNonNull(address, "address must not be null");
		return new TlsTestClient(() -> address, List::of, List.of(), List.of(), null, List.of(), null, DEFAULT_TIMEOUT);
	}

	private static InetSocketAddress addressOf(TlsServer server) {
		InetSocketAddress local = server.localAddress();
		if (local == null || server.state() != TlsServer.State.RUNNING) {
			throw new IllegalStateException("TLS listener '" + server.settings().name() + "' is not running (state "
					+ server.state() + "): start it before connecting");
		}
		InetAddress address = local.getAddress();
		if (address == null || address.isAnyLocalAddress()) {
			address = InetAddress.getLoopbackAddress();
		}
		return new InetSocketAddress(address, local.getPort());
	}

	private static List<X509Certificate> presentedBy(TlsConfig config) {
		Set<X509Certificate> certificates = new LinkedHashSet<>(config.keyMaterial().certificateChain());
		config.serverNameKeyMaterial().values().forEach((material) -> certificates.addAll(material.certificateChain()));
		return List.copyOf(certificates);
	}

	/**
	 * Trust these certificates instead: a CA, or the server's own certificate.
	 * @param certificates the trust anchors
	 * @return a new client
	 */
	public TlsTestClient withTrustedCertificates(X509Certificate... certificates) {
		List<X509Certificate> anchors = List.of(certificates);
		return new TlsTestClient(this.address, () -> anchors, this.protocols, this.cipherSuites, this.serverName,
				this.applicationProtocols, this.clientCertificate, this.timeout);
	}

	/**
	 * Offer only these protocols, e.g. {@code TLSv1.2}. The JDK's
	 * {@code jdk.tls.disabledAlgorithms} still applies: it cannot offer TLS 1.1 or older
	 * in a default JDK.
	 * @param protocols the protocols, as the JDK names them
	 * @return a new client
	 */
	public TlsTestClient withProtocols(String... protocols) {
		return new TlsTestClient(this.address, this.trusted, List.of(protocols), this.cipherSuites, this.serverName,
				this.applicationProtocols, this.clientCertificate, this.timeout);
	}

	/**
	 * Offer only these cipher suites, e.g. {@code TLS_AES_256_GCM_SHA384}.
	 * @param cipherSuites the suites, as IANA (and the JDK) names them
	 * @return a new client
	 */
	public TlsTestClient withCipherSuites(String... cipherSuites) {
		return new TlsTestClient(this.address, this.trusted, this.protocols, List.of(cipherSuites), this.serverName,
				this.applicationProtocols, this.clientCertificate, this.timeout);
	}

	/**
	 * Send this host name in the SNI extension (none is sent by default).
	 * @param serverName the host name, e.g. {@code api.example.com}
	 * @return a new client
	 */
	public TlsTestClient withServerName(String serverName) {
		Objects.requireNonNull(serverName, "serverName must not be null");
		return new TlsTestClient(this.address, this.trusted, this.protocols, this.cipherSuites, serverName,
				this.applicationProtocols, this.clientCertificate, this.timeout);
	}

	/**
	 * Offer these application protocols (ALPN), in preference order.
	 * @param applicationProtocols the protocols, e.g. {@code h2}, {@code http/1.1}
	 * @return a new client
	 */
	public TlsTestClient withApplicationProtocols(String... applicationProtocols) {
		return new TlsTestClient(this.address, this.trusted, this.protocols, this.cipherSuites, this.serverName,
				List.of(applicationProtocols), this.clientCertificate, this.timeout);
	}

	/**
	 * Present this certificate when the server asks for one.
	 * @param identity the client's key and chain, e.g. {@link TestPki#client()}
	 * @return a new client
	 */
	public TlsTestClient withClientCertificate(TestPki.Identity identity) {
		Objects.requireNonNull(identity, "identity must not be null");
		return withClientCertificate(identity.keyMaterial());
	}

	/**
	 * Present this key material when the server asks for a certificate.
	 * @param keyMaterial the client's key and chain
	 * @return a new client
	 */
	public TlsTestClient withClientCertificate(KeyMaterial keyMaterial) {
		Objects.requireNonNull(keyMaterial, "keyMaterial must not be null");
		return new TlsTestClient(this.address, this.trusted, this.protocols, this.cipherSuites, this.serverName,
				this.applicationProtocols, keyMaterial, this.timeout);
	}

	/**
	 * Give up connecting, handshaking or reading after this long.
	 * @param timeout the timeout; {@link #DEFAULT_TIMEOUT} unless set
	 * @return a new client
	 */
	public TlsTestClient withTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, for example Duration.ofSeconds(10)");
		}
		return new TlsTestClient(this.address, this.trusted, this.protocols, this.cipherSuites, this.serverName,
				this.applicationProtocols, this.clientCertificate, timeout);
	}

	/**
	 * Connect and complete the handshake.
	 * @return the established connection; close it
	 * @throws IOException when the connection or the handshake fails (an
	 * {@link javax.net.ssl.SSLException} for a TLS failure)
	 */
	public TlsTestConnection connect() throws IOException {
		SSLSocket socket = open();
		try {
			socket.startHandshake();
			return new TlsTestConnection(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Connect, try the handshake and close, reporting a TLS failure instead of throwing
	 * it: for a test that expects the server to refuse. The server's own record of the
	 * handshake is the authority ({@link HandshakeAssertions}); in TLS 1.3 the client
	 * finishes before the server has checked its certificate, so a refused client
	 * certificate may show here as a success.
	 * @return what the client saw
	 * @throws IOException when the TCP connection cannot be made at all
	 */
	public ClientHandshake handshake() throws IOException {
		try (SSLSocket socket = open()) {
			InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
			try {
				socket.startHandshake();
				return new ClientHandshake(local, socket.getSession().getProtocol(),
						socket.getSession().getCipherSuite(), emptyToNull(socket.getApplicationProtocol()), null);
			}
			catch (IOException ex) {
				return new ClientHandshake(local, null, null, null, ex);
			}
		}
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	private SSLSocket open() throws IOException {
		InetSocketAddress target = this.address.get();
		SSLContext context = sslContext();
		Socket plain = new Socket();
		try {
			int millis = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
			plain.setSoTimeout(millis);
			plain.connect(target, millis);
			SSLSocket socket = (SSLSocket) context.getSocketFactory()
				.createSocket(plain, target.getHostString(), target.getPort(), true);
			SSLParameters parameters = socket.getSSLParameters();
			if (!this.protocols.isEmpty()) {
				parameters.setProtocols(this.protocols.toArray(new String[0]));
			}
			if (!this.cipherSuites.isEmpty()) {
				parameters.setCipherSuites(this.cipherSuites.toArray(new String[0]));
			}
			parameters
				.setServerNames((this.serverName != null) ? List.of(new SNIHostName(this.serverName)) : List.of());
			if (!this.applicationProtocols.isEmpty()) {
				parameters.setApplicationProtocols(this.applicationProtocols.toArray(new String[0]));
			}
			socket.setSSLParameters(parameters);
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			plain.close();
			throw ex;
		}
	}

	private SSLContext sslContext() {
		try {
			KeyStore trustStore = KeyStore.getInstance("PKCS12");
			trustStore.load(null, null);
			List<X509Certificate> anchors = this.trusted.get();
			for (int i = 0; i < anchors.size(); i++) {
				trustStore.setCertificateEntry("trusted-" + i, anchors.get(i));
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trustStore);
			KeyManager[] keyManagers = (this.clientCertificate != null)
					? new KeyManager[] { new PresentingKeyManager(this.clientCertificate) } : null;
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers, trust.getTrustManagers(), new SecureRandom());
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot build the test client's SSLContext: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Presents its one certificate whenever the server asks, also when the server's list
	 * of accepted issuers does not name its CA (the JDK's own key manager would then send
	 * none): a test of an untrusted certificate needs it sent.
	 */
	private static final class PresentingKeyManager extends X509ExtendedKeyManager {

		private static final String ALIAS = "client";

		private final KeyMaterial keyMaterial;

		PresentingKeyManager(KeyMaterial keyMaterial) {
			this.keyMaterial = keyMaterial;
		}

		@Override
		public String[] getClientAliases(String keyType, Principal @Nullable [] issuers) {
			return new String[] { ALIAS };
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
			return ALIAS;
		}

		@Override
		public String chooseEngineClientAlias(String[] keyType, Principal @Nullable [] issuers,
				@Nullable SSLEngine engine) {
			return ALIAS;
		}

		@Override
		public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
			return null;
		}

		@Override
		public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers,
				@Nullable Socket socket) {
			return null;
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return this.keyMaterial.certificateChain().toArray(new X509Certificate[0]);
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.keyMaterial.privateKey();
		}

	}

	@Override
	public String toString() {
		List<String> options = new ArrayList<>();
		if (!this.protocols.isEmpty()) {
			options.add("protocols=" + this.protocols);
		}
		if (!this.cipherSuites.isEmpty()) {
			options.add("cipherSuites=" + this.cipherSuites);
		}
		if (this.serverName != null) {
			options.add("serverName=" + this.serverName);
		}
		if (!this.applicationProtocols.isEmpty()) {
			options.add("applicationProtocols=" + this.applicationProtocols);
		}
		if (this.clientCertificate != null) {
			options.add("clientCertificate=" + this.clientCertificate.leaf().getSubjectX500Principal().getName());
		}
		return "TlsTestClient" + options;
	}

}
