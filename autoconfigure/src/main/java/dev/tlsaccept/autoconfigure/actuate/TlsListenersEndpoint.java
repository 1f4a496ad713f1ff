package dev.tlsaccept.autoconfigure.actuate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.TrustMaterial;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerSettings;
import dev.tlsaccept.server.TlsServerStats;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/tlslisteners}: each listener's state, address, engine, TLS settings,
 * certificate chains (the default one and one per server name), key source, trust, last
 * reload, handler and connection counts; {@code /actuator/tlslisteners/{name}} one of
 * them.
 *
 * <p>
 * Certificate subjects, issuers and subject alternative names follow
 * {@code management.endpoint.tlslisteners.show-values} ({@code never} by default:
 * {@code ******}). No key, password or certificate is ever shown.
 */
@Endpoint(id = "tlslisteners")
public class TlsListenersEndpoint {

	private final TlsListeners listeners;

	private final ShowValues showValues;

	private final Clock clock;

	TlsListenersEndpoint(TlsListeners listeners, ShowValues showValues, Clock clock) {
		this.listeners = Objects.requireNonNull(listeners, "listeners must not be null");
		this.showValues = showValues;
		this.clock = clock;
	}

	/**
	 * Every listener, in configuration order.
	 * @param securityContext the caller
	 * @return the listeners by name
	 */
	@ReadOperation
	public ListenersDescriptor listeners(SecurityContext securityContext) {
		ShowValues.Masker masker = this.showValues.forRequest(securityContext);
		Instant now = this.clock.instant();
		Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
		for (TlsListener listener : this.listeners.all()) {
			listeners.put(listener.getName(), ListenerDescriptor.of(listener, masker, now));
		}
		return new ListenersDescriptor(listeners);
	}

	/**
	 * One listener.
	 * @param securityContext the caller
	 * @param name the listener name
	 * @return the listener, or {@code null} (404) when there is none of that name
	 */
	@ReadOperation
	public @Nullable ListenerDescriptor listener(SecurityContext securityContext, @Selector String name) {
		ShowValues.Masker masker = this.showValues.forRequest(securityContext);
		Instant now = this.clock.instant();
		return this.listeners.get(name).map((listener) -> ListenerDescriptor.of(listener, masker, now)).orElse(null);
	}

	/**
	 * The response of {@code GET /actuator/tlslisteners}.
	 *
	 * @param listeners the listeners by name, in configuration order
	 */
	public record ListenersDescriptor(Map<String, ListenerDescriptor> listeners) implements OperationResponseBody {

	}

