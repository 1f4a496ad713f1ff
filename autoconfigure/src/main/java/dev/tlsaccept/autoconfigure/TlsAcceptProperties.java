package dev.tlsaccept.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.logging.LogLevel;

/**
 * Configuration of tlsaccept: named TLS listeners and the handshake history.
 *
 * <pre class="code">
 * tlsaccept:
 *   listeners:
 *     edge:
 *       port: 8443
 *       ssl-bundle: server
 * </pre>
 */
@ConfigurationProperties("tlsaccept")
public class TlsAcceptProperties {

	/**
	 * Prefix of every property of this class.
	 */
	public static final String PREFIX = "tlsaccept";

	/**
	 * Listeners by name; each one binds its own port. No listener is started unless one
	 * is named here.
	 */
	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	/**
	 * History of recent handshakes.
	 */
	private final Handshakes handshakes = new Handshakes();

	/**
	 * The tlsaccept health contributor.
	 */
	private final Health health = new Health();

	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	public Handshakes getHandshakes() {
		return this.handshakes;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * The name of a listener's property, for messages:
	 * {@code tlsaccept.listeners.edge.port}.
	 * @param listener the listener name
	 * @param property the property path below the listener, e.g.
	 * {@code key-store.password}
	 * @return the full property name
	 */
	static String propertyName(String listener, String property) {
		return PREFIX + ".listeners." + listener + "." + property;
	}

	/**
	 * One TLS listener, {@code tlsaccept.listeners.<name>.*}.
	 *
	 * <p>
	 * The configuration processor does not describe the values of a map, so this class
	 * also carries {@code @ConfigurationProperties("tlsaccept.listeners.*")}: that
	 * documents every listener property (description, type, default) in the generated
	 * metadata. The annotation is for metadata only: a {@code Listener} is bound as a
	 * value of {@link #getListeners()}, never as a bean of its own.
	 */
	@ConfigurationProperties("tlsaccept.listeners.*")
	public static class Listener {

		/**
		 * Whether to start this listener.
		 */
		private boolean enabled = true;

		/**
		 * Address to listen on, an IP address or a host name. Listens on every interface
		 * when not set.
		 */
		private @Nullable String address;

		/**
		 * Port to listen on; 0 for an ephemeral port. The bound port is published as the
		 * 'local.tlsaccept.<name>.port' property and in a TlsListenerStartedEvent.
		 */
		private int port = 8443;

		/**
		 * TLS engine that runs the handshakes: jdk, bouncy-castle or openssl (the last
		 * two need their optional dependencies).
		 */
		private String engine = "jdk";

		/**
		 * How handshakes are run: blocking (one thread per pending handshake),
		 * non-blocking (a selector: a pending handshake holds no thread) or pair (socket
		 * bytes pumped through an in-memory BIO pair).
		 */
		private BioMode bioMode = BioMode.NON_BLOCKING;

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) that holds the key material and,
		 * if any, the trusted certificates for client authentication. Takes precedence
		 * over key-store and trust-store. An update of the bundle applies to new
		 * handshakes.
		 */
		private @Nullable String sslBundle;

		/**
		 * Inline key material: a key store file, or PEM certificate chain and private key
		 * files. When neither this nor ssl-bundle is set, a self-signed certificate is
		 * generated at startup (for development only).
		 */
		private final KeyStore keyStore = new KeyStore();

		/**
		 * Inline trusted certificates for client authentication: a trust store file or a
		 * PEM file.
		 */
		private final TrustStore trustStore = new TrustStore();

		private final Sni sni = new Sni();

		private final SessionTickets sessionTickets = new SessionTickets();

		/**
		 * Protocols to enable, e.g. TLSv1.3, TLSv1.2. Defaults to the SSL bundle's
		 * enabled protocols if set, else TLSv1.3 and TLSv1.2.
		 */
		private @Nullable List<String> protocols;

		/**
		 * Cipher suites to enable, in IANA names (TLS_AES_128_GCM_SHA256). Defaults to
		 * the SSL bundle's ciphers if set, else TLS 1.3 AEAD suites and TLS 1.2 ECDHE
		 * AEAD suites.
		 */
		private @Nullable List<String> cipherSuites;

		/**
		 * Key-exchange groups to offer, in order of preference, by IANA name, e.g.
		 * X25519MLKEM768 (hybrid post-quantum), x25519, secp256r1. Each must be supported
		 * by the engine: startup fails naming the supported ones. Engine jdk needs JDK 20
		 * or later (and has no hybrid groups on JDK 17). Defaults to the engine's own
		 * groups.
		 */
		private List<String> groups = new ArrayList<>();

		/**
		 * Whether to ask the client for a certificate: none, want or need. 'want' and
		 * 'need' require trusted certificates (trust-store or the SSL bundle's trust
		 * store).
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		/**
		 * ALPN protocols accepted, in order of preference, e.g. h2. ALPN is disabled when
		 * empty.
		 */
		private List<String> applicationProtocols = new ArrayList<>();

		/**
		 * How long a handshake may take before it fails with '-1 SYSCALL'.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		/**
		 * Maximum number of open connections, pending handshakes and established
		 * connections together; further connections are closed at once and recorded.
		 */
		private int maxConnections = 10000;

		/**
		 * Maximum number of handshakes in progress at once. In non-blocking and pair
		 * modes a new connection beyond it takes the slot of the handshake that has been
		 * silent the longest (cut and recorded); in blocking mode it is closed at once
		 * and recorded.
		 */
		private int maxPendingHandshakes = 1000;

		/**
		 * How long an established connection may stay without reads and writes before the
		 * listener sends close_notify and closes it. 0 for none; a handler may override
		 * it per connection.
		 */
		private Duration idleTimeout = Duration.ofMinutes(10);

		/**
		 * How long an established connection may stay open at most, counted from the end
		 * of its handshake, before the listener sends close_notify and closes it. 0 (the
		 * default) for no limit; a handler may override it per connection.
		 */
		private Duration maxLifetime = Duration.ZERO;

		/**
		 * Maximum number of handshakes in progress at once from one source (an IPv4
		 * address or an IPv6 /64, see source-prefix-ipv4 and source-prefix-ipv6); further
		 * connections from it are closed at once and recorded. Unlimited when not set.
		 */
		private @Nullable Integer maxPendingHandshakesPerSource;

		/**
		 * Maximum number of new connections per second from one source, on average: a
		 * token bucket of handshake-burst-per-source tokens; further connections from it
		 * are closed at once and recorded. Unlimited when not set.
		 */
		private @Nullable Integer maxHandshakesPerSecondPerSource;

		/**
		 * Number of new connections one source may open at once before
		 * max-handshakes-per-second-per-source applies. Defaults to that rate.
		 */
		private @Nullable Integer handshakeBurstPerSource;

		/**
		 * Prefix length that makes IPv4 addresses one source for the limits per source:
		 * 32 for each address, 24 for each /24 network, 0 for all IPv4 clients together.
		 */
		private int sourcePrefixIpv4 = 32;

		/**
		 * Prefix length that makes IPv6 addresses one source for the limits per source.
		 * Each /64 by default, since one host or site usually holds a whole /64.
		 */
		private int sourcePrefixIpv6 = 64;

		/**
		 * Source addresses allowed to connect: IPv4 or IPv6 CIDR blocks such as
		 * 10.0.0.0/8 or 2001:db8::/32, or bare addresses (a /32 or /128), never host
		 * names. When not empty, a connection from any other address is closed at once
		 * and recorded as 'refused: not in allow list'.
		 */
		private List<String> allow = new ArrayList<>();

		/**
		 * Source addresses refused: CIDR blocks or bare addresses, as for allow. A
		 * connection from one is closed at once and recorded as 'refused: deny <block>',
		 * even when allow lists it too.
		 */
		private List<String> deny = new ArrayList<>();

		/**
		 * Whether a PROXY protocol header (HAProxy's v1 text or v2 binary format, as load
		 * balancers send with 'send-proxy-v2') is read before the TLS handshake, so that
		 * records, logs and the allow and deny lists see the real client address.
		 * 'optional' lets trusted proxies send one or not; 'required' refuses every other
		 * source at once. Either way, a header from a source not in trusted-proxies is
		 * refused.
		 */
		private ProxyProtocol proxyProtocol = ProxyProtocol.OFF;

		/**
		 * Sources that may send a PROXY protocol header, the load balancers: CIDR blocks
		 * or bare addresses, as for allow. Needed when proxy-protocol is not 'off'. Their
		 * connections are not subject to allow, deny and the limits per source; the
		 * client each header names is checked against allow and deny instead.
		 */
		private List<String> trustedProxies = new ArrayList<>();

		/**
		 * How long established connections may take to finish when the application stops,
		 * before they are closed with close_notify. Also bounded by
		 * 'spring.lifecycle.timeout-per-shutdown-phase'.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Number of selector threads that run pending handshakes (and their cryptography)
		 * in non-blocking and pair modes. Defaults to the number of available processors.
		 */
		private @Nullable Integer selectorThreads;

		/**
		 * Name of the TlsChannelHandler (event-driven) or TlsConnectionHandler (blocking
		 * streams) bean that serves this listener's established connections. Needed only
		 * when several handler beans exist and none is primary; with no handler bean at
		 * all, the listener completes the handshake and closes (a handshake probe).
		 */
		private @Nullable String handler;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable String address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public String getEngine() {
			return this.engine;
		}

		public void setEngine(String engine) {
			this.engine = engine;
		}

		public BioMode getBioMode() {
			return this.bioMode;
		}

		public void setBioMode(BioMode bioMode) {
			this.bioMode = bioMode;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public KeyStore getKeyStore() {
			return this.keyStore;
		}

		public TrustStore getTrustStore() {
			return this.trustStore;
		}

		public Sni getSni() {
			return this.sni;
		}

		public SessionTickets getSessionTickets() {
			return this.sessionTickets;
		}

		public @Nullable List<String> getProtocols() {
			return this.protocols;
		}

		public void setProtocols(@Nullable List<String> protocols) {
			this.protocols = protocols;
		}

		public @Nullable List<String> getCipherSuites() {
			return this.cipherSuites;
		}

		public void setCipherSuites(@Nullable List<String> cipherSuites) {
			this.cipherSuites = cipherSuites;
		}

		public List<String> getGroups() {
			return this.groups;
		}

		public void setGroups(List<String> groups) {
			this.groups = groups;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

		public List<String> getApplicationProtocols() {
			return this.applicationProtocols;
		}

		public void setApplicationProtocols(List<String> applicationProtocols) {
			this.applicationProtocols = applicationProtocols;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public int getMaxPendingHandshakes() {
			return this.maxPendingHandshakes;
		}

		public void setMaxPendingHandshakes(int maxPendingHandshakes) {
			this.maxPendingHandshakes = maxPendingHandshakes;
		}

		public @Nullable Integer getMaxPendingHandshakesPerSource() {
			return this.maxPendingHandshakesPerSource;
		}

		public void setMaxPendingHandshakesPerSource(@Nullable Integer maxPendingHandshakesPerSource) {
			this.maxPendingHandshakesPerSource = maxPendingHandshakesPerSource;
		}

		public @Nullable Integer getMaxHandshakesPerSecondPerSource() {
			return this.maxHandshakesPerSecondPerSource;
		}

		public void setMaxHandshakesPerSecondPerSource(@Nullable Integer maxHandshakesPerSecondPerSource) {
			this.maxHandshakesPerSecondPerSource = maxHandshakesPerSecondPerSource;
		}

		public @Nullable Integer getHandshakeBurstPerSource() {
			return this.handshakeBurstPerSource;
		}

		public void setHandshakeBurstPerSource(@Nullable Integer handshakeBurstPerSource) {
			this.handshakeBurstPerSource = handshakeBurstPerSource;
		}

		public int getSourcePrefixIpv4() {
			return this.sourcePrefixIpv4;
		}

		public void setSourcePrefixIpv4(int sourcePrefixIpv4) {
			this.sourcePrefixIpv4 = sourcePrefixIpv4;
		}

		public int getSourcePrefixIpv6() {
			return this.sourcePrefixIpv6;
		}

		public void setSourcePrefixIpv6(int sourcePrefixIpv6) {
			this.sourcePrefixIpv6 = sourcePrefixIpv6;
		}

		public List<String> getAllow() {
			return this.allow;
		}

		public void setAllow(List<String> allow) {
			this.allow = allow;
		}

		public List<String> getDeny() {
			return this.deny;
		}

		public void setDeny(List<String> deny) {
			this.deny = deny;
		}

		public ProxyProtocol getProxyProtocol() {
			return this.proxyProtocol;
		}

		public void setProxyProtocol(ProxyProtocol proxyProtocol) {
			this.proxyProtocol = proxyProtocol;
		}

		public List<String> getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(List<String> trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public @Nullable Integer getSelectorThreads() {
			return this.selectorThreads;
		}

		public void setSelectorThreads(@Nullable Integer selectorThreads) {
			this.selectorThreads = selectorThreads;
		}

		public @Nullable String getHandler() {
			return this.handler;
		}

		public void setHandler(@Nullable String handler) {
			this.handler = handler;
		}

	}

	/**
	 * Inline key material of a listener: a key store file, or PEM certificate chain and
	 * private key files.
	 */
	/**
	 * Several certificates on one listener, chosen by the server name a client asks for
	 * (SNI).
	 */
	public static class Sni {

		/**
		 * SSL bundles (spring.ssl.bundle.*) by server name: a host name or a one-label
		 * wildcard such as *.example.com, written in brackets in YAML
		 * ("[api.example.com]": api). A client that sends no name, or one that matches
		 * none, gets the listener's own key material. An update of a bundle applies to
		 * new handshakes. Needs engine jdk.
		 */
		private Map<String, String> bundles = new LinkedHashMap<>();

		/**
		 * Whether to refuse, with an unrecognized_name alert, a client that asks for a
		 * server name that none of the bundles matches.
		 */
		private boolean rejectUnknown;

		public Map<String, String> getBundles() {
			return this.bundles;
		}

		public void setBundles(Map<String, String> bundles) {
			this.bundles = bundles;
		}

		public boolean isRejectUnknown() {
			return this.rejectUnknown;
		}

		public void setRejectUnknown(boolean rejectUnknown) {
			this.rejectUnknown = rejectUnknown;
		}

	}

	/**
	 * Session-ticket keys shared by instances, so that a client resumes (TLS 1.3 PSK, TLS
	 * 1.2 session ticket) on any of them.
	 */
	public static class SessionTickets {

		/**
		 * Locations of session-ticket key files, each 48 random bytes as nginx's
		 * ssl_session_ticket_key takes ('openssl rand 48 > ticket.key'); the first
		 * encrypts new tickets, the others only decrypt (keys being rotated out). Read
		 * again every check-interval: a change applies to new handshakes without a
		 * restart. Needs engine openssl (jdk and bouncy-castle cannot take keys; 80-byte
		 * keys are refused: BoringSSL seals tickets with AES-128).
		 */
		private List<String> keys = new ArrayList<>();

		/**
		 * How often the key files are read again; a changed key applies to new handshakes
		 * within this delay.
		 */
		private Duration checkInterval = Duration.ofSeconds(10);

		public List<String> getKeys() {
			return this.keys;
		}

		public void setKeys(List<String> keys) {
			this.keys = keys;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	public static class KeyStore {

		/**
		 * Location of a key store file (PKCS12, JKS or BCFKS), e.g.
		 * file:/etc/tls/server.p12.
		 */
		private @Nullable String location;

		/**
		 * Type of the key store: PKCS12, JKS or BCFKS. Guessed from the file extension
		 * when not set (.jks, .bcfks, else PKCS12).
		 */
		private @Nullable String type;

		/**
		 * Password of the key store.
		 */
		private @Nullable String password;

		/**
		 * Password of the key entry in the key store. Defaults to the key store password.
		 */
		private @Nullable String keyPassword;

		/**
		 * Alias of the key entry in the key store. Needed only when the store holds
		 * several key entries.
		 */
		private @Nullable String alias;

		/**
		 * Location of a PEM file with the certificate chain, leaf first. Used with
		 * private-key instead of a key store; may be the same file as private-key.
		 */
		private @Nullable String certificate;

		/**
		 * Location of a PEM file with the private key: PKCS#8, encrypted PKCS#8, PKCS#1
		 * or SEC1.
		 */
		private @Nullable String privateKey;

		/**
		 * Password of an encrypted PEM private key.
		 */
		private @Nullable String privateKeyPassword;

		public @Nullable String getLocation() {
			return this.location;
		}

		public void setLocation(@Nullable String location) {
			this.location = location;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getKeyPassword() {
			return this.keyPassword;
		}

		public void setKeyPassword(@Nullable String keyPassword) {
			this.keyPassword = keyPassword;
		}

		public @Nullable String getAlias() {
			return this.alias;
		}

		public void setAlias(@Nullable String alias) {
			this.alias = alias;
		}

		public @Nullable String getCertificate() {
			return this.certificate;
		}

		public void setCertificate(@Nullable String certificate) {
			this.certificate = certificate;
		}

		public @Nullable String getPrivateKey() {
			return this.privateKey;
		}

		public void setPrivateKey(@Nullable String privateKey) {
			this.privateKey = privateKey;
		}

		public @Nullable String getPrivateKeyPassword() {
			return this.privateKeyPassword;
		}

		public void setPrivateKeyPassword(@Nullable String privateKeyPassword) {
			this.privateKeyPassword = privateKeyPassword;
		}

		boolean isConfigured() {
			return this.location != null || this.certificate != null || this.privateKey != null;
		}

	}

	/**
	 * Inline trusted certificates of a listener, for client authentication: a trust store
	 * file or a PEM file.
	 */
	public static class TrustStore {

		/**
		 * Location of a trust store file (PKCS12, JKS or BCFKS) with the certificates
		 * that sign client certificates.
		 */
		private @Nullable String location;

		/**
		 * Type of the trust store: PKCS12, JKS or BCFKS. Guessed from the file extension
		 * when not set.
		 */
		private @Nullable String type;

		/**
		 * Password of the trust store.
		 */
		private @Nullable String password;

		/**
		 * Location of a PEM file with the certificates that sign client certificates.
		 */
		private @Nullable String certificate;

		public @Nullable String getLocation() {
			return this.location;
		}

		public void setLocation(@Nullable String location) {
			this.location = location;
		}

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getCertificate() {
			return this.certificate;
		}

		public void setCertificate(@Nullable String certificate) {
			this.certificate = certificate;
		}

		boolean isConfigured() {
			return this.location != null || this.certificate != null;
		}

	}

	/**
	 * History of recent handshakes.
	 */
	public static class Handshakes {

		/**
		 * Number of recent handshakes kept in memory, newest first; the oldest is
		 * forgotten first.
		 */
		private int capacity = 500;

		/**
		 * Whether load balancers' health checks (PROXY protocol v2 LOCAL connections) get
		 * an observation (a span, a timer sample) like other handshakes. They are
		 * recorded in the history either way.
		 */
		private boolean observeHealthChecks;

		private final Log log = new Log();

		public int getCapacity() {
			return this.capacity;
		}

		public void setCapacity(int capacity) {
			this.capacity = capacity;
		}

		public boolean isObserveHealthChecks() {
			return this.observeHealthChecks;
		}

		public void setObserveHealthChecks(boolean observeHealthChecks) {
			this.observeHealthChecks = observeHealthChecks;
		}

		public Log getLog() {
			return this.log;
		}

		/**
		 * The line logged for each failed handshake (logger 'dev.tlsaccept.handshakes').
		 */
		public static class Log {

			/**
			 * Level of the line written for each failed handshake: listener, peer, code,
			 * error, alert, reason, group, SNI and JA4, also as key-values that Boot's
			 * structured logging writes as fields. OFF writes none. A bare
			 * connect-and-close (a TCP health check) is always written at DEBUG.
			 */
			private LogLevel level = LogLevel.INFO;

			/**
			 * Most failed-handshake lines written per second; the next line written after
			 * a burst says how many were suppressed.
			 */
			private int maxPerSecond = 10;

			public LogLevel getLevel() {
				return this.level;
			}

			public void setLevel(LogLevel level) {
				this.level = level;
			}

			public int getMaxPerSecond() {
				return this.maxPerSecond;
			}

			public void setMaxPerSecond(int maxPerSecond) {
				this.maxPerSecond = maxPerSecond;
			}

		}

	}

	/**
	 * The tlsaccept health contributor.
	 */
	public static class Health {

		/**
		 * How long before its expiry a listener's certificate is listed under
		 * 'expiringCertificates' in the tlsaccept health details. The status stays UP
		 * until the certificate is no longer valid.
		 */
		private Duration certificateWarningThreshold = Duration.ofDays(14);

		public Duration getCertificateWarningThreshold() {
			return this.certificateWarningThreshold;
		}

		public void setCertificateWarningThreshold(Duration certificateWarningThreshold) {
			this.certificateWarningThreshold = certificateWarningThreshold;
		}

	}

	/**
	 * How a listener runs handshakes ('blocking', 'non-blocking' or 'pair' in YAML).
	 */
	public enum BioMode {

		/**
		 * A blocking socket: one thread per pending handshake, bounded by the handshake
		 * timeout.
		 */
		BLOCKING(dev.tlsaccept.engine.BioMode.BLOCKING),

		/**
		 * A non-blocking socket channel and a selector: a pending handshake holds no
		 * thread.
		 */
		NON_BLOCKING(dev.tlsaccept.engine.BioMode.NON_BLOCKING),

		/** Socket bytes pumped through an in-memory BIO pair. */
		PAIR(dev.tlsaccept.engine.BioMode.PAIR);

		private final dev.tlsaccept.engine.BioMode engineMode;

		BioMode(dev.tlsaccept.engine.BioMode engineMode) {
			this.engineMode = engineMode;
		}

		dev.tlsaccept.engine.BioMode toEngineMode() {
			return this.engineMode;
		}

	}

	/**
	 * Whether a listener reads a PROXY protocol header before TLS ('off', 'optional' or
	 * 'required' in YAML).
	 */
	public enum ProxyProtocol {

		/** No header: TLS from the first byte. */
		OFF(dev.tlsaccept.server.ProxyProtocol.OFF),

		/** Trusted proxies may send a header or not; other sources must not. */
		OPTIONAL(dev.tlsaccept.server.ProxyProtocol.OPTIONAL),

		/** Only trusted proxies may connect, each connection starting with a header. */
		REQUIRED(dev.tlsaccept.server.ProxyProtocol.REQUIRED);

		private final dev.tlsaccept.server.ProxyProtocol serverMode;

		ProxyProtocol(dev.tlsaccept.server.ProxyProtocol serverMode) {
			this.serverMode = serverMode;
		}

		dev.tlsaccept.server.ProxyProtocol toServerMode() {
			return this.serverMode;
		}

	}

	/**
	 * Whether a listener asks clients for a certificate ('none', 'want' or 'need' in
	 * YAML).
	 */
	public enum ClientAuth {

		/** Do not ask for a client certificate. */
		NONE(dev.tlsaccept.engine.ClientAuth.NONE),

		/** Ask for a client certificate; accept a client without one. */
		WANT(dev.tlsaccept.engine.ClientAuth.WANT),

		/** Require a trusted client certificate. */
		NEED(dev.tlsaccept.engine.ClientAuth.NEED);

		private final dev.tlsaccept.engine.ClientAuth engineClientAuth;

		ClientAuth(dev.tlsaccept.engine.ClientAuth engineClientAuth) {
			this.engineClientAuth = engineClientAuth;
		}

		dev.tlsaccept.engine.ClientAuth toEngineClientAuth() {
			return this.engineClientAuth;
		}

	}

}
