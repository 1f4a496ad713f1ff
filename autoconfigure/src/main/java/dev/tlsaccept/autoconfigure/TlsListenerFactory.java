package dev.tlsaccept.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.tlsaccept.autoconfigure.TlsAcceptProperties.Listener;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SessionTicketKey;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsConfigException;
import dev.tlsaccept.engine.TlsEngines;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.SourceLimits;
import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.util.ClassUtils;

/**
 * Creates the {@link TlsListener} of a configured listener: key material, TLS context,
 * server settings, handler and worker executor, with every failure reported as a
 * {@link TlsListenerStartupException} naming the property to fix. Used as the factory
 * bean of the listener bean definitions.
 */
final class TlsListenerFactory {

	static final String BEAN_NAME = "tlsListenerFactory";

	private static final Log logger = LogFactory.getLog(TlsListenerFactory.class);

	private final TlsAcceptProperties properties;

	private final ObjectProvider<SslBundles> sslBundles;

	private final ObjectProvider<TlsListenerCustomizer> customizers;

	private final ObjectProvider<TlsConnectionHandler> handlers;

	private final ListableBeanFactory beanFactory;

	private final HandshakeObserver observer;

	private final Clock clock;

	private final Environment environment;

	private final ApplicationEventPublisher eventPublisher;

	private final ResourceLoader resourceLoader;

	TlsListenerFactory(TlsAcceptProperties properties, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<TlsListenerCustomizer> customizers, ObjectProvider<TlsConnectionHandler> handlers,
			ListableBeanFactory beanFactory, HandshakeObserver observer, Clock clock, Environment environment,
			ApplicationEventPublisher eventPublisher, ResourceLoader resourceLoader) {
		this.properties = properties;
		this.sslBundles = sslBundles;
		this.customizers = customizers;
		this.handlers = handlers;
		this.beanFactory = beanFactory;
		this.observer = observer;
		this.clock = clock;
		this.environment = environment;
		this.eventPublisher = eventPublisher;
		this.resourceLoader = resourceLoader;
	}

	/**
	 * Create the listener of that name, not started.
	 * @param name a key of {@code tlsaccept.listeners}
	 * @return the listener
	 * @throws TlsListenerStartupException when the configuration cannot work
	 */
	TlsListener create(String name) {
		Listener listener = this.properties.getListeners().get(name);
		if (listener == null || !listener.isEnabled()) {
			// only under AOT: otherwise the registrar creates beans for enabled listeners
			// only
			throw TlsListenersAotCheck.removedAfterBuild(name);
		}
		checkEngine(name, listener);
		InetAddress address = address(name, listener);
		TlsServerContext context;
		String bundleName = listener.getSslBundle();
		SslBundles bundles = null;
		ListenerKeyMaterial keys;
		if (bundleName != null) {
			bundles = sslBundles(name);
			keys = ListenerKeyMaterial.fromBundle(name, bundleName, bundle(name, bundles, bundleName));
		}
		else {
			keys = ListenerKeyMaterial.fromProperties(name, listener, this.resourceLoader);
		}
		SessionTicketKeyFiles ticketKeys = ticketKeys(name, listener);
		InUse initial = new InUse(keys, serverNameKeys(name, listener));
		context = context(name, listener, initial, ticketKeys);
		Executor executor = workerExecutor(name);
		TlsServerSettings settings = settings(name, listener, address, executor);
		Handler handler = handler(name, listener);
		TlsListener tlsListener = new TlsListener(name, context,
				(current) -> handler.server(settings, current, this.observer), keys.source(), bundleName,
				this.eventPublisher,
				(this.environment instanceof ConfigurableEnvironment configurable) ? configurable : null,
				(executor instanceof AutoCloseable closeable) ? closeable : null, handler.bean());
		AtomicReference<InUse> inUse = new AtomicReference<>(initial);
		if (bundles != null && bundleName != null) {
			bundles.addBundleUpdateHandler(bundleName,
					(updated) -> rotate(tlsListener, listener, bundleName, inUse, ticketKeys,
							(current) -> current.withKeys(ListenerKeyMaterial.fromBundle(name, bundleName, updated))));
		}
		Map<String, String> sniBundles = listener.getSni().getBundles();
		if (!sniBundles.isEmpty()) {
			SslBundles registry = sslBundles(name);
			for (String sniBundle : new LinkedHashSet<>(sniBundles.values())) {
				registry.addBundleUpdateHandler(sniBundle,
						(updated) -> rotate(tlsListener, listener, sniBundle, inUse, ticketKeys,
								(current) -> current.withServerNames(sniBundles, sniBundle,
										ListenerKeyMaterial.fromBundle(name, sniBundle, updated).key())));
			}
		}
		if (ticketKeys.isConfigured()) {
			tlsListener.checkPeriodically(listener.getSessionTickets().getCheckInterval(),
					() -> reloadTicketKeys(tlsListener, ticketKeys));
		}
		return tlsListener;
	}