	/**
	 * One listener.
	 *
	 * @param state {@code NEW}, {@code STARTING}, {@code RUNNING}, {@code STOPPING},
	 * {@code STOPPED} or {@code FAILED}
	 * @param failure why it failed to start, when {@code FAILED}
	 * @param address the bound address (the configured one when not bound),
	 * {@code 0.0.0.0} for every interface
	 * @param port the bound port (the configured one when not bound)
	 * @param engine the engine name
	 * @param provider the TLS implementation and its version, e.g. {@code SunJSSE 17}
	 * @param bioMode {@code blocking}, {@code non-blocking} or {@code pair}
	 * @param protocols the enabled protocols
	 * @param cipherSuites the enabled cipher suites
	 * @param groups the configured key-exchange groups, in order of preference; empty
	 * when the engine's defaults apply
	 * @param clientAuth {@code NONE}, {@code WANT} or {@code NEED}
	 * @param applicationProtocols the ALPN protocols the server accepts
	 * @param handshakeTimeoutMillis the handshake timeout
	 * @param keySource where the key material comes from (an SSL bundle, a file, a
	 * self-signed certificate), never the key or a password
	 * @param sslBundle the SSL bundle of the key material, if any: Spring Boot's
	 * {@code ssl} health indicator and {@code ssl} info report its certificates too
	 * @param selfSigned whether the leaf certificate is self-signed (clients will not
	 * trust it unless told to)
	 * @param certificates the certificate chain served when no server name matches, leaf
	 * first
	 * @param serverNames the key material per server name ({@code sni.bundles}), by host
	 * pattern; empty when there is none
	 * @param rejectUnknownServerNames whether a server name that no pattern matches is
	 * refused ({@code sni.reject-unknown})
	 * @param trust the certificates client certificates are checked against
	 * @param lastReload the last update of the key material by an SSL bundle reload, if
	 * any
	 * @param handler the bean that serves established connections, if any (none: the
	 * listener completes handshakes and closes)
	 * @param connections the connection counts
	 */
	public record ListenerDescriptor(String state, @Nullable String failure, String address, int port, String engine,
			String provider, String bioMode, List<String> protocols, List<String> cipherSuites, List<String> groups,
			String clientAuth, List<String> applicationProtocols, long handshakeTimeoutMillis, String keySource,
			@Nullable String sslBundle, boolean selfSigned, List<CertificateDescriptor> certificates,
			Map<String, ServerNameDescriptor> serverNames, boolean rejectUnknownServerNames, TrustDescriptor trust,
			@Nullable ReloadDescriptor lastReload, @Nullable HandlerDescriptor handler,
			ConnectionsDescriptor connections) implements OperationResponseBody {

		static ListenerDescriptor of(TlsListener listener, ShowValues.Masker masker, Instant now) {
			TlsServer server = listener.getServer();
			TlsServerContext context = server.context();
			TlsConfig config = context.config();
			KeyMaterial key = config.keyMaterial();
			TlsServerSettings settings = server.settings();
			TlsServerStats stats = server.stats();
			Map<String, ServerNameDescriptor> serverNames = new LinkedHashMap<>();
			config.serverNameKeyMaterial()
				.forEach((host, material) -> serverNames.put(host, ServerNameDescriptor.of(material, masker, now)));
			return new ListenerDescriptor(server.state().name(), failure(server.failure()), address(listener, settings),
					listener.getPort(), context.engineName(), context.provider(), settings.bioMode().configName(),
					context.enabledProtocols(), context.enabledCipherSuites(), context.enabledGroups(),
					config.clientAuth().name(), config.applicationProtocols(), config.handshakeTimeout().toMillis(),
					listener.getKeySource(), listener.getSslBundle(), key.selfSigned(),
					describe(key.certificateChain(), masker, now), serverNames, config.rejectUnknownServerNames(),
					TrustDescriptor.of(config.trustMaterial(), masker, now),
					ReloadDescriptor.of(listener.getLastReload()), HandlerDescriptor.of(listener.getHandler(), stats),
					ConnectionsDescriptor.of(stats));
		}

		private static @Nullable String failure(@Nullable Throwable failure) {
			if (failure == null) {
				return null;
			}
			return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
		}

		private static String address(TlsListener listener, TlsServerSettings settings) {
			InetSocketAddress local = listener.getLocalAddress();
			InetAddress address = (local != null) ? local.getAddress() : settings.address();
			if (address == null || address.isAnyLocalAddress()) {
				return "0.0.0.0";
			}
			return address.getHostAddress();
		}

	}

	static List<CertificateDescriptor> describe(List<X509Certificate> chain, ShowValues.Masker masker, Instant now) {
		List<CertificateDescriptor> certificates = new ArrayList<>();
		for (X509Certificate certificate : chain) {
			certificates.add(CertificateDescriptor.of(certificate, now, masker));
		}
		return certificates;
	}

	/**
	 * The key material served to clients that ask for a server name.
	 *
	 * @param keySource where it comes from, e.g. {@code SSL bundle 'api'}
	 * @param selfSigned whether the leaf certificate is self-signed
	 * @param certificates the certificate chain, leaf first
	 */
	public record ServerNameDescriptor(String keySource, boolean selfSigned, List<CertificateDescriptor> certificates) {

		static ServerNameDescriptor of(KeyMaterial material, ShowValues.Masker masker, Instant now) {
			return new ServerNameDescriptor(material.source(), material.selfSigned(),
					describe(material.certificateChain(), masker, now));
		}

	}

	/**
	 * What client certificates are checked against.
	 *
	 * @param source where the trusted certificates come from, e.g.
	 * {@code trust store of SSL bundle 'server'} or a file; {@code none} when the
	 * listener trusts no certificate (client auth off)
	 * @param certificates the trusted certificates (their subjects and issuers follow
	 * {@code show-values})
	 */
	public record TrustDescriptor(String source, List<CertificateDescriptor> certificates) {

