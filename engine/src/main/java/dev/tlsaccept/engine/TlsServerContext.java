package dev.tlsaccept.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

/**
 * A configured TLS server: one engine context, many {@link TlsAcceptor acceptors}, one
 * per connection, in any {@link BioMode}. Immutable and thread-safe; replace it (rather
 * than change it) to rotate key material: acceptors created earlier keep the context they
 * were made with.
 *
 * <p>
 * Reference-counted, so that a context can be retired while handshakes still use it (a
 * rotation): {@link #close()} gives up the creator's reference, every acceptor holds one
 * from its creation until it is closed, and a server that picks the context for a
 * connection it will handshake later holds one with {@link #tryRetain()} until it has
 * made the acceptor. The engine's context (native memory on the {@code openssl} engine)
 * is released once, when the last reference goes; from then on {@link #isClosed()} is
 * {@code true} and no acceptor can be made from it.
 *
 * <pre class="code">
 * TlsServerContext context = TlsServerContext.create(TlsConfig.builder(keyMaterial).build());
 * try (Socket socket = serverSocket.accept(); TlsAcceptor acceptor = context.newBlockingAcceptor(socket)) {
 *     AcceptResult result = acceptor.accept(); // 1 NONE, or 0/-1 with the reason
 * }
 * </pre>
 */
public final class TlsServerContext implements AutoCloseable {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final TlsConfig config;

	private final TlsEngine engine;

	private final TlsEngineContext engineContext;

	/** What acceptors use: the engine's context, with each engine holding a reference. */
	private final TlsEngineContext counted = new Counted();

	/**
	 * The creator's, one per acceptor and one per {@link #tryRetain()}; none left:
	 * closed.
	 */
	private final AtomicInteger references = new AtomicInteger(1);

	private final AtomicBoolean closeCalled = new AtomicBoolean();

	private final LongAdder renegotiationsRefused = new LongAdder();

	private TlsServerContext(TlsConfig config, TlsEngine engine, TlsEngineContext engineContext) {
		this.config = config;
		this.engine = engine;
		this.engineContext = engineContext;
	}

	/**
	 * Create the server context for a configuration, with the engine it names.
	 * @param config the configuration
	 * @return the context
	 * @throws TlsConfigException for an unknown or unavailable engine, a protocol or
	 * cipher suite the engine does not know, key material it rejects;
	 * {@link TlsConfigException#setting()} says which setting to change
	 */
	public static TlsServerContext create(TlsConfig config) {
		Objects.requireNonNull(config, "config must not be null");
		return create(config, TlsEngines.get(config.engine()));
	}

