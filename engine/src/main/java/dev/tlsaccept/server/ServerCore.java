package dev.tlsaccept.server;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsServerContext;
import org.jspecify.annotations.Nullable;

/**
 * What every BIO mode of a {@link TlsServer} shares: limits and counts, the observer, the current
 * context, established connections and the hand-off to the handler. Thread-safe.
 */
final class ServerCore {

	static final System.Logger logger = System.getLogger(TlsServer.class.getName());

	/** Sources tracked for the limits per source, at least (about 100 bytes each). */
	static final int MIN_TRACKED_SOURCES = 16_384;

	/** Why a handshake still pending when the server stopped was ended. */
	static final String CUT_REASON = "handshake cut: listener stopping";

	private final TlsServerSettings settings;

	private final Supplier<TlsServerContext> contexts;

	private final HandshakeObserver observer;

	private final @Nullable TlsConnectionHandler handler;

	private final Set<ServerConnection> established = ConcurrentHashMap.newKeySet();

	private final Object drained = new Object();

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger pending = new AtomicInteger();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong refusedMaxConnections = new AtomicLong();

	private final AtomicLong refusedMaxPending = new AtomicLong();

	private final AtomicLong refusedDenied = new AtomicLong();

	private final AtomicLong refusedNotAllowed = new AtomicLong();

	private final AtomicLong refusedMaxPendingPerSource = new AtomicLong();

	private final AtomicLong refusedMaxRatePerSource = new AtomicLong();

	/** Pending handshakes and new-connection rates per source; {@code null} without such limits. */
	private final @Nullable SourceTracker sources;

	private volatile @Nullable Executor workers;

	private volatile boolean stopping;

