package dev.tlsaccept.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import dev.tlsaccept.engine.BioMode;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link TlsServer}: where it listens, how it runs handshakes,
 * and its limits. TLS settings (key material, protocols, handshake timeout) live in the
 * {@link dev.tlsaccept.engine.TlsServerContext}.
 *
 * <pre class="code">
 * TlsServerSettings settings = TlsServerSettings.builder("edge").port(8443).bioMode(BioMode.NON_BLOCKING).build();
 * </pre>
 */
public final class TlsServerSettings {

	/** Open connections (established and pending) allowed unless configured. */
	public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

	/** Pending handshakes allowed unless configured. */
	public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1_000;

	/** How long established connections may take to finish on stop, unless configured. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Selector threads unless configured: one per available processor, since handshake
	 * cryptography runs on them (one selector capped the {@code jdk} engine at one core).
	 */
	public static final int DEFAULT_SELECTOR_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

	/**
	 * How long an established connection may stay without reads and writes, unless
	 * configured: 10 minutes, nginx's stream default; above the keep-alive interval of
	 * typical device protocols (MQTT's 60 s x 1.5, syslog and HL7 sessions) and below
	 * most balancers' own idle cut.
	 */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

	private final String name;

	private final @Nullable InetAddress address;

	private final int port;

	private final BioMode bioMode;

	private final int maxConnections;

	private final int maxPendingHandshakes;

	private final Duration shutdownTimeout;

	private final @Nullable Executor workerExecutor;

	private final int selectorThreads;

	private final Duration idleTimeout;

	private final Duration maxLifetime;

	private final SourceLimits sourceLimits;

	private final ProxyProtocol proxyProtocol;

	private final List<Cidr> trustedProxies;

	private TlsServerSettings(Builder builder) {
		this.name = builder.name;
		this.address = builder.address;
		this.port = builder.port;
		this.bioMode = builder.bioMode;
		this.maxConnections = builder.maxConnections;
		this.maxPendingHandshakes = builder.maxPendingHandshakes;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.workerExecutor = builder.workerExecutor;
		this.selectorThreads = builder.selectorThreads;
		this.idleTimeout = builder.idleTimeout;
		this.maxLifetime = builder.maxLifetime;
		this.sourceLimits = builder.sourceLimits;
		this.proxyProtocol = builder.proxyProtocol;
		this.trustedProxies = List.copyOf(builder.trustedProxies);
		if (this.proxyProtocol != ProxyProtocol.OFF && this.trustedProxies.isEmpty()) {
			throw new IllegalArgumentException("proxyProtocol " + this.proxyProtocol
					+ " needs trusted proxies: name the load balancers' addresses or blocks");
		}
	}

	/**
	 * Start building the settings of a listener.
	 * @param name the listener name, e.g. {@code edge}: used in thread names, logs and
	 * events
	 * @return a builder with the defaults
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * The listener name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The address to listen on.
	 * @return the address, or {@code null} for all interfaces
	 */
	public @Nullable InetAddress address() {
		return this.address;
	}

	/**
	 * The port to listen on.
	 * @return the port, {@code 0} for an ephemeral one
	 */
	public int port() {
		return this.port;
	}

	/**
	 * How handshakes are run; {@link BioMode#NON_BLOCKING} unless configured.
	 * @return the BIO mode
	 */
	public BioMode bioMode() {
		return this.bioMode;
	}

	/**
	 * How many connections may be open at once, pending handshakes and established
	 * connections together; further ones are closed at once.
	 * @return the limit, {@value #DEFAULT_MAX_CONNECTIONS} unless configured
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * How many handshakes may be in progress at once; further connections are closed at
	 * once.
	 * @return the limit, {@value #DEFAULT_MAX_PENDING_HANDSHAKES} unless configured
	 */
	public int maxPendingHandshakes() {
		return this.maxPendingHandshakes;
	}

	/**
	 * How long {@link TlsServer#stop()} lets established connections finish before
	 * closing them.
	 * @return the timeout, 30 seconds unless configured
	 */
	public Duration shutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * Where connection handlers run.
	 * @return the executor, or {@code null} for a bounded pool of platform threads the
	 * server creates, named {@code tlsaccept-<name>-worker-N}
	 */
	public @Nullable Executor workerExecutor() {
		return this.workerExecutor;
	}

