package dev.tlsaccept.server;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * What every BIO mode of a {@link TlsServer} shares: limits and counts, the observer, the
 * current context, established connections and the hand-off to the handler. Thread-safe.
 */
final class ServerCore {

	static final System.Logger logger = System.getLogger(TlsServer.class.getName());

	/** Sources tracked for the limits per source, at least (about 100 bytes each). */
	static final int MIN_TRACKED_SOURCES = 16_384;

	/** Why a handshake still pending when the server stopped was ended. */
	static final String CUT_REASON = "handshake cut: listener stopping";

	/**
	 * Why a connection from a source that is no trusted proxy is refused with
	 * {@code proxy-protocol: required}.
	 */
	static final String PROXY_REQUIRED_REFUSAL = "refused: proxy-protocol required and the source is not a trusted proxy";

	private final TlsServerSettings settings;

	private final Supplier<TlsServerContext> contexts;

	/**
	 * The contexts connections captured that may still count (see
	 * {@link #renegotiationsRefused()}).
	 */
	private final List<TlsServerContext> contextsInUse = new ArrayList<>();

	private volatile @Nullable TlsServerContext lastCaptured;

	/** Guarded by {@link #contextsInUse}. */
	private long renegotiationsRefusedByClosedContexts;

	private final HandshakeObserver observer;

	/** Whether {@link #observer} wants the start of each handshake. */
	private final boolean observesStarts;

	private final @Nullable TlsConnectionHandler handler;

	private final @Nullable TlsChannelHandler channelHandler;

	private final Set<ServerConnection> established = ConcurrentHashMap.newKeySet();

	private final Set<EventConnection> channels = ConcurrentHashMap.newKeySet();

	private final Object drained = new Object();

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger pending = new AtomicInteger();

	/** Cuts of stalled handshakes claimed and not yet done. */
	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong refusedMaxConnections = new AtomicLong();

	private final AtomicLong refusedMaxPending = new AtomicLong();

	private final AtomicLong cutStalled = new AtomicLong();

	private final AtomicLong closedIdle = new AtomicLong();

	private final AtomicLong closedLifetime = new AtomicLong();

	private final AtomicLong observerDropped = new AtomicLong();

	private final AtomicLong refusedDenied = new AtomicLong();

	private final AtomicLong refusedNotAllowed = new AtomicLong();

	private final AtomicLong refusedMaxPendingPerSource = new AtomicLong();

	private final AtomicLong refusedMaxRatePerSource = new AtomicLong();

	private final AtomicLong handlerErrors = new AtomicLong();

	private final AtomicLong refusedUntrustedProxy = new AtomicLong();

	private final AtomicLong refusedProxyHeader = new AtomicLong();

	/**
	 * Pending handshakes and new-connection rates per source; {@code null} without such
	 * limits.
	 */
	private final @Nullable SourceTracker sources;

	private volatile @Nullable Executor workers;

	private volatile @Nullable Executor tasks;

	private volatile @Nullable Executor observers;

	private volatile @Nullable ScheduledExecutorService timeouts;

	private volatile boolean stopping;

	ServerCore(TlsServerSettings settings, Supplier<TlsServerContext> contexts, HandshakeObserver observer,
			@Nullable TlsConnectionHandler handler, @Nullable TlsChannelHandler channelHandler) {
		this.settings = settings;
		this.contexts = contexts;
		this.observer = observer;
		this.observesStarts = observer.observesStarts();
		this.handler = handler;
		this.channelHandler = channelHandler;
		SourceLimits limits = settings.sourceLimits();
		// more sources than pending handshakes: a source with a pending handshake always
		// fits
		this.sources = limits.limitsPerSource() ? new SourceTracker(limits,
				Math.max(MIN_TRACKED_SOURCES, 2 * settings.maxPendingHandshakes() + 1), System::nanoTime) : null;
	}

	String name() {
		return this.settings.name();
	}

	TlsServerSettings settings() {
		return this.settings;
	}

