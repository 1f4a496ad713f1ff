package dev.tlsaccept.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * A managed raw-TCP TLS listener: binds a port, runs the server side of each handshake
 * under the {@code SSL_accept()} contract in the configured {@link BioMode}, reports
 * every finished handshake to a {@link HandshakeObserver}, and hands established
 * connections to a {@link TlsConnectionHandler} on a worker executor. Without a handler
 * it is a handshake probe: each connection is closed with close_notify right after the
 * handshake.
 *
 * <ul>
 * <li>{@code blocking}: one acceptor thread ({@code tlsaccept-<name>-acceptor}); each
 * handshake holds a thread of a bounded handshake pool
 * ({@code tlsaccept-<name>-handshake-N}) until it finishes or times out.</li>
 * <li>{@code non-blocking}: {@code selectorThreads} selector threads
 * ({@code tlsaccept-<name>-selector-N}); a pending handshake holds no thread. The
 * engine's delegated tasks run on {@code tlsaccept-<name>-task-N}, observers on
 * {@code tlsaccept-<name>-observer}. Established connections go to the
 * {@link TlsChannelHandler} on the selector threads ({@link #eventDriven}) or to the
 * {@link TlsConnectionHandler} on worker threads.</li>
 * <li>{@code pair}: as {@code non-blocking}, with the selector pumping socket bytes
 * through an in-memory {@link dev.tlsaccept.engine.BioPair}.</li>
 * </ul>
 *
 * <p>
 * Nothing starts in the constructor: {@link #start()} binds and starts the threads,
 * {@link #stop()} drains and joins them. A server starts once.
 *
 * <pre class="code">
 * TlsServerSettings settings = TlsServerSettings.builder("edge").port(8443).build();
 * TlsServer server = new TlsServer(settings, context, HandshakeObserver.NONE, connection -&gt; {
 *     connection.inputStream().transferTo(connection.outputStream());
 * });
 * server.start();
 * </pre>
 */
public final class TlsServer implements AutoCloseable {

	private static final int BACKLOG = 1024;

	private static final long WORKER_GRACE_MILLIS = 5_000;

	/**
	 * Handshake events waiting for the observers, beyond which they are dropped (and
	 * counted).
	 */
	private static final int OBSERVER_QUEUE = 100_000;

	/**
	 * The lifecycle of a server.
	 */
	public enum State {

		/** Created, not started. */
		NEW,

		/** {@link #start()} is binding and starting threads. */
		STARTING,

		/** Bound and accepting connections. */
		RUNNING,

		/** {@link #stop()} is draining connections. */
		STOPPING,

		/** Stopped: every thread joined, every socket closed. */
		STOPPED,

		/** {@link #start()} failed and released everything; see {@link #failure()}. */
		FAILED

	}

	private final TlsServerSettings settings;

	private final ServerThreads threads;

	private final ServerCore core;

	private final Object lifecycle = new Object();

	private volatile TlsServerContext context;

	private volatile State state = State.NEW;

	private volatile @Nullable Throwable failure;

	private volatile @Nullable InetSocketAddress localAddress;

	private @Nullable Listener listener;

	private @Nullable ExecutorService ownWorkers;

	private @Nullable ExecutorService tasks;

	private @Nullable ExecutorService observers;

	private @Nullable ExecutorService timeouts;

	/**
	 * Create a server; nothing is bound or started until {@link #start()}.
	 * @param settings where to listen, the BIO mode and the limits
	 * @param context the TLS context new handshakes use; replace it with
	 * {@link #setContext}
	 * @param observer told about every finished handshake, refusals by limits included
	 * @param handler what to do with established connections, or {@code null} for a
	 * handshake probe that closes each connection with close_notify right after the
	 * handshake
	 */
	public TlsServer(TlsServerSettings settings, TlsServerContext context, HandshakeObserver observer,
			@Nullable TlsConnectionHandler handler) {
		this(settings, context, observer, handler, null);
	}

	/**
	 * Create a server whose established connections are event-driven: served by the
	 * selector threads, holding no thread while idle. Needs the {@code non-blocking} or
	 * {@code pair} mode.
	 * @param settings where to listen, the BIO mode and the limits
	 * @param context the TLS context new handshakes use; replace it with
	 * {@link #setContext}
	 * @param observer told about every finished handshake, refusals by limits included
	 * @param handler told when bytes arrive, output drained and connections end
	 * @return the server, not started
	 * @throws IllegalArgumentException in {@code blocking} mode
	 */
	public static TlsServer eventDriven(TlsServerSettings settings, TlsServerContext context,
			HandshakeObserver observer, TlsChannelHandler handler) {
		Objects.requireNonNull(settings, "settings must not be null");
		Objects.requireNonNull(handler, "handler must not be null");
		if (settings.bioMode() == BioMode.BLOCKING) {
			throw new IllegalArgumentException("TLS listener '" + settings.name() + "': an event-driven "
					+ "TlsChannelHandler is served by selector threads and needs the non-blocking or pair mode; use "
					+ "a TlsConnectionHandler (blocking streams) in blocking mode");
		}
		return new TlsServer(settings, context, observer, null, handler);
	}

	private TlsServer(TlsServerSettings settings, TlsServerContext context, HandshakeObserver observer,
			@Nullable TlsConnectionHandler handler, @Nullable TlsChannelHandler channelHandler) {
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.context = Objects.requireNonNull(context, "context must not be null");
		Objects.requireNonNull(observer, "observer must not be null: use HandshakeObserver.NONE");
		this.threads = new ServerThreads(settings.name());
		this.core = new ServerCore(settings, this::context, observer, handler, channelHandler);
	}

	/**
	 * Bind the listening socket and start the threads.
	 * @throws TlsServerException when the port is in use, the address is bad or binding
	 * fails otherwise; the server is then {@link State#FAILED} and holds no thread or
	 * socket
	 * @throws IllegalStateException when the server was started (or stopped) before
	 */
	public void start() {
		synchronized (this.lifecycle) {
			if (this.state != State.NEW) {
				throw new IllegalStateException("TLS listener '" + this.settings.name() + "' cannot start in state "
						+ this.state + ": a TlsServer starts once, create a new one");
			}
			this.state = State.STARTING;
			InetSocketAddress address = (this.settings.address() != null)
					? new InetSocketAddress(this.settings.address(), this.settings.port())
					: new InetSocketAddress(this.settings.port());
			Listener started = null;
			try {
				started = bind(address);
				startExecutors();
				if (this.core.hasHandler()) {
					Executor workers = this.settings.workerExecutor();
					if (workers == null) {
						this.ownWorkers = this.threads.newPool("worker", this.settings.maxConnections());
						workers = this.ownWorkers;
					}
					this.core.workers(workers);
				}
				started.start();
				this.listener = started;
				InetSocketAddress bound = started.localAddress();
				this.localAddress = bound;
				this.state = State.RUNNING;
				// debug: the application (or the Spring layer) logs the one info line per
				// listener
				ServerCore.logger.log(Level.DEBUG,
						() -> "TLS listener '" + this.settings.name() + "' started on " + text(bound.getAddress()) + ":"
								+ bound.getPort() + " (" + this.settings.bioMode().configName() + ", engine "
								+ this.context.engineName() + ")");
			}
			catch (Throwable ex) {
				if (started != null) {
					started.stop();
				}
				ExecutorService workers = this.ownWorkers;
				if (workers != null) {
					ServerThreads.shutdown(workers, 0);
				}
				stopExecutors();
				if (ex instanceof Error error) {
					this.failure = error;
					this.state = State.FAILED;
					throw error;
				}
				TlsServerException failure = (ex instanceof TlsServerException known) ? known
						: new TlsServerException(TlsServerException.Kind.BIND_FAILED, this.settings.name(),
								text(this.settings.address()), this.settings.port(),
								"TLS listener '" + this.settings.name() + "' could not start on " + where() + ": " + ex,
								ex);
				this.failure = failure;
				this.state = State.FAILED;
				throw failure;
			}
		}
	}

	/**
	 * The selector modes' helpers: delegated engine tasks on a bounded pool (a full queue
	 * runs the task on the loop, as before), observers on one thread with a bounded
	 * queue, and the idle watch of blocking-stream connections.
	 */
	private void startExecutors() {
		ExecutorService tasks = null;
		ExecutorService observers = null;
		if (this.settings.bioMode() != BioMode.BLOCKING) {
			int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
			tasks = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(this.settings.maxPendingHandshakes()), this.threads.daemonFactory("task"),
					new ThreadPoolExecutor.CallerRunsPolicy());
			((ThreadPoolExecutor) tasks).allowCoreThreadTimeOut(true);
			observers = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(OBSERVER_QUEUE),
					this.threads.daemonFactory("observer"), new ThreadPoolExecutor.AbortPolicy());
			((ThreadPoolExecutor) observers).allowCoreThreadTimeOut(true);
		}
		ScheduledThreadPoolExecutor timeouts = null;
		if (this.core.hasHandler()
				&& (!this.settings.idleTimeout().isZero() || !this.settings.maxLifetime().isZero())) {
			timeouts = new ScheduledThreadPoolExecutor(1, this.threads.daemonFactory("timeouts"));
			timeouts.setRemoveOnCancelPolicy(true);
		}
		this.tasks = tasks;
		this.observers = observers;
		this.timeouts = timeouts;
		this.core.executors(tasks, observers, timeouts);
	}

	private void stopExecutors() {
		for (ExecutorService executor : new ExecutorService[] { this.tasks, this.timeouts }) {
			if (executor != null) {
				ServerThreads.shutdown(executor, WORKER_GRACE_MILLIS);
			}
		}
		// observers last: every event of the stop is delivered
		ExecutorService observers = this.observers;
		if (observers != null) {
			ServerThreads.shutdown(observers, WORKER_GRACE_MILLIS);
		}
	}

	private Listener bind(InetSocketAddress address) {
		try {
			if (address.isUnresolved()) {
				throw new UnresolvedAddressException();
			}
			return (this.settings.bioMode() == BioMode.BLOCKING)
					? BlockingListener.bind(this.core, this.threads, address, BACKLOG)
					: SelectorListener.bind(this.core, this.threads, address, BACKLOG, this.settings.bioMode());
		}
		catch (BindException ex) {
			throw bindFailure(ex);
		}
		catch (IOException ex) {
			throw new TlsServerException(TlsServerException.Kind.BIND_FAILED, this.settings.name(),
					text(this.settings.address()), this.settings.port(),
					"Cannot bind " + where() + " for TLS listener '" + this.settings.name() + "': " + ex.getMessage()
							+ "; check the address and port",
					ex);
		}
		catch (UnresolvedAddressException | UnsupportedAddressTypeException ex) {
			throw badAddress(ex);
		}
	}

	private TlsServerException bindFailure(BindException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
		if (message.contains("in use")) {
			return new TlsServerException(TlsServerException.Kind.PORT_IN_USE, this.settings.name(),
					text(this.settings.address()), this.settings.port(),
					"Port " + this.settings.port() + " on " + text(this.settings.address())
							+ " is already in use for TLS listener '" + this.settings.name()
							+ "': stop the process that listens on it, or configure another port (0 picks a free one)",
					ex);
		}
		if (message.contains("assign") || message.contains("not available")) {
			return badAddress(ex);
		}
		return new TlsServerException(
				TlsServerException.Kind.BIND_FAILED, this.settings.name(), text(this.settings.address()),
				this.settings.port(), "Cannot bind " + where() + " for TLS listener '" + this.settings.name() + "': "
						+ ex.getMessage() + " (a port below 1024 needs privileges): configure another port or address",
				ex);
	}

	private TlsServerException badAddress(Exception ex) {
		return new TlsServerException(TlsServerException.Kind.BAD_ADDRESS, this.settings.name(), text(this.settings
			.address()), this.settings.port(), "Address " + text(this.settings.address()) + " (port "
					+ this.settings.port() + ") cannot be used by TLS listener '" + this.settings.name()
					+ "': it is not an address of this host. Use one of this host's addresses, or none to listen on all interfaces",
				ex);
	}

	private String where() {
		return text(this.settings.address()) + ":" + this.settings.port();
	}

	private static String text(@Nullable InetAddress address) {
		return (address != null) ? address.getHostAddress() : "0.0.0.0";
	}

	/**
	 * Stop gracefully: stop accepting, cut pending handshakes (each reported to the
	 * observer as {@code -1 SYSCALL} "handshake cut: listener stopping"), give
	 * established connections up to {@link TlsServerSettings#shutdownTimeout()} to
	 * finish, then close the rest with close_notify. Joins every thread the server
	 * started. Idempotent; a server that never started just becomes
	 * {@link State#STOPPED}.
	 */
	public void stop() {
		synchronized (this.lifecycle) {
			State current = this.state;
			if (current == State.NEW) {
				this.state = State.STOPPED;
				return;
			}
			if (current != State.RUNNING) {
				return;
			}
			this.state = State.STOPPING;
			this.core.stopping();
			try {
				Listener started = this.listener;
				if (started != null) {
					started.stopAccepting();
				}
				if (!this.core.awaitNoConnections(this.settings.shutdownTimeout().toNanos())) {
					int closed = this.core.closeConnections();
					ServerCore.logger.log(Level.INFO,
							() -> "TLS listener '" + this.settings.name() + "' closed " + closed
									+ " connection(s) still open after the shutdown timeout of "
									+ this.settings.shutdownTimeout());
				}
				if (started != null) {
					// the selector loops served the event-driven connections until now
					started.stop();
				}
				stopExecutors();
				ExecutorService workers = this.ownWorkers;
				if (workers != null && !ServerThreads.shutdown(workers, WORKER_GRACE_MILLIS)) {
					ServerCore.logger.log(Level.WARNING, "TLS listener '" + this.settings.name()
							+ "': connection handlers did not end when interrupted");
				}
			}
			finally {
				this.state = State.STOPPED;
				ServerCore.logger.log(Level.DEBUG,
						() -> "TLS listener '" + this.settings.name() + "' stopped: " + stats());
			}
		}
	}

	/**
	 * Same as {@link #stop()}.
	 */
	@Override
	public void close() {
		stop();
	}

	/**
	 * Rotate key material: handshakes accepted from now on use the new context; pending
	 * and established connections keep the one they started with. The caller may close
	 * the old context right after (unless it uses it elsewhere): a
	 * {@link TlsServerContext} is reference-counted, so it is released only once the
	 * handshakes accepted before the rotation have made their acceptors and those are
	 * closed.
	 * @param context the new context
	 */
	public void setContext(TlsServerContext context) {
		this.context = Objects.requireNonNull(context, "context must not be null");
	}

	/**
	 * The context new handshakes use.
	 * @return the current context
	 */
	public TlsServerContext context() {
		return this.context;
	}

	/**
	 * The settings the server was created with.
	 * @return the settings
	 */
	public TlsServerSettings settings() {
		return this.settings;
	}

	/**
	 * Where the server is in its lifecycle.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Why {@link #start()} failed.
	 * @return the failure when {@link State#FAILED}, else {@code null}
	 */
	public @Nullable Throwable failure() {
		return this.failure;
	}

	/**
	 * The address the server is bound to.
	 * @return the bound address once started, else {@code null}
	 */
	public @Nullable InetSocketAddress localAddress() {
		return this.localAddress;
	}

	/**
	 * The port the server is bound to: the ephemeral one when {@code port} was {@code 0}.
	 * @return the bound port once started, else {@code -1}
	 */
	public int port() {
		InetSocketAddress bound = this.localAddress;
		return (bound != null) ? bound.getPort() : -1;
	}

	/**
	 * A snapshot of the connection counts.
	 * @return the counts
	 */
	public TlsServerStats stats() {
		return this.core.stats();
	}

	@Override
	public String toString() {
		return "TlsServer[" + this.settings.name() + ", " + this.state + ", port " + port() + "]";
	}

}