	/**
	 * How many selector threads run pending handshakes in {@code non-blocking} and
	 * {@code pair} modes.
	 * @return the count, {@link #DEFAULT_SELECTOR_THREADS} unless configured
	 */
	public int selectorThreads() {
		return this.selectorThreads;
	}

	/**
	 * How long an established connection may stay without reads and writes before the
	 * server sends close_notify and closes it; a handler may override it per connection.
	 * @return the timeout, {@link #DEFAULT_IDLE_TIMEOUT} unless configured;
	 * {@link Duration#ZERO} for none
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * How long an established connection may stay open at most, counted from the end of
	 * its handshake, before the server sends close_notify and closes it (e.g. to make
	 * devices reconnect and pick up rotated certificates); a handler may override it per
	 * connection.
	 * @return the lifetime; {@link Duration#ZERO} (the default) for no limit
	 */
	public Duration maxLifetime() {
		return this.maxLifetime;
	}

	/**
	 * Admission rules by source address: allow and deny lists, limits per source.
	 * @return the rules, {@link SourceLimits#NONE} unless configured
	 */
	public SourceLimits sourceLimits() {
		return this.sourceLimits;
	}

	/**
	 * Whether a PROXY protocol header is read before the handshake.
	 * @return {@link ProxyProtocol#OFF} unless configured
	 */
	public ProxyProtocol proxyProtocol() {
		return this.proxyProtocol;
	}

	/**
	 * The sources that may send a PROXY protocol header, in the usual notation.
	 * @return the blocks; empty unless configured
	 */
	public List<String> trustedProxies() {
		return this.trustedProxies.stream().map(Cidr::toString).toList();
	}