	ServerCore(TlsServerSettings settings, Supplier<TlsServerContext> contexts, HandshakeObserver observer,
			@Nullable TlsConnectionHandler handler) {
		this.settings = settings;
		this.contexts = contexts;
		this.observer = observer;
		this.handler = handler;
		SourceLimits limits = settings.sourceLimits();
		// more sources than pending handshakes: a source with a pending handshake always fits
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
	 * Capture the context a newly admitted connection will handshake with, retained so that a
	 * rotation meanwhile cannot close it before the acceptor is made (on another thread, later).
	 * Every capture is given back by {@link #handshakeFinished}, which each admitted connection
	 * reaches exactly once with the context captured for it.
	 * @return the current context, retained; a context closed without a replacement is returned
	 * as it is (its acceptors cannot be made: the handshake fails as "cannot start")
	 */
	TlsServerContext captureContext() {
		while (true) {
			TlsServerContext current = this.contexts.get();
			if (current.tryRetain() || this.contexts.get() == current) {
				return current;
			}
			// closed just after a rotation replaced it: take the replacement
		}
	}

	boolean hasHandler() {
		return this.handler != null;
	}

	void workers(@Nullable Executor workers) {
		this.workers = workers;
	}

	boolean isStopping() {
		return this.stopping;
	}

	void stopping() {
		this.stopping = true;
	}

	// ---- admission ------------------------------------------------------------------

	/**
	 * Count a newly accepted connection and check the rules: the allow and deny lists, the limits,
	 * then the limits per source (last, since admitting counts the connection for its source).
	 * Called by one accepting thread at a time, so the check and the increment cannot interleave
	 * with another admission.
	 * @param peer the peer, for the source rules and the refusal event
	 * @return {@code true} when the connection may start its handshake (it is now pending);
	 * {@code false} when it was refused, counted and reported: close it at once
	 */
	boolean admit(@Nullable InetSocketAddress peer) {
		this.accepted.incrementAndGet();
		InetAddress address = (peer != null) ? peer.getAddress() : null;
		SourceLimits limits = this.settings.sourceLimits();
		Cidr denied = limits.denied(address);
		String refusal = null;
		if (denied != null) {
			this.refusedDenied.incrementAndGet();
			refusal = "refused: deny " + denied;
		}
		else if (!limits.allowed(address)) {
			this.refusedNotAllowed.incrementAndGet();
			refusal = "refused: not in allow list";
		}
		else if (this.open.get() >= this.settings.maxConnections()) {
			this.refusedMaxConnections.incrementAndGet();
			refusal = "refused: max-connections (" + this.settings.maxConnections() + ") reached";
		}
		else if (this.pending.get() >= this.settings.maxPendingHandshakes()) {
			this.refusedMaxPending.incrementAndGet();
			refusal = "refused: max-pending-handshakes (" + this.settings.maxPendingHandshakes() + ") reached";
		}
		else if (this.sources != null && address != null) {
			refusal = perSourceRefusal(this.sources.admit(address));
		}
		if (refusal == null) {
			this.open.incrementAndGet();
			this.pending.incrementAndGet();
			return true;
		}
		TlsServerContext context = this.contexts.get();
		observe(new HandshakeEvent(name(), context.engineName(), this.settings.bioMode(), peer,
				Results.syscall(context.config().clock().instant(), refusal)));
		return false;
	}

	/**
	 * The reason of a refusal by a limit per source, counted; the peer is not named (the record's
	 * peer field carries it, masked where the application masks peers).
	 */
	private @Nullable String perSourceRefusal(SourceTracker.Verdict verdict) {
		SourceLimits limits = this.settings.sourceLimits();
		return switch (verdict) {
			case ADMITTED -> null;
			case MAX_PENDING -> {
				this.refusedMaxPendingPerSource.incrementAndGet();
				yield "refused: max-pending-handshakes-per-source (" + limits.maxPendingHandshakesPerSource() + ") reached";
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
	 * A pending handshake finished: count it and tell the observer. On failure the connection is
	 * no longer counted as open; the caller closes it. Gives back the capture of the context.
	 * @param context the context the handshake ran with, from {@link #captureContext()}
	 * @param mode the BIO mode
	 * @param peer the peer
	 * @param result the finished result
	 */
	void handshakeFinished(TlsServerContext context, BioMode mode, @Nullable InetSocketAddress peer,
			AcceptResult result) {
		// the acceptor, if one was made, holds its own reference; a closed context was not retained
		if (!context.isClosed()) {
			context.release();
		}
		this.pending.decrementAndGet();
		SourceTracker sources = this.sources;
		if (sources != null && peer != null && peer.getAddress() != null) {
			sources.finished(peer.getAddress());
		}
		if (result.isSuccess()) {
			this.succeeded.incrementAndGet();
		}
		else {
			this.failed.incrementAndGet();
			connectionGone();
		}
		observe(new HandshakeEvent(name(), context.engineName(), mode, peer, result));
	}

	private void observe(HandshakeEvent event) {
		try {
			this.observer.handshakeFinished(event);
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "Handshake observer of TLS listener '" + name() + "' failed: " + ex, ex);
		}
	}

	// ---- established connections ------------------------------------------------------

	/**
	 * A connection whose handshake succeeded and that is closed without a handler (a handshake
	 * probe) or before it reached one.
	 */
	void closedWithoutHandler() {
		connectionGone();
	}

	/**
	 * Run the handler on the worker executor with an established connection, then close it.
	 * Closes it at once when the server is stopping or the executor refuses the task.
	 * @param connection the connection
	 */
	void handOff(ServerConnection connection) {
		this.established.add(connection);
		Executor executor = this.workers;
		if (this.stopping || executor == null || this.handler == null) {
			connection.close();
			return;
		}
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
			logger.log(Level.WARNING, "Connection handler of TLS listener '" + name() + "' failed: " + ex, ex);
		}
		finally {
			connection.close();
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
			while (!this.established.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.drained, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return this.established.isEmpty();
				}
			}
			return true;
		}
	}

	/**
	 * Close every established connection still open, with close_notify where the handler lets
	 * it: first wake every handler blocked in a read (it sees end of stream), then give them all
	 * one shared wait to leave their operations, then close each (a handler still blocked writing
	 * to a peer that does not read has its socket closed under it).
	 * @return how many were closed
	 */
	int closeConnections() {
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
		return left.size();
	}

	TlsServerStats stats() {
		return new TlsServerStats(this.open.get(), this.pending.get(), this.accepted.get(), this.succeeded.get(),
				this.failed.get(), this.refusedMaxConnections.get(), this.refusedMaxPending.get(), this.refusedDenied.get(),
				this.refusedNotAllowed.get(), this.refusedMaxPendingPerSource.get(), this.refusedMaxRatePerSource.get());
	}

}
