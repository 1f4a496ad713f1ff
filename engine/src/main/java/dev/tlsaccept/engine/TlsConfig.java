package dev.tlsaccept.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.TrustMaterial;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a TLS server: key material, protocols, suites, key-exchange
 * groups, client authentication, ALPN, handshake timeout and engine. Build one with
 * {@link #builder(KeyMaterial)}.
 */
public final class TlsConfig {

	/** Protocols enabled unless configured: TLS 1.3 and 1.2, nothing older. */
	public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	/**
	 * Cipher suites enabled unless configured: TLS 1.3 AEAD suites and TLS 1.2 ECDHE with
	 * AEAD only (forward secrecy, no CBC, no RSA key exchange, no SHA-1). Suites the
	 * engine does not support are left out.
	 */
	public static final List<String> DEFAULT_CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
			"TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	/** Handshake timeout unless configured. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private final KeyMaterial keyMaterial;

	private final @Nullable TrustMaterial trustMaterial;

	private final List<String> protocols;

	private final List<String> cipherSuites;

	private final List<String> groups;

	private final ClientAuth clientAuth;

	private final List<String> applicationProtocols;

	private final Duration handshakeTimeout;

	private final Map<String, KeyMaterial> serverNameKeyMaterial;

	private final boolean rejectUnknownServerNames;

	private final String engine;

	private final Clock clock;

	private final List<SessionTicketKey> sessionTicketKeys;

	private TlsConfig(Builder builder) {
		this.keyMaterial = builder.keyMaterial;
		this.trustMaterial = builder.trustMaterial;
		this.protocols = List.copyOf(builder.protocols);
		this.cipherSuites = List.copyOf(builder.cipherSuites);
		this.groups = List.copyOf(builder.groups);
		this.clientAuth = builder.clientAuth;
		this.applicationProtocols = List.copyOf(builder.applicationProtocols);
		this.handshakeTimeout = builder.handshakeTimeout;
		this.serverNameKeyMaterial = Collections.unmodifiableMap(new LinkedHashMap<>(builder.serverNameKeyMaterial));
		this.rejectUnknownServerNames = builder.rejectUnknownServerNames;
		this.engine = builder.engine;
		this.clock = builder.clock;
		this.sessionTicketKeys = List.copyOf(builder.sessionTicketKeys);
	}

	/**
	 * Start building a configuration around the server's key material.
	 * @param keyMaterial the server certificate chain and private key
	 * @return a builder with secure defaults
	 */
	public static Builder builder(KeyMaterial keyMaterial) {
		return new Builder(keyMaterial);
	}

	/**
	 * A builder initialized with this configuration's values.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		return new Builder(this.keyMaterial).trustMaterial(this.trustMaterial)
			.protocols(this.protocols)
			.cipherSuites(this.cipherSuites)
			.groups(this.groups)
			.clientAuth(this.clientAuth)
			.applicationProtocols(this.applicationProtocols)
			.handshakeTimeout(this.handshakeTimeout)
			.serverNameKeyMaterial(this.serverNameKeyMaterial)
			.rejectUnknownServerNames(this.rejectUnknownServerNames)
			.engine(this.engine)
			.clock(this.clock)
			.sessionTicketKeys(this.sessionTicketKeys);
	}

	public KeyMaterial keyMaterial() {
		return this.keyMaterial;
	}

	public @Nullable TrustMaterial trustMaterial() {
		return this.trustMaterial;
	}

	public List<String> protocols() {
		return this.protocols;
	}

	public List<String> cipherSuites() {
		return this.cipherSuites;
	}

	/**
	 * Key-exchange groups to offer, in order of preference, by IANA name
	 * ({@code X25519MLKEM768}, {@code x25519}, {@code secp256r1}); empty for the engine's
	 * defaults.
	 * @return the group names
	 */
	public List<String> groups() {
		return this.groups;
	}

	public ClientAuth clientAuth() {
		return this.clientAuth;
	}

	public List<String> applicationProtocols() {
		return this.applicationProtocols;
	}

	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	/**
	 * Key material per SNI host name ({@code api.example.com}) or wildcard
	 * ({@code *.example.com}, one label); {@link #keyMaterial()} serves clients that send
	 * no or another name.
	 * @return host pattern to key material, in lower case, in configuration order
	 */
	public Map<String, KeyMaterial> serverNameKeyMaterial() {
		return this.serverNameKeyMaterial;
	}

	/**
	 * Whether a client that asks for a server name matching none of
	 * {@link #serverNameKeyMaterial()} is refused with {@code unrecognized_name} (a
	 * client that sends no name still gets the default key material).
	 * @return {@code true} to refuse unknown names
	 */
	public boolean rejectUnknownServerNames() {
		return this.rejectUnknownServerNames;
	}

	public String engine() {
		return this.engine;
	}

	public Clock clock() {
		return this.clock;
	}

	/**
	 * Session-ticket keys supplied by the operator: the first encrypts new tickets, every
	 * one decrypts.
	 * @return the keys; empty when the engine makes its own
	 */
	public List<SessionTicketKey> sessionTicketKeys() {
		return this.sessionTicketKeys;
	}

	@Override
	public String toString() {
		return "TlsConfig[engine=" + this.engine + ", key=" + this.keyMaterial.source() + ", protocols="
				+ this.protocols + ", groups=" + this.groups + ", clientAuth=" + this.clientAuth + ", handshakeTimeout="
				+ this.handshakeTimeout + "]";
	}

	/**
	 * Builds a {@link TlsConfig}.
	 */
	public static final class Builder {

		private final KeyMaterial keyMaterial;

		private @Nullable TrustMaterial trustMaterial;

		private List<String> protocols = DEFAULT_PROTOCOLS;

		private List<String> cipherSuites = DEFAULT_CIPHER_SUITES;

		private List<String> groups = List.of();

		private ClientAuth clientAuth = ClientAuth.NONE;

		private List<String> applicationProtocols = List.of();

		private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

		private final Map<String, KeyMaterial> serverNameKeyMaterial = new LinkedHashMap<>();

		private boolean rejectUnknownServerNames;

		private String engine = JdkTlsEngine.NAME;

		private Clock clock = Clock.systemUTC();

		private List<SessionTicketKey> sessionTicketKeys = List.of();

		private Builder(KeyMaterial keyMaterial) {
			this.keyMaterial = Objects.requireNonNull(keyMaterial,
					"keyMaterial must not be null: load one with KeyMaterials or SelfSignedCertificate");
		}

		/**
		 * Certificates trusted to sign client certificates; required unless client auth
		 * is NONE.
		 * @param trustMaterial the trust anchors, or {@code null}
		 * @return this builder
		 */
		public Builder trustMaterial(@Nullable TrustMaterial trustMaterial) {
			this.trustMaterial = trustMaterial;
			return this;
		}

		/**
		 * Protocols to enable, e.g. {@code TLSv1.3}, {@code TLSv1.2}.
		 * @param protocols the protocols, not empty
		 * @return this builder
		 */
		public Builder protocols(List<String> protocols) {
			requireNotEmpty(protocols, "protocols", TlsConfigException.Setting.PROTOCOLS);
			this.protocols = protocols;
			return this;
		}

		/**
		 * Cipher suites to enable, in IANA names ({@code TLS_AES_128_GCM_SHA256}).
		 * @param cipherSuites the suites, not empty
		 * @return this builder
		 */
		public Builder cipherSuites(List<String> cipherSuites) {
			requireNotEmpty(cipherSuites, "cipherSuites", TlsConfigException.Setting.CIPHER_SUITES);
			this.cipherSuites = cipherSuites;
			return this;
		}

		/**
		 * Key-exchange groups to offer, in order of preference, by IANA name, e.g.
		 * {@code X25519MLKEM768}, {@code x25519}, {@code secp256r1} (matched without
		 * regard to case). The engine must support each:
		 * {@link TlsServerContext#create(TlsConfig)} refuses others with
		 * {@link TlsConfigException.Setting#GROUPS}. The {@code jdk} engine needs JDK 20
		 * or later for groups per server.
		 * @param groups the group names; empty for the engine's defaults
		 * @return this builder
		 */
		public Builder groups(List<String> groups) {
			Objects.requireNonNull(groups, "groups must not be null: use an empty list for the engine's defaults");
			for (String group : groups) {
				if (group == null || group.isBlank()) {
					throw new TlsConfigException(TlsConfigException.Setting.GROUPS,
							"groups must not contain blank names: use IANA names such as X25519MLKEM768, x25519");
				}
			}
			this.groups = List.copyOf(groups);
			return this;
		}

		public Builder clientAuth(ClientAuth clientAuth) {
			this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth must not be null");
			return this;
		}

		/**
		 * ALPN protocols the server accepts, in order of preference; empty disables ALPN.
		 * @param applicationProtocols the protocol names, e.g. {@code h2}
		 * @return this builder
		 */
		public Builder applicationProtocols(List<String> applicationProtocols) {
			this.applicationProtocols = Objects.requireNonNull(applicationProtocols,
					"applicationProtocols must not be null: use an empty list to disable ALPN");
			return this;
		}

		/**
		 * How long a handshake may take before it fails with {@code -1 SYSCALL}.
		 * @param handshakeTimeout a positive duration
		 * @return this builder
		 */
		public Builder handshakeTimeout(Duration handshakeTimeout) {
			if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
				throw new TlsConfigException(TlsConfigException.Setting.HANDSHAKE_TIMEOUT,
						"handshakeTimeout must be positive, was " + handshakeTimeout);
			}
			this.handshakeTimeout = handshakeTimeout;
			return this;
		}

		/**
		 * The engine name: {@code jdk}, {@code bouncy-castle} or {@code openssl}.
		 * @param engine the engine name
		 * @return this builder
		 */
		public Builder engine(String engine) {
			this.engine = Objects.requireNonNull(engine, "engine must not be null");
			return this;
		}

		/**
		 * The clock that timestamps results.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Session-ticket keys shared by every server that should accept the others'
		 * tickets (TLS 1.3 PSK and TLS 1.2 session tickets): the first encrypts new
		 * tickets, the others only decrypt (a key being rotated out). Only the
		 * {@code openssl} engine takes keys, and only 48-byte ones; the others refuse the
		 * configuration with {@link TlsConfigException.Setting#SESSION_TICKET_KEYS}.
		 * @param keys the keys, newest first; empty for keys the engine makes itself
		 * @return this builder
		 */
		public Builder sessionTicketKeys(List<SessionTicketKey> keys) {
			this.sessionTicketKeys = List.copyOf(keys);
			return this;
		}

		/**
		 * Serve other key material to clients that ask for this server name (SNI).
		 * @param hostPattern a host name, or {@code *.} and a domain for any one label
		 * below it
		 * @param keyMaterial the key material for that name
		 * @return this builder
		 */
		public Builder serverNameKeyMaterial(String hostPattern, KeyMaterial keyMaterial) {
			Objects.requireNonNull(keyMaterial, "keyMaterial must not be null");
			this.serverNameKeyMaterial.put(ServerNames.normalizePattern(hostPattern), keyMaterial);
			return this;
		}

		/**
		 * Replace the key material per server name.
		 * @param byHostPattern host pattern to key material
		 * @return this builder
		 */
		public Builder serverNameKeyMaterial(Map<String, KeyMaterial> byHostPattern) {
			this.serverNameKeyMaterial.clear();
			byHostPattern.forEach(this::serverNameKeyMaterial);
			return this;
		}

		/**
		 * Whether to refuse, with {@code unrecognized_name}, a client asking for a server
		 * name that no {@link #serverNameKeyMaterial(String, KeyMaterial)} entry matches.
		 * @param reject {@code true} to refuse unknown names
		 * @return this builder
		 */
		public Builder rejectUnknownServerNames(boolean reject) {
			this.rejectUnknownServerNames = reject;
			return this;
		}

		/**
		 * Build the configuration.
		 * @return the configuration
		 * @throws TlsConfigException with {@link TlsConfigException.Setting#CLIENT_AUTH}
		 * when client authentication has no trust material, or
		 * {@link TlsConfigException.Setting#REJECT_UNKNOWN_SERVER_NAMES} when unknown
		 * names are rejected but no name is configured
		 */
		public TlsConfig build() {
			if (this.rejectUnknownServerNames && this.serverNameKeyMaterial.isEmpty()) {
				throw new TlsConfigException(TlsConfigException.Setting.REJECT_UNKNOWN_SERVER_NAMES,
						"rejectUnknownServerNames needs at least one server name: configure serverNameKeyMaterial");
			}
			if (this.clientAuth != ClientAuth.NONE && this.trustMaterial == null) {
				throw new TlsConfigException(TlsConfigException.Setting.CLIENT_AUTH, "client auth " + this.clientAuth
						+ " needs trust material: configure the certificates that sign client certificates");
			}
			return new TlsConfig(this);
		}

		private static void requireNotEmpty(List<String> values, String name, TlsConfigException.Setting setting) {
			if (values == null || values.isEmpty()) {
				throw new TlsConfigException(setting, name + " must not be empty");
			}
		}

	}

}