	/**
	 * Capture the context a newly admitted connection will handshake with, retained so
	 * that a rotation meanwhile cannot close it before the acceptor is made (on another
	 * thread, later). Every capture is given back by {@link #handshakeFinished}, which
	 * each admitted connection reaches exactly once with the context captured for it.
	 * @return the current context, retained; a context closed without a replacement is
	 * returned as it is (its acceptors cannot be made: the handshake fails as "cannot
	 * start")
	 */
	TlsServerContext captureContext() {
		while (true) {
			TlsServerContext current = this.contexts.get();
			if (current.tryRetain() || this.contexts.get() == current) {
				if (current != this.lastCaptured) {
					contextInUse(current);
				}
				return current;
			}
			// closed just after a rotation replaced it: take the replacement
		}
	}

	/**
	 * A context the connections use from now on (the first one, or a rotation's): its
	 * refusal counts are summed into {@link #stats()} for as long as connections may use
	 * it, then kept.
	 */
	private void contextInUse(TlsServerContext context) {
		synchronized (this.contextsInUse) {
			this.lastCaptured = context;
			if (!this.contextsInUse.contains(context)) {
				this.contextsInUse.add(context);
			}
			// let the retired ones that closed go now, even when nobody reads the stats
			renegotiationsRefused();
		}
	}

	/**
	 * Client-initiated renegotiations refused by every context this server's connections
	 * used.
	 */
	private long renegotiationsRefused() {
		synchronized (this.contextsInUse) {
			long sum = this.renegotiationsRefusedByClosedContexts;
			for (var each = this.contextsInUse.iterator(); each.hasNext();) {
				TlsServerContext context = each.next();
				long refused = context.renegotiationsRefused();
				if (context.isClosed()) {
					// no connection can use it any more: keep its count, let it go
					this.renegotiationsRefusedByClosedContexts += refused;
					each.remove();
				}
				sum += refused;
			}
			return sum;
		}
	}

	boolean hasHandler() {
		return this.handler != null;
	}

	boolean hasChannelHandler() {
		return this.channelHandler != null;
	}

	@Nullable TlsChannelHandler channelHandler() {
		return this.channelHandler;
	}

	void workers(@Nullable Executor workers) {
		this.workers = workers;
	}

	/**
	 * Where the selector modes run the engines' delegated tasks and observers, and the
	 * blocking handlers' idle watch; set by {@link TlsServer#start()}.
	 * @param tasks delegated engine tasks
	 * @param observers handshake observers, one thread: events in order
	 * @param timeouts the idle and lifetime watch of blocking-stream connections, if any
	 */
	void executors(@Nullable Executor tasks, @Nullable Executor observers,
			@Nullable ScheduledExecutorService timeouts) {
		this.tasks = tasks;
		this.observers = observers;
		this.timeouts = timeouts;
	}

	@Nullable Executor taskExecutor() {
		return this.tasks;
	}

	long handshakeTimeoutNanos() {
		return this.contexts.get().config().handshakeTimeout().toNanos();
	}

	int pendingCount() {
		return this.pending.get();
	}

	boolean isStopping() {
		return this.stopping;
	}

	void stopping() {
		this.stopping = true;
	}

	// ---- admission ------------------------------------------------------------------