	private SessionTicketKeyFiles ticketKeys(String name, Listener listener) {
		Duration interval = listener.getSessionTickets().getCheckInterval();
		if (interval == null || interval.isNegative() || interval.isZero()) {
			String property = TlsAcceptProperties.propertyName(name, "session-tickets.check-interval");
			throw new TlsListenerStartupException(name, property,
					"TLS listener '" + name + "' has session-tickets.check-interval " + interval
							+ ": the key files would never be read again.",
					"Set " + property + " to a positive duration, e.g. 10s.", null);
		}
		return SessionTicketKeyFiles.load(name, listener.getSessionTickets().getKeys(), this.resourceLoader);
	}

	/**
	 * Read the session-ticket key files again; when they changed, new handshakes use a
	 * context with the new keys (the key material and every other setting as they are). A
	 * file that cannot be used leaves the keys in place, with an error logged.
	 */
	private void reloadTicketKeys(TlsListener tlsListener, SessionTicketKeyFiles ticketKeys) {
		String name = tlsListener.getName();
		try {
			List<SessionTicketKey> changed = ticketKeys.readIfChanged();
			if (changed == null) {
				return;
			}
			tlsListener.updateContext(() -> {
				TlsServerContext current = tlsListener.getContext();
				return TlsServerContext.create(current.config().toBuilder().sessionTicketKeys(changed).build());
			}, (context) -> changed.size() + ((changed.size() == 1) ? " session-ticket key" : " session-ticket keys")
					+ " from " + String.join(", ", ticketKeys.locations()) + " (encrypting with " + changed.get(0)
					+ ")");
			ticketKeys.applied(changed);
		}
		catch (RuntimeException ex) {
			logger.error("TLS listener '" + name + "' keeps its current session-ticket keys: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A bundle the listener uses was updated: build a new context for new handshakes from
	 * the key material in use, with the part of that bundle replaced. A failed update
	 * changes nothing, so a later update of another bundle builds on the material in use,
	 * not on the bundle that failed.
	 */
	private void rotate(TlsListener tlsListener, Listener listener, String bundleName, AtomicReference<InUse> inUse,
			SessionTicketKeyFiles ticketKeys, UnaryOperator<InUse> update) {
		String name = tlsListener.getName();
		try {
			tlsListener.updateContext(bundleName, this.clock, () -> {
				InUse next = update.apply(inUse.get());
				TlsServerContext context = context(name, listener, next, ticketKeys);
				inUse.set(next);
				return context;
			});
		}
		catch (RuntimeException ex) {
			KeyMaterial current = tlsListener.getContext().config().keyMaterial();
			// the message only: a stack trace of a key parser is no use to an operator
			logger.warn("TLS listener '" + name + "' keeps its current key material (certificate serial "
					+ current.leaf().getSerialNumber().toString(16) + ", valid until "
					+ current.leaf().getNotAfter().toInstant() + "): the reloaded SSL bundle '" + bundleName
					+ "' cannot be used: " + TlsListener.KeyMaterialReload.error(ex));
			logger.debug("TLS listener '" + name + "': update of SSL bundle '" + bundleName + "' failed", ex);
		}
	}

	/**
	 * The key material per server name of {@code sni.bundles}, as the bundles are now.
	 */
	private Map<String, KeyMaterial> serverNameKeys(String name, Listener listener) {
		Map<String, String> sniBundles = listener.getSni().getBundles();
		Map<String, KeyMaterial> keys = new LinkedHashMap<>();
		if (!sniBundles.isEmpty()) {
			SslBundles bundles = sslBundles(name);
			sniBundles.forEach((host, sniBundle) -> {
				String property = TlsAcceptProperties.propertyName(name, "sni.bundles[" + host + "]");
				keys.put(host,
						ListenerKeyMaterial.fromBundle(name, sniBundle, bundle(name, bundles, sniBundle, property))
							.key());
			});
		}
		return keys;
	}

	/**
	 * The key material a listener's context is built from: its own, and one per server
	 * name.
	 */
	private record InUse(ListenerKeyMaterial keys, Map<String, KeyMaterial> serverNames) {

		InUse withKeys(ListenerKeyMaterial keys) {
			return new InUse(keys, this.serverNames);
		}

		InUse withServerNames(Map<String, String> sniBundles, String sniBundle, KeyMaterial key) {
			Map<String, KeyMaterial> serverNames = new LinkedHashMap<>(this.serverNames);
			sniBundles.forEach((host, bundle) -> {
				if (bundle.equals(sniBundle)) {
					serverNames.put(host, key);
				}
			});
			return new InUse(this.keys, serverNames);
		}

	}

	private void checkEngine(String name, Listener listener) {
		if (!TlsEngines.names().contains(listener.getEngine())) {
			List<String> available = availableEngines();
			String property = TlsAcceptProperties.propertyName(name, "engine");
			StringBuilder action = new StringBuilder(
					"Set " + property + " to one of " + String.join(", ", available) + ".");
			for (String engine : TlsEngines.names()) {
				String unavailable = TlsEngines.get(engine).unavailabilityReason();
				if (unavailable != null) {
					action.append(" Engine '")
						.append(engine)
						.append("' cannot start here: ")
						.append(unavailable)
						.append('.');
				}
			}
			throw new TlsListenerStartupException(name, property,
					"TLS listener '" + name + "' names an unknown TLS engine '" + listener.getEngine()
							+ "'. Engines available: " + String.join(", ", available) + ".",
					action.toString(), null);
		}
	}

	/**
	 * The engines that can start here: on the class path, with their dependencies.
	 */
	static List<String> availableEngines() {
		return TlsEngines.names()
			.stream()
			.filter((engine) -> TlsEngines.get(engine).unavailabilityReason() == null)
			.toList();
	}

	private @Nullable InetAddress address(String name, Listener listener) {
		String address = listener.getAddress();
		if (address == null || address.isBlank()) {
			return null;
		}
		try {
			return InetAddress.getByName(address.trim());
		}
		catch (UnknownHostException ex) {
			String property = TlsAcceptProperties.propertyName(name, "address");
			throw new TlsListenerStartupException(name, property,
					"TLS listener '" + name + "' cannot listen on '" + address + "': the host name does not resolve.",
					"Set " + property
							+ " to an IP address or host name of this host, or remove it to listen on every interface.",
					ex);
		}
	}

	private SslBundles sslBundles(String name) {
		SslBundles bundles = this.sslBundles.getIfAvailable();
		if (bundles == null) {
			String property = TlsAcceptProperties.propertyName(name, "ssl-bundle");
			throw new TlsListenerStartupException(name, property,
					"TLS listener '" + name + "' names an SSL bundle, but the application has no SslBundles bean.",
					"Keep SslAutoConfiguration enabled, or configure "
							+ TlsAcceptProperties.propertyName(name, "key-store.*") + " instead of " + property + ".",
					null);
		}
		return bundles;
	}

	private SslBundle bundle(String name, SslBundles bundles, String bundleName) {
		return bundle(name, bundles, bundleName, TlsAcceptProperties.propertyName(name, "ssl-bundle"));
	}

	private SslBundle bundle(String name, SslBundles bundles, String bundleName, String property) {
		try {
			return bundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			List<String> known = bundles.getBundleNames();
			throw new TlsListenerStartupException(name, property,
					"TLS listener '" + name + "' uses SSL bundle '" + bundleName + "', which does not exist. "
							+ (known.isEmpty() ? "No SSL bundle is configured."
									: "SSL bundles: " + String.join(", ", known) + "."),
					"Configure the bundle under spring.ssl.bundle.pem." + bundleName + " or spring.ssl.bundle.jks."
							+ bundleName + ", or set " + property + " to the name of an existing bundle.",
					ex);
		}
	}

	private TlsServerContext context(String name, Listener listener, InUse inUse, SessionTicketKeyFiles ticketKeys) {
		ListenerKeyMaterial keys = inUse.keys();
		TlsConfig config;
		try {
			TlsConfig.Builder builder = TlsConfig.builder(keys.key())
				.trustMaterial(keys.trust())
				.clientAuth(listener.getClientAuth().toEngineClientAuth())
				.applicationProtocols(List.copyOf(listener.getApplicationProtocols()))
				.groups(List.copyOf(listener.getGroups()))
				.handshakeTimeout(listener.getHandshakeTimeout())
				.engine(listener.getEngine())
				.sessionTicketKeys(ticketKeys.keys())
				.clock(this.clock);
			List<String> protocols = (listener.getProtocols() != null) ? listener.getProtocols() : keys.protocols();
			if (protocols != null) {
				builder.protocols(List.copyOf(protocols));
			}
			List<String> suites = (listener.getCipherSuites() != null) ? listener.getCipherSuites()
					: keys.cipherSuites();
			if (suites != null) {
				builder.cipherSuites(List.copyOf(suites));
			}
			inUse.serverNames().forEach(builder::serverNameKeyMaterial);
			builder.rejectUnknownServerNames(listener.getSni().isRejectUnknown());
			this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
			config = builder.build();
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw configFailure(name, listener, ex);
		}
		TlsServerContext context;
		try {
			context = TlsServerContext.create(config);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw configFailure(name, listener, ex);
		}
		try {
			ListenerTlsCheck.check(name, listener, keys, context);
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		warnAboutValidity(name, config);
		return context;
	}

	/**
	 * One warning per certificate of the listener (its own and each per server name) that
	 * is expired, not yet valid, or expires within
	 * {@code tlsaccept.health.certificate-warning-threshold}.
	 */
	private void warnAboutValidity(String name, TlsConfig config) {
		Map<String, KeyMaterial> keys = new LinkedHashMap<>();
		keys.put("", config.keyMaterial());
		config.serverNameKeyMaterial().forEach((host, key) -> keys.put(" for server name '" + host + "'", key));
		Duration threshold = this.properties.getHealth().getCertificateWarningThreshold();
		Instant now = this.clock.instant();
		keys.forEach((forName, key) -> {
			List<String> invalid = key.validityWarnings(this.clock);
			String prefix = "TLS listener '" + name + "' uses key material" + forName + " from " + key.source()
					+ " whose ";
			Instant notAfter = key.leaf().getNotAfter().toInstant();
			if (!invalid.isEmpty()) {
				logger.warn(prefix + String.join("; ", invalid)
						+ ": clients that check validity refuse it. Renew the certificate.");
			}
			else if (notAfter.isBefore(now.plus(threshold))) {
				long days = Duration.between(now, notAfter).toDays();
				logger.warn(prefix + "certificate " + key.leaf().getSubjectX500Principal().getName() + " expires on "
						+ notAfter + " (in " + days + ((days == 1) ? " day" : " days")
						+ ", within tlsaccept.health.certificate-warning-threshold). Renew it before then.");
			}
		});
	}

	/**
	 * The failure of a TLS setting, as the property of the listener to fix and what to
	 * do: from the engine's {@link TlsConfigException.Setting}, never from the message
	 * text.
	 */
	private TlsListenerStartupException configFailure(String name, Listener listener, RuntimeException ex) {
		String message = String.valueOf(ex.getMessage());
		String property;
		String action;
		TlsConfigException.Setting setting = (ex instanceof TlsConfigException typed) ? typed.setting() : null;
		if (setting == null) {
			// not the engine's: a customizer's own check, for example
			property = "engine";
			action = "Check the TLS settings of listener '" + name
					+ "' (engine, protocols, cipher-suites, groups, client-auth) and of its TlsListenerCustomizer beans.";
		}
		else {
			switch (setting) {
				case PROTOCOLS -> {
					property = "protocols";
					action = "Set " + TlsAcceptProperties.propertyName(name, property)
							+ " to protocols the engine supports, e.g. [TLSv1.3, TLSv1.2], or remove it for the default.";
				}
				case CIPHER_SUITES -> {
					property = "cipher-suites";
					action = "Set " + TlsAcceptProperties.propertyName(name, property)
							+ " to IANA names the engine supports, e.g. TLS_AES_128_GCM_SHA256, or remove it for the default.";
				}
				case GROUPS -> {
					property = "groups";
					action = "Set " + TlsAcceptProperties.propertyName(name, property)
							+ " to groups the engine supports (the message lists them), e.g. [X25519MLKEM768, x25519] on engines "
							+ "bouncy-castle and openssl, or remove it for the engine's defaults.";
				}
				case ENGINE -> {
					property = "engine";
					action = "Set " + TlsAcceptProperties.propertyName(name, property) + " to one of "
							+ String.join(", ", availableEngines())
							+ ", or add the engine's dependencies (the description names them).";
				}
				case CLIENT_AUTH -> {
					property = "client-auth";
					action = "Configure " + TlsAcceptProperties.propertyName(name, "trust-store.*")
							+ " (or an SSL bundle with a trust store) with the certificates that sign client certificates, or set "
							+ TlsAcceptProperties.propertyName(name, property) + " to none.";
				}
				case HANDSHAKE_TIMEOUT -> {
					property = "handshake-timeout";
					action = "Set " + TlsAcceptProperties.propertyName(name, property)
							+ " to a positive duration, e.g. 10s.";
				}
				case SERVER_NAMES, REJECT_UNKNOWN_SERVER_NAMES -> {
					property = (setting == TlsConfigException.Setting.REJECT_UNKNOWN_SERVER_NAMES)
							? "sni.reject-unknown" : "sni.bundles";
					action = "Use engine 'jdk' for certificates per server name, write host names or wildcards such as "
							+ "*.example.com under " + TlsAcceptProperties.propertyName(name, "sni.bundles")
							+ ", or remove the sni settings.";
				}
				case KEY_MATERIAL -> {
					property = (listener.getSslBundle() != null) ? "ssl-bundle"
							: (listener.getKeyStore().getLocation() != null) ? "key-store.location"
									: "key-store.certificate";
					action = "Check the key material: the engine '" + listener.getEngine()
							+ "' must support its key type.";
				}
				case SESSION_TICKET_KEYS -> {
					property = "session-tickets.keys";
					action = "Use engine 'openssl' with 48-byte key files ('openssl rand 48 > ticket.key') to share "
							+ "tickets between instances, or remove " + TlsAcceptProperties.propertyName(name, property)
							+ " (each instance then resumes only the sessions it made itself).";
				}
				default -> throw new IllegalStateException("Unexpected setting " + setting);
			}
		}
		return new TlsListenerStartupException(name, TlsAcceptProperties.propertyName(name, property),
				"TLS listener '" + name + "' cannot be configured: " + message, action, ex);
	}

	private TlsServerSettings settings(String name, Listener listener, @Nullable InetAddress address,
			@Nullable Executor workerExecutor) {
		TlsServerSettings.Builder builder = TlsServerSettings.builder(name);
		setting(name, "port", () -> builder.port(listener.getPort()));
		setting(name, "max-connections", () -> builder.maxConnections(listener.getMaxConnections()));
		setting(name, "max-pending-handshakes", () -> builder.maxPendingHandshakes(listener.getMaxPendingHandshakes()));
		setting(name, "shutdown-timeout", () -> builder.shutdownTimeout(listener.getShutdownTimeout()));
		setting(name, "idle-timeout", () -> builder.idleTimeout(listener.getIdleTimeout()));
		setting(name, "max-lifetime", () -> builder.maxLifetime(listener.getMaxLifetime()));
		Integer selectorThreads = listener.getSelectorThreads();
		if (selectorThreads != null) {
			setting(name, "selector-threads", () -> builder.selectorThreads(selectorThreads));
		}
		builder.sourceLimits(sourceLimits(name, listener));
		proxyProtocol(name, listener, builder);
		return builder.address(address)
			.bioMode(listener.getBioMode().toEngineMode())
			.workerExecutor(workerExecutor)
			.build();
	}

	private SourceLimits sourceLimits(String name, Listener listener) {
		SourceLimits.Builder limits = SourceLimits.builder();
		blocks(name, "allow", listener.getAllow(), limits::allow);
		blocks(name, "deny", listener.getDeny(), limits::deny);
		Integer pending = listener.getMaxPendingHandshakesPerSource();
		if (pending != null) {
			setting(name, "max-pending-handshakes-per-source", () -> limits.maxPendingHandshakesPerSource(pending));
		}
		Integer rate = listener.getMaxHandshakesPerSecondPerSource();
		if (rate != null) {
			setting(name, "max-handshakes-per-second-per-source", () -> limits.maxHandshakesPerSecondPerSource(rate));
		}
		Integer burst = listener.getHandshakeBurstPerSource();
		if (burst != null) {
			setting(name, "handshake-burst-per-source", () -> limits.handshakeBurstPerSource(burst));
		}
		setting(name, "source-prefix-ipv4", () -> limits.sourcePrefixIpv4(listener.getSourcePrefixIpv4()));
		setting(name, "source-prefix-ipv6", () -> limits.sourcePrefixIpv6(listener.getSourcePrefixIpv6()));
		SourceLimits[] built = new SourceLimits[1];
		// only a burst without a rate fails here
		setting(name, "handshake-burst-per-source", () -> built[0] = limits.build());
		return built[0];
	}

	private static void proxyProtocol(String name, Listener listener, TlsServerSettings.Builder builder) {
		blocks(name, "trusted-proxies", listener.getTrustedProxies(), builder::trustedProxy);
		if (listener.getProxyProtocol() != TlsAcceptProperties.ProxyProtocol.OFF
				&& listener.getTrustedProxies().isEmpty()) {
			String trusted = TlsAcceptProperties.propertyName(name, "trusted-proxies");
			throw new TlsListenerStartupException(name, trusted,
					"TLS listener '" + name + "' reads PROXY protocol headers ("
							+ TlsAcceptProperties.propertyName(name, "proxy-protocol") + "="
							+ listener.getProxyProtocol().name().toLowerCase(Locale.ROOT)
							+ ") but trusts no proxy to send them.",
					"Set " + trusted + " to the load balancers' addresses or CIDR blocks, e.g. [10.0.0.0/8], or set "
							+ TlsAcceptProperties.propertyName(name, "proxy-protocol") + " to off.",
					null);
		}
		builder.proxyProtocol(listener.getProxyProtocol().toServerMode());
	}

	/**
	 * Add each CIDR block of a list, failing on the first bad one with its index and the
	 * fix.
	 */
	private static void blocks(String name, String property, List<String> blocks, Consumer<String> add) {
		for (int i = 0; i < blocks.size(); i++) {
			String block = blocks.get(i);
			try {
				add.accept(block);
			}
			catch (IllegalArgumentException ex) {
				String fullName = TlsAcceptProperties.propertyName(name, property + "[" + i + "]");
				throw new TlsListenerStartupException(name, fullName,
						"TLS listener '" + name + "' has an invalid entry in " + property + ": " + ex.getMessage()
								+ ".",
						"Set " + fullName
								+ " to an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32, or to a"
								+ " single address such as 192.0.2.7 (host names are not allowed), or remove the entry.",
						ex);
			}
		}
	}

	private void setting(String name, String property, Runnable apply) {
		try {
			apply.run();
		}
		catch (IllegalArgumentException ex) {
			String fullName = TlsAcceptProperties.propertyName(name, property);
			throw new TlsListenerStartupException(name, fullName,
					"TLS listener '" + name + "' has an invalid " + property + ": " + ex.getMessage(),
					"Fix " + fullName + ".", ex);
		}
	}

	/**
	 * One virtual thread per established connection when
	 * {@code spring.threads.virtual.enabled} is set on JDK 21+; {@code null} otherwise,
	 * for the server's bounded pool of platform threads. No concurrency limit:
	 * {@code max-connections} already bounds the connections, and a limit would make
	 * {@code execute} block the selector thread that hands a connection off.
	 */
	private @Nullable Executor workerExecutor(String name) {
		if (!Threading.VIRTUAL.isActive(this.environment)) {
			return null;
		}
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("tlsaccept-" + name + "-worker-");
		executor.setVirtualThreads(true);
		return executor;
	}

	/**
	 * The bean that serves the listener's established connections: an event-driven
	 * {@link TlsChannelHandler} or a blocking {@link TlsConnectionHandler}, named by
	 * {@code handler} or the only (or primary) one; none makes the listener a handshake
	 * probe.
	 */
	private Handler handler(String name, Listener listener) {
		String property = TlsAcceptProperties.propertyName(name, "handler");
		List<String> channelNames = Arrays.asList(this.beanFactory.getBeanNamesForType(TlsChannelHandler.class));
		List<String> streamNames = Arrays.asList(this.beanFactory.getBeanNamesForType(TlsConnectionHandler.class));
		List<String> all = new ArrayList<>(channelNames);
		all.addAll(streamNames);
		String handlerName = listener.getHandler();
		Handler handler;
		if (handlerName != null) {
			if (channelNames.contains(handlerName)) {
				TlsChannelHandler bean = this.beanFactory.getBean(handlerName, TlsChannelHandler.class);
				handler = new Handler(null, bean, handlerBean(handlerName, bean, true));
			}
			else if (streamNames.contains(handlerName)) {
				TlsConnectionHandler bean = this.beanFactory.getBean(handlerName, TlsConnectionHandler.class);
				handler = new Handler(bean, null, handlerBean(handlerName, bean, false));
			}
			else {
				throw new TlsListenerStartupException(name, property, "TLS listener '" + name
						+ "' names the handler bean '" + handlerName
						+ "', but no TlsChannelHandler or TlsConnectionHandler bean has that name. Handler beans: "
						+ (all.isEmpty() ? "none" : String.join(", ", all)) + ".",
						"Set " + property
								+ " to the name of a TlsChannelHandler or TlsConnectionHandler bean, or remove it.",
						null);
			}
		}
		else {
			TlsChannelHandler events = channelNames.isEmpty() ? null
					: this.beanFactory.getBeanProvider(TlsChannelHandler.class).getIfUnique();
			TlsConnectionHandler streams = streamNames.isEmpty() ? null : this.handlers.getIfUnique();
			boolean ambiguous = (!channelNames.isEmpty() && !streamNames.isEmpty())
					|| (!channelNames.isEmpty() && events == null) || (!streamNames.isEmpty() && streams == null);
			if (ambiguous) {
				throw new TlsListenerStartupException(name, property,
						"TLS listener '" + name + "' cannot choose between the handler beans " + String.join(", ", all)
								+ ".",
						"Set " + property + " to one of " + String.join(", ", all)
								+ ", or mark one handler bean @Primary (among beans of one handler type).",
						null);
			}
			TlsListener.HandlerBean bean = (events != null) ? handlerBean(channelNames, events, true)
					: (streams != null) ? handlerBean(streamNames, streams, false) : null;
			handler = new Handler(streams, events, bean);
		}
		if (handler.events() != null && listener.getBioMode().toEngineMode() == BioMode.BLOCKING) {
			String mode = TlsAcceptProperties.propertyName(name, "bio-mode");
			throw new TlsListenerStartupException(name, mode,
					"TLS listener '" + name + "' is served by an event-driven TlsChannelHandler, which runs on "
							+ "selector threads, but its bio-mode is blocking.",
					"Set " + mode + " to non-blocking (or pair), or serve the listener with a TlsConnectionHandler "
							+ "(blocking streams).",
					null);
		}
		if (handler.events() == null && handler.streams() == null) {
			logger.debug("TLS listener '" + name + "' has no connection handler: it completes handshakes and closes");
		}
		return handler;
	}

	private static TlsListener.HandlerBean handlerBean(String beanName, Object bean, boolean eventDriven) {
		return new TlsListener.HandlerBean(beanName, ClassUtils.getUserClass(bean), eventDriven);
	}

	/**
	 * The bean of the unique (or primary) handler, found among the beans of its type by
	 * identity.
	 */
	private TlsListener.HandlerBean handlerBean(List<String> beanNames, Object bean, boolean eventDriven) {
		for (String beanName : beanNames) {
			if (this.beanFactory.getBean(beanName) == bean) {
				return handlerBean(beanName, bean, eventDriven);
			}
		}
		return handlerBean(ClassUtils.getUserClass(bean).getName(), bean, eventDriven);
	}

	/**
	 * The handler of a listener: one of the two styles, or none (a handshake probe), and
	 * its bean.
	 */
	private record Handler(@Nullable TlsConnectionHandler streams, @Nullable TlsChannelHandler events,
			TlsListener.@Nullable HandlerBean bean) {

		TlsServer server(TlsServerSettings settings, TlsServerContext context, HandshakeObserver observer) {
			TlsChannelHandler events = this.events;
			return (events != null) ? TlsServer.eventDriven(settings, context, observer, events)
					: new TlsServer(settings, context, observer, this.streams);
		}

	}

}