		static TrustDescriptor of(@Nullable TrustMaterial trust, ShowValues.Masker masker, Instant now) {
			if (trust == null) {
				return new TrustDescriptor("none", List.of());
			}
			return new TrustDescriptor(trust.source(), describe(trust.certificates(), masker, now));
		}

	}

	/**
	 * The last update of a listener's key material after a reload of an SSL bundle it
	 * uses.
	 *
	 * @param time when it was tried
	 * @param sslBundle the bundle that was reloaded
	 * @param outcome {@code SUCCESS}, or {@code FAILED} when the reloaded material cannot
	 * be used and new handshakes still get the material in use before (shown under
	 * {@code certificates})
	 * @param error why it failed
	 */
	public record ReloadDescriptor(Instant time, String sslBundle, String outcome, @Nullable String error) {

		static @Nullable ReloadDescriptor of(TlsListener.@Nullable KeyMaterialReload reload) {
			if (reload == null) {
				return null;
			}
			return new ReloadDescriptor(reload.time(), reload.sslBundle(), reload.outcome().name(), reload.error());
		}

	}

	/**
	 * The bean that serves a listener's established connections.
	 *
	 * @param bean the bean name
	 * @param type the bean's class
	 * @param style {@code EVENT_DRIVEN} (a {@code TlsChannelHandler}) or {@code BLOCKING}
	 * (a {@code TlsConnectionHandler})
	 * @param errors exceptions the handler threw since the listener started (each closed
	 * its connection)
	 */
	public record HandlerDescriptor(String bean, String type, String style, long errors) {

		static @Nullable HandlerDescriptor of(TlsListener.@Nullable HandlerBean handler, TlsServerStats stats) {
			if (handler == null) {
				return null;
			}
			return new HandlerDescriptor(handler.beanName(), handler.type().getName(),
					handler.eventDriven() ? "EVENT_DRIVEN" : "BLOCKING", stats.handlerErrors());
		}

	}

	/**
	 * A listener's connection counts.
	 *
	 * @param open connections open now (pending handshakes and established connections)
	 * @param pendingHandshakes handshakes in progress now
	 * @param accepted connections accepted since start, refused ones included
	 * @param handshakesSucceeded handshakes that completed
	 * @param handshakesFailed handshakes that failed
	 * @param refusedMaxConnections connections refused because {@code max-connections}
	 * was reached
	 * @param refusedMaxPendingHandshakes connections refused because
	 * {@code max-pending-handshakes} was reached and no stalled handshake could make room
	 * @param refusedDenied connections refused because their address is in a {@code deny}
	 * block
	 * @param refusedNotAllowed connections refused because their address is in no
	 * {@code allow} block
	 * @param refusedMaxPendingHandshakesPerSource connections refused because their
	 * source had {@code max-pending-handshakes-per-source} handshakes in progress
	 * @param refusedMaxHandshakesPerSecondPerSource connections refused because their
	 * source exceeded {@code max-handshakes-per-second-per-source}
	 * @param stalledHandshakesCut pending handshakes cut to make room for ones that
	 * progress
	 * @param closedIdle established connections closed by their idle timeout
	 * @param closedLifetime established connections closed at the end of their maximum
	 * lifetime
	 * @param renegotiationsRefused client-initiated renegotiations refused
	 */
	public record ConnectionsDescriptor(int open, int pendingHandshakes, long accepted, long handshakesSucceeded,
			long handshakesFailed, long refusedMaxConnections, long refusedMaxPendingHandshakes, long refusedDenied,
			long refusedNotAllowed, long refusedMaxPendingHandshakesPerSource,
			long refusedMaxHandshakesPerSecondPerSource, long stalledHandshakesCut, long closedIdle,
			long closedLifetime, long renegotiationsRefused) {

		static ConnectionsDescriptor of(TlsServerStats stats) {
			return new ConnectionsDescriptor(stats.openConnections(), stats.pendingHandshakes(), stats.accepted(),
					stats.handshakesSucceeded(), stats.handshakesFailed(), stats.refusedMaxConnections(),
					stats.refusedMaxPendingHandshakes(), stats.refusedDenied(), stats.refusedNotAllowed(),
					stats.refusedMaxPendingHandshakesPerSource(), stats.refusedMaxHandshakesPerSecondPerSource(),
					stats.stalledHandshakesCut(), stats.closedIdle(), stats.closedLifetime(),
					stats.renegotiationsRefused());
		}

	}

}