	/**
	 * Count a newly accepted connection and check the rules: the allow and deny lists,
	 * the limits, then the limits per source (last, since admitting counts the connection
	 * for its source). Called by one accepting thread at a time, so the check and the
	 * increment cannot interleave with another admission. The pending-handshake limit is
	 * checked here in {@code blocking} mode only: the selector modes make room for the
	 * new handshake by cutting a stalled one ({@link #refusedPending} when none is).
	 * @param peer the peer, for the source rules and the refusal event
	 * @return {@code true} when the connection may start its handshake (it is now
	 * pending); {@code false} when it was refused, counted and reported: close it at once
	 */
	boolean admit(@Nullable InetSocketAddress peer) {
		this.accepted.incrementAndGet();
		InetAddress address = (peer != null) ? peer.getAddress() : null;
		// a trusted proxy's connections are its clients': the rules by source apply to
		// the client
		// its header names (the lists once it is read, see listRefusal), not to the proxy
		boolean viaProxy = this.settings.trustsProxy(address);
		String refusal = null;
		if (this.settings.proxyProtocol() == ProxyProtocol.REQUIRED && !viaProxy) {
			this.refusedUntrustedProxy.incrementAndGet();
			refusal = PROXY_REQUIRED_REFUSAL;
		}
		else if (!viaProxy) {
			refusal = listRefusal(address);
		}
		if (refusal != null) {
			// refused by a rule above
		}
		else if (this.open.get() >= this.settings.maxConnections()) {
			this.refusedMaxConnections.incrementAndGet();
			refusal = "refused: max-connections (" + this.settings.maxConnections() + ") reached";
		}
		else if (this.settings.bioMode() == BioMode.BLOCKING
				&& this.pending.get() >= this.settings.maxPendingHandshakes()) {
			this.refusedMaxPending.incrementAndGet();
			refusal = maxPendingRefusal();
		}
		else if (this.sources != null && address != null && !viaProxy) {
			refusal = perSourceRefusal(this.sources.admit(address));
		}
		if (refusal == null) {
			this.open.incrementAndGet();
			this.pending.incrementAndGet();
			if (this.settings.bioMode() != BioMode.BLOCKING && !ProxyPhase.applies(this.settings.proxyProtocol())) {
				// on the observer thread; blocking mode reports it from the handshake's
				// thread, not the accepting one, and a PROXY protocol header's reader
				// once it was read (see handshakeStarted)
				handshakeStarted(peer, null, null, startTime());
			}
			return true;
		}
		TlsServerContext context = this.contexts.get();
		observe(new HandshakeEvent(name(), context.engineName(), this.settings.bioMode(), peer,
				Results.syscall(context.config().clock().instant(), refusal)));
		return false;
	}

	/**
	 * The allow and deny lists' verdict on an address, counted when it refuses.
	 * @param address the address: the connecting one, or the client a trusted proxy named
	 * @return the reason of the refusal; {@code null} when the lists let it in
	 */
	@Nullable String listRefusal(@Nullable InetAddress address) {
		SourceLimits limits = this.settings.sourceLimits();
		Cidr denied = limits.denied(address);
		if (denied != null) {
			this.refusedDenied.incrementAndGet();
			return "refused: deny " + denied;
		}
		if (!limits.allowed(address)) {
			this.refusedNotAllowed.incrementAndGet();
			return "refused: not in allow list";
		}
		return null;
	}

	/**
	 * A connection was refused by the PROXY protocol phase: counted here, not as a failed
	 * handshake.
	 * @param untrustedSource {@code true} when a source that is no trusted proxy sent a
	 * header; {@code false} when a trusted proxy's header was missing or malformed
	 */
	void proxyRefused(boolean untrustedSource) {
		(untrustedSource ? this.refusedUntrustedProxy : this.refusedProxyHeader).incrementAndGet();
	}

	/**
	 * An admitted connection found every pending slot taken by handshakes that progress:
	 * refused, counted and reported; the caller closes it.
	 * @param context the context it would have used
	 * @param mode the BIO mode
	 * @param peer the peer
	 */
	void refusedPending(TlsServerContext context, BioMode mode, @Nullable InetSocketAddress peer) {
		notPendingAnyMore(context, peer);
		this.refusedMaxPending.incrementAndGet();
		connectionGone();
		observe(new HandshakeEvent(name(), context.engineName(), mode, peer,
				Results.syscall(context.config().clock().instant(), maxPendingRefusal())));
	}

	/**
	 * An admitted connection's handshake ended (or never started): give back what its
	 * admission took, the captured context's reference and its source's pending count.
	 * Exactly once per admitted connection.
	 */
	private void notPendingAnyMore(TlsServerContext context, @Nullable InetSocketAddress connecting) {
		// the acceptor, if one was made, holds its own reference; a closed context was
		// not retained
		if (!context.isClosed()) {
			context.release();
		}
		this.pending.decrementAndGet();
		SourceTracker sources = this.sources;
		InetAddress address = (connecting != null) ? connecting.getAddress() : null;
		// a trusted proxy's connections were not counted for it (see admit)
		if (sources != null && address != null && !this.settings.trustsProxy(address)) {
			sources.finished(address);
		}
	}