	/**
	 * Whether connections from an address may carry a PROXY protocol header: the protocol
	 * is on and the address is in a trusted block.
	 * @param address the connecting address, if known
	 * @return {@code true} for a trusted proxy
	 */
	boolean trustsProxy(@Nullable InetAddress address) {
		if (this.proxyProtocol == ProxyProtocol.OFF || address == null) {
			return false;
		}
		for (Cidr trusted : this.trustedProxies) {
			if (trusted.contains(address)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "TlsServerSettings[name=" + this.name + ", address="
				+ ((this.address != null) ? this.address.getHostAddress() : "*") + ", port=" + this.port + ", bioMode="
				+ this.bioMode.configName() + ", maxConnections=" + this.maxConnections + ", maxPendingHandshakes="
				+ this.maxPendingHandshakes + ", shutdownTimeout=" + this.shutdownTimeout + ", selectorThreads="
				+ this.selectorThreads + ", idleTimeout=" + this.idleTimeout + ", maxLifetime=" + this.maxLifetime
				+ ((this.sourceLimits != SourceLimits.NONE) ? ", sourceLimits=" + this.sourceLimits : "")
				+ ((this.proxyProtocol != ProxyProtocol.OFF)
						? ", proxyProtocol=" + this.proxyProtocol + ", trustedProxies=" + trustedProxies() : "")
				+ "]";
	}

	/**
	 * Builds {@link TlsServerSettings}; every setting is checked as it is set.
	 */
	public static final class Builder {

		private final String name;

		private @Nullable InetAddress address;

		private int port;

		private BioMode bioMode = BioMode.NON_BLOCKING;

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private @Nullable Executor workerExecutor;

		private int selectorThreads = DEFAULT_SELECTOR_THREADS;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private Duration maxLifetime = Duration.ZERO;

		private SourceLimits sourceLimits = SourceLimits.NONE;

		private ProxyProtocol proxyProtocol = ProxyProtocol.OFF;

		private final List<Cidr> trustedProxies = new ArrayList<>();

		private Builder(String name) {
			Objects.requireNonNull(name, "name must not be null: give the listener a name such as 'edge'");
			if (name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank: give the listener a name such as 'edge'");
			}
			this.name = name;
		}

		/**
		 * The address to listen on.
		 * @param address the address, or {@code null} for all interfaces (the default)
		 * @return this builder
		 */
		public Builder address(@Nullable InetAddress address) {
			this.address = address;
			return this;
		}

		/**
		 * The port to listen on.
		 * @param port {@code 0} to {@code 65535}; {@code 0} (the default) for an
		 * ephemeral port
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException(
						"port must be between 0 and 65535 (0 for an ephemeral port), was " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * How handshakes are run.
		 * @param bioMode the mode; {@link BioMode#NON_BLOCKING} by default
		 * @return this builder
		 */
		public Builder bioMode(BioMode bioMode) {
			this.bioMode = Objects.requireNonNull(bioMode,
					"bioMode must not be null: use blocking, non-blocking or pair");
			return this;
		}

		/**
		 * How many connections may be open at once, pending and established together.
		 * @param maxConnections at least 1;
		 * {@value TlsServerSettings#DEFAULT_MAX_CONNECTIONS} by default
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = positive("maxConnections", maxConnections);
			return this;
		}

		/**
		 * How many handshakes may be in progress at once.
		 * @param maxPendingHandshakes at least 1;
		 * {@value TlsServerSettings#DEFAULT_MAX_PENDING_HANDSHAKES} by default
		 * @return this builder
		 */
		public Builder maxPendingHandshakes(int maxPendingHandshakes) {
			this.maxPendingHandshakes = positive("maxPendingHandshakes", maxPendingHandshakes);
			return this;
		}

		/**
		 * How long established connections may take to finish on stop.
		 * @param shutdownTimeout zero or more; 30 seconds by default
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			Objects.requireNonNull(shutdownTimeout, "shutdownTimeout must not be null");
			if (shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException("shutdownTimeout must not be negative, was " + shutdownTimeout);
			}
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Where connection handlers run, one task per established connection. The server
		 * does not shut a given executor down. A selector thread submits the tasks:
		 * {@code execute} must not block (no concurrency throttle;
		 * {@code max-connections} bounds the tasks already), and may reject a task, which
		 * closes that connection.
		 * @param workerExecutor the executor, or {@code null} (the default) for a bounded
		 * pool of platform threads the server creates and stops
		 * @return this builder
		 */
		public Builder workerExecutor(@Nullable Executor workerExecutor) {
			this.workerExecutor = workerExecutor;
			return this;
		}

		/**
		 * How many selector threads run pending handshakes in {@code non-blocking} and
		 * {@code pair} modes; ignored in {@code blocking} mode.
		 * @param selectorThreads at least 1; the number of available processors by
		 * default
		 * @return this builder
		 */
		public Builder selectorThreads(int selectorThreads) {
			this.selectorThreads = positive("selectorThreads", selectorThreads);
			return this;
		}

		/**
		 * How long an established connection may stay without reads and writes.
		 * @param idleTimeout zero (none) or more;
		 * {@link TlsServerSettings#DEFAULT_IDLE_TIMEOUT} by default
		 * @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = Durations.notNegative("idleTimeout", idleTimeout);
			return this;
		}

		/**
		 * Admission rules by source address: allow and deny lists, limits per source.
		 * @param sourceLimits the rules; {@link SourceLimits#NONE} by default
		 * @return this builder
		 */
		public Builder sourceLimits(SourceLimits sourceLimits) {
			this.sourceLimits = Objects.requireNonNull(sourceLimits,
					"sourceLimits must not be null: use SourceLimits.NONE");
			return this;
		}

		/**
		 * Whether a PROXY protocol header (v1 or v2) is read before the handshake; with
		 * anything but {@link ProxyProtocol#OFF}, at least one trusted proxy must be
		 * named.
		 * @param proxyProtocol {@link ProxyProtocol#OFF} by default
		 * @return this builder
		 */
		public Builder proxyProtocol(ProxyProtocol proxyProtocol) {
			this.proxyProtocol = Objects.requireNonNull(proxyProtocol,
					"proxyProtocol must not be null: use off, optional or required");
			return this;
		}

		/**
		 * Trust a block to send PROXY protocol headers: its connections are the
		 * balancer's, and the header names the client.
		 * @param cidr an IPv4 or IPv6 block such as {@code 10.0.0.0/8}, or a bare
		 * address; never a host name
		 * @return this builder
		 * @throws IllegalArgumentException when it is not a block, naming what is wrong
		 */
		public Builder trustedProxy(String cidr) {
			this.trustedProxies.add(Cidr.parse(Objects.requireNonNull(cidr, "cidr must not be null")));
			return this;
		}

		/**
		 * How long an established connection may stay open at most.
		 * @param maxLifetime zero (no limit, the default) or more
		 * @return this builder
		 */
		public Builder maxLifetime(Duration maxLifetime) {
			this.maxLifetime = Durations.notNegative("maxLifetime", maxLifetime);
			return this;
		}

		/**
		 * Build the settings.
		 * @return immutable settings
		 */
		public TlsServerSettings build() {
			return new TlsServerSettings(this);
		}

		private static int positive(String setting, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
			}
			return value;
		}

	}

}