	static TlsServerContext create(TlsConfig config, TlsEngine engine) {
		String unavailable = engine.unavailabilityReason();
		if (unavailable != null) {
			throw new TlsConfigException(TlsConfigException.Setting.ENGINE,
					"TLS engine '" + engine.name() + "' is not available: " + unavailable);
		}
		try {
			return new TlsServerContext(config, engine, engine.createContext(config));
		}
		catch (GeneralSecurityException ex) {
			throw new TlsConfigException(TlsConfigException.Setting.KEY_MATERIAL, "TLS engine '" + engine.name()
					+ "' cannot use the key material of " + config.keyMaterial().source() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * An acceptor over a connected, blocking socket.
	 * @param socket an accepted socket
	 * @return the acceptor, which owns the socket
	 * @throws IllegalStateException when the context is closed
	 */
	public TlsAcceptor newBlockingAcceptor(Socket socket) {
		return newBlockingAcceptor(socket, EMPTY, null);
	}

	/**
	 * An acceptor over a connected, blocking socket whose first bytes were already read
	 * (e.g. with a PROXY protocol header): the acceptor reads them first.
	 * @param socket an accepted socket
	 * @param prefix the bytes read from the socket that belong to TLS, between position
	 * and limit (copied; not consumed)
	 * @param peer the client, when not the socket's peer (the one a PROXY protocol header
	 * named), for the engine, results and the connection's remote address; {@code null}
	 * for the socket's peer
	 * @return the acceptor, which owns the socket
	 * @throws IllegalStateException when the context is closed
	 */
	public TlsAcceptor newBlockingAcceptor(Socket socket, ByteBuffer prefix, @Nullable InetSocketAddress peer) {
		try {
			return new TlsAcceptor(this.counted, this.config, prefixed(new SocketBio(socket), prefix, peer));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot use the socket of " + socket.getRemoteSocketAddress(), ex);
		}
	}

	/**
	 * An acceptor over a connected channel, switched to non-blocking mode.
	 * @param channel an accepted channel
	 * @return the acceptor, which owns the channel
	 * @throws IllegalStateException when the context is closed
	 */
	public TlsAcceptor newNonBlockingAcceptor(SocketChannel channel) {
		return newNonBlockingAcceptor(channel, EMPTY, null);
	}

	/**
	 * An acceptor over a connected channel, switched to non-blocking mode, whose first
	 * bytes were already read (e.g. with a PROXY protocol header): the acceptor reads
	 * them first.
	 * @param channel an accepted channel
	 * @param prefix the bytes read from the channel that belong to TLS, between position
	 * and limit (copied; not consumed)
	 * @param peer the client, when not the channel's peer (the one a PROXY protocol
	 * header named), for the engine, results and the connection's remote address;
	 * {@code null} for the channel's peer
	 * @return the acceptor, which owns the channel
	 * @throws IllegalStateException when the context is closed
	 */
	public TlsAcceptor newNonBlockingAcceptor(SocketChannel channel, ByteBuffer prefix,
			@Nullable InetSocketAddress peer) {
		try {
			return new TlsAcceptor(this.counted, this.config, prefixed(new ChannelBio(channel), prefix, peer));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot switch the channel to non-blocking mode", ex);
		}
	}

	private static Bio prefixed(Bio bio, ByteBuffer prefix, @Nullable InetSocketAddress peer) {
		return (prefix.hasRemaining() || peer != null) ? new PrefixedBio(bio, prefix, peer) : bio;
	}

	/**
	 * An acceptor over an in-memory BIO pair.
	 * @param pair the pair the caller moves bytes through
	 * @param peer the peer's address, if known, for results and records
	 * @return the acceptor
	 * @throws IllegalStateException when the context is closed
	 */
	public TlsAcceptor newPairAcceptor(BioPair pair, @Nullable InetSocketAddress peer) {
		return new TlsAcceptor(this.counted, this.config, pair.engineSide(peer));
	}

	/**
	 * How many client-initiated renegotiations (a TLS 1.2 ClientHello on an established
	 * connection) connections of this context refused. The engine decides what the client
	 * sees: see the README's "Engine differences".
	 * @return the count since the context was created
	 */
	public long renegotiationsRefused() {
		return this.renegotiationsRefused.sum();
	}

	public TlsConfig config() {
		return this.config;
	}

	/**
	 * The engine's name, e.g. {@code jdk}.
	 * @return the engine name
	 */
	public String engineName() {
		return this.engine.name();
	}

	/**
	 * The TLS implementation and its version, e.g. {@code SunJSSE 17}.
	 * @return the provider description
	 */
	public String provider() {
		return this.engineContext.provider();
	}

	public List<String> enabledProtocols() {
		return this.engineContext.enabledProtocols();
	}

	public List<String> enabledCipherSuites() {
		return this.engineContext.enabledCipherSuites();
	}

	/**
	 * Key-exchange groups configured, in order of preference, by IANA name.
	 * @return group names; empty when the engine's defaults apply
	 */
	public List<String> enabledGroups() {
		return this.engineContext.enabledGroups();
	}

	/**
	 * Take a reference for an acceptor to be made later, possibly on another thread, so
	 * that a {@link #close()} meanwhile (a rotation) cannot release the context under it.
	 * Give it back with {@link #release()} once the acceptor is made (it holds its own)
	 * or will not be.
	 * @return {@code true} when the reference was taken; {@code false} when the context
	 * is closed already: use the context that replaced it
	 */
	public boolean tryRetain() {
		int count;
		do {
			count = this.references.get();
			if (count <= 0) {
				return false;
			}
		}
		while (!this.references.compareAndSet(count, count + 1));
		return true;
	}

	/**
	 * Give back a reference taken with {@link #tryRetain()}; the context is closed when
	 * it was the last one.
	 * @throws IllegalStateException when no reference is left to give back
	 */
	public void release() {
		int count = this.references.decrementAndGet();
		if (count == 0) {
			this.engineContext.close();
		}
		else if (count < 0) {
			this.references.incrementAndGet();
			throw new IllegalStateException("TLS context of engine '" + engineName()
					+ "' released more often than retained: pair each release() with a successful tryRetain()");
		}
	}

	/**
	 * Whether the context is closed: {@link #close()} was called and no acceptor or
	 * retained reference uses it any more, so its engine context is released and no
	 * acceptor can be made.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.references.get() <= 0;
	}

	/**
	 * Retire the context: no reference is taken for new acceptors from now on by the
	 * caller, and the engine's context is released as soon as the acceptors made from it
	 * and the references taken with {@link #tryRetain()} are all released (at once when
	 * there are none). Established connections keep working until they close. Idempotent.
	 */
	@Override
	public void close() {
		if (this.closeCalled.compareAndSet(false, true)) {
			release();
		}
	}

	/**
	 * The engine's context as acceptors see it: each engine holds a reference to this
	 * context from its creation to its {@link TlsEngineContext#release release}.
	 * Delegates every method but {@code close()} (a default method of the interface left
	 * undelegated silently loses the engine's behaviour: keep this class in step with
	 * {@link TlsEngineContext}).
	 */
	private final class Counted
			implements TlsEngineContext, RefusalCounter, FailureTranslator.Source, InlineResumptions.Source {

		@Override
		public String provider() {
			return TlsServerContext.this.engineContext.provider();
		}

		@Override
		public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
			if (!tryRetain()) {
				throw new IllegalStateException("TLS context of engine '" + engineName()
						+ "' is closed: make acceptors from the context that replaced it");
			}
			try {
				return TlsServerContext.this.engineContext.newEngine(peer);
			}
			catch (RuntimeException | Error ex) {
				TlsServerContext.this.release();
				throw ex;
			}
		}

		@Override
		public void release(SSLEngine engine) {
			try {
				TlsServerContext.this.engineContext.release(engine);
			}
			finally {
				TlsServerContext.this.release();
			}
		}

		@Override
		public FailureTranslator failures() {
			return FailureTranslator.of(TlsServerContext.this.engineContext);
		}

		@Override
		public @Nullable InlineResumptions inlineResumptions() {
			return InlineResumptions.of(TlsServerContext.this.engineContext);
		}

		@Override
		public boolean refusesRenegotiationWithWarning() {
			return TlsServerContext.this.engineContext.refusesRenegotiationWithWarning();
		}

		@Override
		public void renegotiationRefused(@Nullable TlsAlert alert) {
			TlsServerContext.this.renegotiationsRefused.increment();
		}

		@Override
		public List<String> enabledProtocols() {
			return TlsServerContext.this.engineContext.enabledProtocols();
		}

		@Override
		public List<String> enabledCipherSuites() {
			return TlsServerContext.this.engineContext.enabledCipherSuites();
		}

		@Override
		public List<String> enabledGroups() {
			return TlsServerContext.this.engineContext.enabledGroups();
		}

	}

}