	private String maxPendingRefusal() {
		return "refused: max-pending-handshakes (" + this.settings.maxPendingHandshakes() + ") reached";
	}

	/** A stalled handshake was cut to make room (its end is reported as usual). */
	void stalledHandshakeCut() {
		this.cutStalled.incrementAndGet();
	}

	/** An established connection was closed by its idle timeout. */
	void idleTimedOut() {
		this.closedIdle.incrementAndGet();
	}

	/** An established connection was closed at the end of its maximum lifetime. */
	void lifetimeExpired() {
		this.closedLifetime.incrementAndGet();
	}

	/**
	 * A connection handler threw (a blocking handler's {@code handle}, or any callback of
	 * an event-driven one, {@code closed} included).
	 */
	void handlerFailed() {
		this.handlerErrors.incrementAndGet();
	}

	/**
	 * The reason of a refusal by a limit per source, counted; the peer is not named (the
	 * record's peer field carries it, masked where the application masks peers).
	 */
	private @Nullable String perSourceRefusal(SourceTracker.Verdict verdict) {
		SourceLimits limits = this.settings.sourceLimits();
		return switch (verdict) {
			case ADMITTED -> null;
			case MAX_PENDING -> {
				this.refusedMaxPendingPerSource.incrementAndGet();
				yield "refused: max-pending-handshakes-per-source (" + limits.maxPendingHandshakesPerSource()
						+ ") reached";
			}
			case MAX_RATE -> {
				this.refusedMaxRatePerSource.incrementAndGet();
				yield "refused: max-handshakes-per-second-per-source (" + limits.maxHandshakesPerSecondPerSource()
						+ ") reached";
			}
			case FULL -> {
				// not reached: more sources are tracked than handshakes may be pending
				this.refusedMaxPendingPerSource.incrementAndGet();
				yield "refused: too many sources with handshakes pending";
			}
		};
	}

	/**
	 * A pending handshake finished: count it and tell the observer. On failure the
	 * connection is no longer counted as open; the caller closes it. Gives back the
	 * capture of the context.
	 * @param context the context the handshake ran with, from {@link #captureContext()}
	 * @param mode the BIO mode
	 * @param peer the peer
	 * @param result the finished result
	 */
	void handshakeFinished(TlsServerContext context, BioMode mode, @Nullable InetSocketAddress peer,
			AcceptResult result) {
		handshakeFinished(context, mode, peer, null, null, false, result);
	}

	/**
	 * A pending handshake finished, on a connection that may have come through a proxy:
	 * as
	 * {@link #handshakeFinished(TlsServerContext, BioMode, InetSocketAddress, AcceptResult)}.
	 * @param context the context the handshake ran with, from {@link #captureContext()}
	 * @param mode the BIO mode
	 * @param peer the peer: the client a trusted proxy named, or the connecting address
	 * @param proxy the connecting address when a trusted proxy sent a header, else
	 * {@code null}
	 * @param proxyHeader the header, if one was read
	 * @param refused whether the connection was refused by a rule of the PROXY protocol
	 * phase (the allow or deny list once the header named the client, an untrusted
	 * source's header, a missing or malformed header): counted by {@link #listRefusal} or
	 * {@link #proxyRefused} already, not as a failed handshake
	 * @param result the finished result
	 */
	void handshakeFinished(TlsServerContext context, BioMode mode, @Nullable InetSocketAddress peer,
			@Nullable InetSocketAddress proxy, @Nullable ProxyHeader proxyHeader, boolean refused,
			AcceptResult result) {
		notPendingAnyMore(context, (proxy != null) ? proxy : peer);
		if (result.isSuccess()) {
			this.succeeded.incrementAndGet();
		}
		else {
			if (!refused) {
				this.failed.incrementAndGet();
			}
			connectionGone();
		}
		observe(new HandshakeEvent(name(), context.engineName(), mode, peer, result, proxy, proxyHeader));
	}

