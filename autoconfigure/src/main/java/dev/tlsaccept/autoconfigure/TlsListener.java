package dev.tlsaccept.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerException;
import dev.tlsaccept.server.TlsServerStats;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * One configured TLS listener, managed by Spring: binds its port when the application
 * context starts, stops gracefully when it closes. One bean per entry of
 * {@code tlsaccept.listeners}.
 *
 * <p>
 * On start it publishes a {@link TlsListenerStartedEvent} and the
 * {@code local.tlsaccept.<name>.port} property (in a property source named
 * {@value #PORTS_PROPERTY_SOURCE_NAME}, first in the environment), and logs one line.
 *
 * <p>
 * Phase {@link #PHASE}: the phase of the web server's graceful shutdown. The listener
 * starts after the web server (so Actuator is up before the first handshake) and, on
 * close, drains at the same time as HTTP requests do: no new connections, established
 * ones may finish for up to {@code shutdown-timeout}, within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}; then they are closed with
 * close_notify.
 */
public final class TlsListener implements SmartLifecycle, DisposableBean {

	/**
	 * The lifecycle phase of every listener: {@code SmartLifecycle.DEFAULT_PHASE - 1024},
	 * the web server's graceful shutdown phase.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	/**
	 * The name of the property source that holds {@code local.tlsaccept.<name>.port}.
	 */
	public static final String PORTS_PROPERTY_SOURCE_NAME = "tlsaccept.ports";

	private static final Log logger = LogFactory.getLog(TlsListener.class);

	private final String name;

	private final Function<TlsServerContext, TlsServer> serverFactory;

	private volatile TlsServer server;

	private final String keySource;

	private final @Nullable String sslBundle;

	private final ApplicationEventPublisher eventPublisher;

	private final @Nullable ConfigurableEnvironment environment;

	private final @Nullable AutoCloseable workerExecutor;

	private final @Nullable HandlerBean handler;

	private volatile @Nullable KeyMaterialReload lastReload;

	private final AtomicLong reloadsSucceeded = new AtomicLong();

	private final AtomicLong reloadsFailed = new AtomicLong();

	/**
	 * Guarded by {@code this}: set when the bean is destroyed, so no update outlives it.
	 */
	private boolean destroyed;

	TlsListener(String name, TlsServerContext context, Function<TlsServerContext, TlsServer> serverFactory,
			String keySource, @Nullable String sslBundle, ApplicationEventPublisher eventPublisher,
			@Nullable ConfigurableEnvironment environment, @Nullable AutoCloseable workerExecutor,
			@Nullable HandlerBean handler) {
		this.name = Objects.requireNonNull(name, "name must not be null");
		this.serverFactory = serverFactory;
		this.server = serverFactory.apply(context);
		this.keySource = keySource;
		this.sslBundle = sslBundle;
		this.eventPublisher = eventPublisher;
		this.environment = environment;
		this.workerExecutor = workerExecutor;
		this.handler = handler;
	}

	/**
	 * The bean name of the listener of that name.
	 * @param listenerName the listener name, e.g. {@code edge}
	 * @return the bean name, e.g. {@code tlsListener.edge}
	 */
	public static String beanName(String listenerName) {
		return "tlsListener." + listenerName;
	}

	/**
	 * The listener name, the key under {@code tlsaccept.listeners}.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The server that accepts connections. A server starts once: after a stop, the next
	 * start uses a new one.
	 * @return the server
	 */
	public TlsServer getServer() {
		return this.server;
	}

	/**
	 * The TLS context new handshakes use: engine, key material, protocols, suites.
	 * Replaced when the SSL bundle is updated.
	 * @return the current context
	 */
	public TlsServerContext getContext() {
		return this.server.context();
	}

	/**
	 * The server's state.
	 * @return the state
	 */
	public TlsServer.State getState() {
		return this.server.state();
	}

	/**
	 * The bound address while running.
	 * @return the address, or {@code null} when not bound
	 */
	public @Nullable InetSocketAddress getLocalAddress() {
		return this.server.localAddress();
	}

	/**
	 * The bound port while running, else the configured one.
	 * @return the port
	 */
	public int getPort() {
		int port = this.server.port();
		return (port > 0) ? port : this.server.settings().port();
	}

	/**
	 * Where the key material came from, e.g. {@code SSL bundle 'server'} or
	 * {@code self-signed (generated at startup)}. Never a password.
	 * @return the key source
	 */
	public String getKeySource() {
		return this.keySource;
	}

	/**
	 * The SSL bundle the key material comes from.
	 * @return the bundle name, or {@code null} when not from a bundle
	 */
	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	/**
	 * The bean that serves the listener's established connections.
	 * @return the handler bean, or {@code null} when the listener has none (it completes
	 * handshakes and closes)
	 */
	public @Nullable HandlerBean getHandler() {
		return this.handler;
	}

	/**
	 * The last update of the key material by an SSL bundle reload, successful or not. A
	 * failed one left the key material in use before it in place.
	 * @return the last reload, or {@code null} when the key material was never reloaded
	 */
	public @Nullable KeyMaterialReload getLastReload() {
		return this.lastReload;
	}

	/**
	 * How many SSL bundle reloads had that outcome since the listener was created.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long getReloadCount(KeyMaterialReload.Outcome outcome) {
		return (outcome == KeyMaterialReload.Outcome.SUCCESS) ? this.reloadsSucceeded.get() : this.reloadsFailed.get();
	}

	/**
	 * The server's connection counts.
	 * @return a snapshot of the counts
	 */
	public TlsServerStats getStats() {
		return this.server.stats();
	}

	/**
	 * Use a new TLS context for new handshakes; pending handshakes and established
	 * connections keep theirs. Updates are serialized (two bundle-reload callbacks may
	 * run at once): the context is built and swapped in under the listener's lock, so the
	 * last update built wins and every replaced context is closed once.
	 * @param newContext builds the new context; a failure leaves the current one in place
	 */
	synchronized void updateContext(String sslBundle, Clock clock, Supplier<TlsServerContext> newContext) {
		if (this.destroyed) {
			logger.debug("TLS listener '" + this.name + "' is destroyed: key material update ignored");
			return;
		}
		TlsServerContext context;
		try {
			context = newContext.get();
		}
		catch (RuntimeException ex) {
			this.lastReload = new KeyMaterialReload(clock.instant(), sslBundle, KeyMaterialReload.Outcome.FAILED,
					KeyMaterialReload.error(ex));
			this.reloadsFailed.incrementAndGet();
			throw ex;
		}
		this.lastReload = new KeyMaterialReload(clock.instant(), sslBundle, KeyMaterialReload.Outcome.SUCCESS, null);
		this.reloadsSucceeded.incrementAndGet();
		TlsServerContext previous = this.server.context();
		this.server.setContext(context);
		if (previous != context) {
			// reference-counted: released once the handshakes accepted with it have made
			// their
			// acceptors and those are closed, so no pending handshake or established
			// connection fails
			previous.close();
		}
		logger.info("TLS listener '" + this.name + "' now uses updated key material from "
				+ context.config().keyMaterial().source() + " ("
				+ context.config().keyMaterial().leaf().getSubjectX500Principal().getName() + ", valid until "
				+ context.config().keyMaterial().leaf().getNotAfter().toInstant() + ") for new handshakes");
	}

	@Override
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		if (this.server.state() != TlsServer.State.NEW) {
			TlsServer previous = this.server;
			this.server = this.serverFactory.apply(previous.context());
			previous.close();
		}
		logger.debug("Starting TLS listener '" + this.name + "': " + this.server.settings());
		try {
			this.server.start();
		}
		catch (TlsServerException ex) {
			throw startupFailure(ex);
		}
		int port = this.server.port();
		publishPort(port);
		if (logger.isInfoEnabled()) {
			logger.info(startedMessage(port));
		}
		this.eventPublisher.publishEvent(new TlsListenerStartedEvent(this, port));
	}

	private String startedMessage(int port) {
		InetSocketAddress local = this.server.localAddress();
		InetAddress address = (local != null) ? local.getAddress() : null;
		String host = (address == null || address.isAnyLocalAddress()) ? "0.0.0.0" : address.getHostAddress();
		if (host.contains(":")) {
			host = "[" + host + "]";
		}
		TlsServerContext context = this.server.context();
		return "TLS listener '" + this.name + "' started on " + host + ":" + port + " (engine " + context.engineName()
				+ ", " + this.server.settings().bioMode().configName() + ", "
				+ String.join("/", context.enabledProtocols()) + ")";
	}

	private TlsListenerStartupException startupFailure(TlsServerException ex) {
		String where = ex.address() + ":" + ex.port();
		return switch (ex.kind()) {
			case PORT_IN_USE ->
				new TlsListenerStartupException(this.name, TlsAcceptProperties.propertyName(this.name, "port"),
						"TLS listener '" + this.name + "' failed to start: port " + ex.port() + " on " + ex.address()
								+ " is already in use.",
						"Identify and stop the process that is listening on port " + ex.port() + ", or set "
								+ TlsAcceptProperties.propertyName(this.name, "port")
								+ " to another port (0 picks a free one). Two listeners cannot share a port.",
						ex);
			case BAD_ADDRESS ->
				new TlsListenerStartupException(this.name, TlsAcceptProperties.propertyName(this.name, "address"),
						"TLS listener '" + this.name + "' failed to start: cannot listen on " + where
								+ ": the address is not one of this host's.",
						"Set " + TlsAcceptProperties.propertyName(this.name, "address")
								+ " to an address of this host, or remove it to listen on every interface.",
						ex);
			case BIND_FAILED ->
				new TlsListenerStartupException(this.name, TlsAcceptProperties.propertyName(this.name, "port"),
						"TLS listener '" + this.name + "' failed to start: cannot bind " + where + ": "
								+ ex.getMessage(),
						"Set " + TlsAcceptProperties.propertyName(this.name, "port")
								+ " to a port this process may bind (ports below 1024 need privileges).",
						ex);
		};
	}

	private void publishPort(int port) {
		if (this.environment == null) {
			return;
		}
		MutablePropertySources sources = this.environment.getPropertySources();
		PropertySource<?> source = sources.get(PORTS_PROPERTY_SOURCE_NAME);
		if (source == null) {
			source = new MapPropertySource(PORTS_PROPERTY_SOURCE_NAME, new java.util.concurrent.ConcurrentHashMap<>());
			sources.addFirst(source);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> ports = (Map<String, Object>) source.getSource();
		ports.put("local.tlsaccept." + this.name + ".port", port);
	}

	@Override
	public void stop() {
		if (!isRunning()) {
			return;
		}
		TlsServer stopping = this.server;
		Duration timeout = stopping.settings().shutdownTimeout();
		logger.debug("Stopping TLS listener '" + this.name + "': draining for up to " + timeout);
		TlsServerStats before = stopping.stats();
		long start = System.nanoTime();
		stopping.stop();
		if (logger.isInfoEnabled()) {
			logger.info(stoppedMessage(this.name, before, Duration.ofNanos(System.nanoTime() - start), timeout));
		}
	}

	/**
	 * The line logged when a listener has stopped: how long it took, and how many
	 * connections and pending handshakes were open when it stopped accepting (all drained
	 * when it took less than the shutdown timeout).
	 */
	static String stoppedMessage(String name, TlsServerStats before, Duration took, Duration timeout) {
		int open = before.openConnections();
		StringBuilder message = new StringBuilder("TLS listener '").append(name)
			.append("' stopped in ")
			.append(took.toMillis())
			.append(" ms: ");
		if (open == 0) {
			message.append("no connection to drain");
		}
		else if (took.compareTo(timeout) < 0) {
			message.append(open).append((open == 1) ? " connection" : " connections").append(" drained");
		}
		else {
			message.append(open)
				.append((open == 1) ? " connection" : " connections")
				.append(" open when it stopped accepting; those still open after shutdown-timeout ")
				.append(timeout)
				.append(" were closed");
		}
		int pending = before.pendingHandshakes();
		if (pending > 0) {
			message.append(", ").append(pending).append((pending == 1) ? " pending handshake" : " pending handshakes");
		}
		return message.toString();
	}

	/**
	 * Stop in the background, so that several listeners (and the web server) drain in
	 * parallel.
	 * @param callback called when the listener has stopped
	 */
	@Override
	public void stop(Runnable callback) {
		if (!isRunning()) {
			callback.run();
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "tlsaccept-" + this.name + "-shutdown");
		thread.start();
	}

	@Override
	public boolean isRunning() {
		TlsServer.State state = this.server.state();
		return state == TlsServer.State.RUNNING || state == TlsServer.State.STARTING;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() throws Exception {
		try {
			this.server.close();
		}
		finally {
			synchronized (this) {
				this.destroyed = true;
			}
			this.server.context().close();
			if (this.workerExecutor != null) {
				this.workerExecutor.close();
			}
		}
	}

	/**
	 * The bean that serves a listener's established connections.
	 *
	 * @param beanName the bean name
	 * @param type the bean's class (the user class, not a proxy's)
	 * @param eventDriven {@code true} for a {@code TlsChannelHandler} (callbacks on
	 * selector threads), {@code false} for a blocking {@code TlsConnectionHandler}
	 */
	public record HandlerBean(String beanName, Class<?> type, boolean eventDriven) {

	}

	/**
	 * An update of a listener's key material after an SSL bundle it uses was reloaded.
	 *
	 * @param time when the update was tried
	 * @param sslBundle the bundle that was reloaded (the listener's own or an SNI one)
	 * @param outcome whether new handshakes use the reloaded material
	 * @param error why the reloaded material cannot be used, when {@code FAILED}; never
	 * key material or a password
	 */
	public record KeyMaterialReload(Instant time, String sslBundle, Outcome outcome, @Nullable String error) {

		static String error(RuntimeException ex) {
			Throwable cause = ex;
			while (cause.getMessage() == null && cause.getCause() != null) {
				cause = cause.getCause();
			}
			return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getName();
		}

		/**
		 * The outcome of a reload.
		 */
		public enum Outcome {

			/** New handshakes use the reloaded key material. */
			SUCCESS,

			/**
			 * The reloaded key material cannot be used: new handshakes keep the key
			 * material in use before.
			 */
			FAILED

		}

	}

	@Override
	public String toString() {
		return "TlsListener[name=" + this.name + ", state=" + getState() + ", port=" + getPort() + ", key="
				+ this.keySource + "]";
	}

}
