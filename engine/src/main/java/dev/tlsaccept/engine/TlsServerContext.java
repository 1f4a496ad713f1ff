package dev.tlsaccept.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A configured TLS server: one engine context, many {@link TlsAcceptor acceptors}, one per
 * connection, in any {@link BioMode}. Immutable and thread-safe; replace it (rather than change
 * it) to rotate key material: acceptors created earlier keep the context they were made with.
 *
 * <pre class="code">
 * TlsServerContext context = TlsServerContext.create(TlsConfig.builder(keyMaterial).build());
 * try (Socket socket = serverSocket.accept(); TlsAcceptor acceptor = context.newBlockingAcceptor(socket)) {
 *     AcceptResult result = acceptor.accept(); // 1 NONE, or 0/-1 with the reason
 * }
 * </pre>
 */
public final class TlsServerContext implements AutoCloseable {

	private final TlsConfig config;

	private final TlsEngine engine;

	private final TlsEngineContext engineContext;

	private TlsServerContext(TlsConfig config, TlsEngine engine, TlsEngineContext engineContext) {
		this.config = config;
		this.engine = engine;
		this.engineContext = engineContext;
	}

	/**
	 * Create the server context for a configuration, with the engine it names.
	 * @param config the configuration
	 * @return the context
	 * @throws IllegalArgumentException for an unknown engine, protocol or cipher suite
	 * @throws IllegalStateException when the engine cannot run here or rejects the key material
	 */
	public static TlsServerContext create(TlsConfig config) {
		Objects.requireNonNull(config, "config must not be null");
		TlsEngine engine = TlsEngines.get(config.engine());
		String unavailable = engine.unavailabilityReason();
		if (unavailable != null) {
			throw new IllegalStateException("TLS engine '" + engine.name() + "' is not available: " + unavailable);
		}
		try {
			return new TlsServerContext(config, engine, engine.createContext(config));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("TLS engine '" + engine.name() + "' cannot use the key material of "
					+ config.keyMaterial().source() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * An acceptor over a connected, blocking socket.
	 * @param socket an accepted socket
	 * @return the acceptor, which owns the socket
	 */
	public TlsAcceptor newBlockingAcceptor(Socket socket) {
		try {
			return new TlsAcceptor(this.engineContext, this.config, new SocketBio(socket));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot use the socket of " + socket.getRemoteSocketAddress(), ex);
		}
	}

	/**
	 * An acceptor over a connected channel, switched to non-blocking mode.
	 * @param channel an accepted channel
	 * @return the acceptor, which owns the channel
	 */
	public TlsAcceptor newNonBlockingAcceptor(SocketChannel channel) {
		try {
			return new TlsAcceptor(this.engineContext, this.config, new ChannelBio(channel));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot switch the channel to non-blocking mode", ex);
		}
	}

	/**
	 * An acceptor over an in-memory BIO pair.
	 * @param pair the pair the caller moves bytes through
	 * @param peer the peer's address, if known, for results and records
	 * @return the acceptor
	 */
	public TlsAcceptor newPairAcceptor(BioPair pair, @Nullable InetSocketAddress peer) {
		return new TlsAcceptor(this.engineContext, this.config, pair.engineSide(peer));
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

	@Override
	public void close() {
		this.engineContext.close();
	}

}