	/**
	 * An admitted connection's handshake starts: tell the observer, as
	 * {@link #observe(HandshakeEvent)} does (so, in the selector modes, before its end on
	 * the observer thread). With {@code proxy-protocol} on, called once the header was
	 * read and accepted (a refusal in that phase has no start).
	 * @param connecting the connecting address; nothing is reported without one
	 * @param peer the client a trusted proxy's header named, or {@code null} for the
	 * connecting address
	 * @param proxyHeader the header, if one was read
	 * @param time when the connection was accepted, from {@link #startTime()}
	 */
	void handshakeStarted(@Nullable InetSocketAddress connecting, @Nullable InetSocketAddress peer,
			@Nullable ProxyHeader proxyHeader, @Nullable Instant time) {
		if (connecting == null || time == null || !this.observesStarts) {
			return;
		}
		TlsServerContext context = this.contexts.get();
		HandshakeStarted started = new HandshakeStarted(name(), context.engineName(), this.settings.bioMode(),
				connecting, time, (peer != null) ? peer : connecting, proxyHeader);
		dispatch(() -> {
			try {
				this.observer.handshakeStarted(started);
			}
			catch (Throwable ex) {
				logger.log(Level.WARNING, "Handshake observer of TLS listener '" + name() + "' failed: " + ex, ex);
			}
		});
	}

	/**
	 * The time a handshake starts, for {@link #handshakeStarted}: by the current
	 * context's clock.
	 * @return now, or {@code null} when no observer wants starts
	 */
	@Nullable Instant startTime() {
		return this.observesStarts ? this.contexts.get().config().clock().instant() : null;
	}

	/**
	 * Tell the observer: on the observer thread in the selector modes (a slow observer
	 * never stalls a loop; when its queue is full the event is dropped and counted),
	 * inline otherwise.
	 */
	private void observe(HandshakeEvent event) {
		dispatch(() -> notifyObserver(event));
	}

	private void dispatch(Runnable notification) {
		Executor executor = this.observers;
		if (executor == null) {
			notification.run();
			return;
		}
		try {
			executor.execute(notification);
		}
		catch (RejectedExecutionException ex) {
			if (this.observerDropped.incrementAndGet() % 1000 == 1) {
				logger.log(Level.WARNING, "TLS listener '" + name() + "' dropped handshake events: the observers are "
						+ "too slow for the rate of handshakes (" + this.observerDropped.get() + " dropped so far)");
			}
		}
	}

