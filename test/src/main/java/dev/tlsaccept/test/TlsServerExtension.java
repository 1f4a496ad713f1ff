package dev.tlsaccept.test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import dev.tlsaccept.server.TlsConnectionHandler;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a {@link TlsServer} on an ephemeral loopback port, for
 * tests of the engine module without Spring. In a {@code static} field it serves the
 * whole class; in an instance field, each test.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static TlsServerExtension server = TlsServerExtension.create()
 *     .withConfig((config) -&gt; config.protocols(List.of("TLSv1.3")))
 *     .withHandler((connection) -&gt; connection.inputStream().transferTo(connection.outputStream()));
 *
 * &#64;Test
 * void refusesTls12() throws Exception {
 *     ClientHandshake attempt = server.client().withProtocols("TLSv1.2").handshake();
 *     assertThat(server.handshakes()).recordOf(attempt).failedWithAlert("protocol_version");
 * }
 * </pre>
 *
 * Key material: a server certificate for {@code localhost} issued by a new
 * {@link TestPki} ({@link #pki()}) unless set with {@link #withKeyMaterial}. Every
 * finished handshake is recorded in {@link #handshakes()}. Without a handler the server
 * is a handshake probe: it closes each connection right after the handshake.
 */
public final class TlsServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final TestPki pki = TestPki.create();

	private final InMemoryHandshakeRepository handshakes = new InMemoryHandshakeRepository();

	private final AtomicLong ids = new AtomicLong();

	private @Nullable KeyMaterial keyMaterial;

	private UnaryOperator<TlsConfig.Builder> config = UnaryOperator.identity();

	private UnaryOperator<TlsServerSettings.Builder> settings = UnaryOperator.identity();

	private @Nullable TlsConnectionHandler handler;

	private @Nullable TlsServer server;

	private boolean perClass;

	/**
	 * How many classes are running with the server: a {@code @Nested} class inherits its
	 * enclosing class's extension, and the server keeps running until the outermost ends.
	 */
	private int classes;

	private TlsServerExtension() {
	}

	/**
	 * An extension with the defaults: engine {@code jdk}, {@code non-blocking}, a probe
	 * without handler.
	 * @return the extension
	 */
	public static TlsServerExtension create() {
		return new TlsServerExtension();
	}

	/**
	 * Use this key material instead of the test PKI's server certificate.
	 * @param keyMaterial the server's key and chain
	 * @return this extension
	 */
	public TlsServerExtension withKeyMaterial(KeyMaterial keyMaterial) {
		this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial must not be null");
		return this;
	}

	/**
	 * Adjust the TLS configuration: engine, protocols, cipher suites, client
	 * authentication (trust {@code pki().trustMaterial()} for client certificates from
	 * {@link #pki()})...
	 * @param config adjusts the builder
	 * @return this extension
	 */
	public TlsServerExtension withConfig(UnaryOperator<TlsConfig.Builder> config) {
		this.config = Objects.requireNonNull(config, "config must not be null");
		return this;
	}

	/**
	 * Adjust the server settings: BIO mode, limits, timeouts. The port is always
	 * ephemeral and the address the loopback one.
	 * @param settings adjusts the builder
	 * @return this extension
	 */
	public TlsServerExtension withSettings(UnaryOperator<TlsServerSettings.Builder> settings) {
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		return this;
	}

	/**
	 * Serve established connections with this handler, on worker threads.
	 * @param handler the handler
	 * @return this extension
	 */
	public TlsServerExtension withHandler(TlsConnectionHandler handler) {
		this.handler = Objects.requireNonNull(handler, "handler must not be null");
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.perClass = true;
		if (this.classes++ == 0) {
			start();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classes == 0) {
			stop();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!this.perClass) {
			start();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			stop();
		}
	}

	private void start() {
		KeyMaterial key = (this.keyMaterial != null) ? this.keyMaterial : this.pki.server().keyMaterial();
		TlsServerContext context = TlsServerContext.create(this.config.apply(TlsConfig.builder(key)).build());
		TlsServerSettings serverSettings = this.settings.apply(TlsServerSettings.builder("test"))
			.address(InetAddress.getLoopbackAddress())
			.port(0)
			.build();
		TlsServer started = new TlsServer(serverSettings, context,
				(event) -> this.handshakes
					.add(HandshakeRecord.of(event, Long.toString(this.ids.incrementAndGet()), Instant.now())),
				this.handler);
		try {
			started.start();
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		this.server = started;
	}

	private void stop() {
		TlsServer running = this.server;
		this.server = null;
		this.handshakes.clear();
		if (running != null) {
			try {
				running.close();
			}
			finally {
				running.context().close();
			}
		}
	}

	/**
	 * The running server.
	 * @return the server
	 * @throws IllegalStateException outside a test
	 */
	public TlsServer server() {
		TlsServer running = this.server;
		if (running == null) {
			throw new IllegalStateException(
					"The server runs only during tests: register the extension with @RegisterExtension");
		}
		return running;
	}

	/**
	 * The port the server is bound to.
	 * @return the port
	 */
	public int port() {
		return server().port();
	}

	/**
	 * A client that connects to the server and trusts its certificate.
	 * @return the client
	 */
	public TlsTestClient client() {
		return TlsTestClient.forServer(server());
	}

	/**
	 * The server's handshake records, newest first; emptied when the server stops.
	 * @return the repository
	 */
	public HandshakeRepository handshakes() {
		return this.handshakes;
	}

	/**
	 * The test PKI whose server certificate the server presents by default: issue client
	 * certificates from it.
	 * @return the PKI
	 */
	public TestPki pki() {
		return this.pki;
	}

}