	private void notifyObserver(HandshakeEvent event) {
		try {
			this.observer.handshakeFinished(event);
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "Handshake observer of TLS listener '" + name() + "' failed: " + ex, ex);
		}
	}

	// ---- established connections ------------------------------------------------------

	/**
	 * A connection whose handshake succeeded and that is closed without a handler (a
	 * handshake probe) or before it reached one.
	 */
	void closedWithoutHandler() {
		connectionGone();
	}

	/**
	 * Run the handler on the worker executor with an established connection, then close
	 * it. Closes it at once when the server is stopping or the executor refuses the task.
	 * @param connection the connection
	 */
	void handOff(ServerConnection connection) {
		this.established.add(connection);
		Executor executor = this.workers;
		if (this.stopping || executor == null || this.handler == null) {
			connection.close();
			return;
		}
		watchTimeouts(connection);
		try {
			executor.execute(() -> serve(connection));
		}
		catch (RejectedExecutionException ex) {
			logger.log(Level.WARNING, "TLS listener '" + name() + "' closed an established connection: the worker "
					+ "executor refused it (" + ex.getMessage() + ")");
			connection.close();
		}
	}

	private void serve(ServerConnection connection) {
		TlsConnectionHandler handler = this.handler;
		try {
			if (handler != null) {
				handler.handle(connection);
			}
		}
		catch (Throwable ex) {
			handlerFailed();
			logger.log(Level.WARNING, "Connection handler of TLS listener '" + name() + "' failed: " + ex, ex);
		}
		finally {
			connection.close();
		}
	}

	/**
	 * Watch a blocking-stream connection's idle timeout and lifetime: a check is
	 * scheduled for when the connection would expire, and re-scheduled while it is
	 * active.
	 */
	private void watchTimeouts(ServerConnection connection) {
		ScheduledExecutorService watch = this.timeouts;
		if (watch != null) {
			connection.scheduleTimeoutCheck(watch);
		}
	}

	// ---- event-driven connections
	// -------------------------------------------------------

	/**
	 * An event-driven connection opens.
	 * @param connection the connection
	 * @return {@code false} when the server is stopping: close it
	 */
	boolean channelOpened(EventConnection connection) {
		this.channels.add(connection);
		return !this.stopping;
	}

	/**
	 * An event-driven connection closed.
	 * @param connection the connection
	 */
	void channelClosed(EventConnection connection) {
		if (this.channels.remove(connection)) {
			connectionGone();
		}
	}

	/**
	 * An established connection was closed.
	 * @param connection the connection
	 */
	void connectionClosed(ServerConnection connection) {
		if (this.established.remove(connection)) {
			connectionGone();
		}
	}

	private void connectionGone() {
		this.open.decrementAndGet();
		synchronized (this.drained) {
			this.drained.notifyAll();
		}
	}

	/**
	 * Wait until every established connection was closed.
	 * @param timeoutNanos how long to wait at most
	 * @return {@code true} when none is left
	 */
	boolean awaitNoConnections(long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		synchronized (this.drained) {
			while (!this.established.isEmpty() || !this.channels.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.drained, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return this.established.isEmpty() && this.channels.isEmpty();
				}
			}
			return true;
		}
	}

	/**
	 * Close every established connection still open, with close_notify where the handler
	 * lets it: first wake every handler blocked in a read (it sees end of stream), then
	 * give them all one shared wait to leave their operations, then close each (a handler
	 * still blocked writing to a peer that does not read has its socket closed under it).
	 * @return how many were closed
	 */
	int closeConnections() {
		// event-driven ones on their loops, in parallel with the blocking ones below
		List<EventConnection> channelsLeft = new ArrayList<>(this.channels);
		for (EventConnection connection : channelsLeft) {
			connection.shutdown();
		}
		List<ServerConnection> left = new ArrayList<>(this.established);
		for (ServerConnection connection : left) {
			if (connection.busy()) {
				connection.wake();
			}
		}
		long deadline = System.nanoTime() + ServerConnection.CLOSE_WAIT_NANOS;
		while (left.stream().anyMatch(ServerConnection::busy) && System.nanoTime() - deadline < 0) {
			try {
				TimeUnit.MILLISECONDS.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		for (ServerConnection connection : left) {
			if (connection.busy()) {
				connection.abort();
			}
		}
		long closeDeadline = System.nanoTime() + ServerConnection.ABORT_WAIT_NANOS;
		for (ServerConnection connection : left) {
			connection.close(closeDeadline);
		}
		// the loops stop after this: what did not close by then is aborted there
		awaitNoChannels(System.nanoTime() + ServerConnection.CLOSE_WAIT_NANOS);
		return left.size() + channelsLeft.size();
	}

	private void awaitNoChannels(long deadlineNanos) {
		synchronized (this.drained) {
			while (!this.channels.isEmpty() && deadlineNanos - System.nanoTime() > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.drained,
							Math.min(deadlineNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	TlsServerStats stats() {
		return new TlsServerStats(this.open.get(), this.pending.get(), this.accepted.get(), this.succeeded.get(),
				this.failed.get(), this.refusedMaxConnections.get(), this.refusedMaxPending.get(),
				this.refusedDenied.get(), this.refusedNotAllowed.get(), this.refusedMaxPendingPerSource.get(),
				this.refusedMaxRatePerSource.get(), this.cutStalled.get(), this.closedIdle.get(),
				this.closedLifetime.get(), this.observerDropped.get(), renegotiationsRefused(),
				this.handlerErrors.get(), this.refusedUntrustedProxy.get(), this.refusedProxyHeader.get());
	}

}
