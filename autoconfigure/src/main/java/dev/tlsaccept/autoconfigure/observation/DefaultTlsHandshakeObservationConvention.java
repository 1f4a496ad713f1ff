package dev.tlsaccept.autoconfigure.observation;

import java.net.InetSocketAddress;

import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.server.HandshakeEvent;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link TlsHandshakeObservationConvention}: observations named
 * {@value #NAME}, contextual name {@code tls handshake <listener>}.
 * <p>
 * Low-cardinality key values (also the tags of the timer Boot's meter handler makes, so
 * the same values as the {@code tlsaccept.handshakes} timer): {@code listener},
 * {@code engine}, {@code outcome} ({@code SUCCESS}, {@code FAILURE},
 * {@code HEALTH_CHECK}; {@code UNKNOWN} while in progress or when the end was lost),
 * {@code protocol} ({@code TLSv1.3}, {@code none}), {@code ssl.error} (the
 * {@code SSL_get_error} constant: {@code NONE}, {@code SSL}, {@code SYSCALL},
 * {@code ZERO_RETURN}; not {@code error}, which Micrometer's meter handler sets from the
 * observation's error) and {@code group} ({@code X25519MLKEM768}, {@code none}).
 * <p>
 * High-cardinality key values (span attributes), named as OpenTelemetry's semantic
 * conventions name them where they have a name, present only when known:
 * {@code tls.established}, {@code tls.resumed}, {@code tls.protocol.name} ({@code tls}),
 * {@code tls.protocol.version} ({@code 1.3}), {@code tls.cipher}, {@code tls.curve} (the
 * key-exchange group), {@code tls.next_protocol} (ALPN), {@code server.address} (the SNI
 * host name; OpenTelemetry replaced {@code tls.client.server_name} with it),
 * {@code client.address} and {@code client.port} (the client: the one a trusted proxy's
 * PROXY protocol header named), {@code network.peer.address} and
 * {@code network.peer.port} (the connecting address: the proxy's, or the client's),
 * {@code error.type} (on failure: the alert name, else the {@code SSL_get_error}
 * constant), and tlsaccept's own {@code tlsaccept.bio_mode}, {@code tlsaccept.code},
 * {@code tlsaccept.reason}, {@code tlsaccept.alert} ({@code sent:handshake_failure(40)})
 * and {@code tlsaccept.ja4}.
 */
public class DefaultTlsHandshakeObservationConvention implements TlsHandshakeObservationConvention {

	/** The name of the observations (and of the timer Boot's meter handler makes). */
	public static final String NAME = "tlsaccept.handshake";

	private static final String NONE = "none";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(TlsHandshakeObservationContext context) {
		return "tls handshake " + context.getListener();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TlsHandshakeObservationContext context) {
		HandshakeEvent event = context.getEvent();
		AcceptResult result = (event != null) ? event.result() : null;
		return KeyValues.of(KeyValue.of("listener", context.getListener()), KeyValue.of("engine", context.getEngine()),
				KeyValue.of("outcome", outcome(event)),
				KeyValue.of("protocol", orNone((result != null) ? result.protocol() : null)),
				KeyValue.of("ssl.error", (result != null) ? result.error().name() : NONE),
				KeyValue.of("group", orNone((result != null) ? result.group() : null)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TlsHandshakeObservationContext context) {
		KeyValues values = KeyValues.of("tlsaccept.bio_mode", context.getBioMode().configName());
		values = address(values, "network.peer", context.getConnecting());
		HandshakeEvent event = context.getEvent();
		if (event == null) {
			return address(values, "client", context.getPeer());
		}
		AcceptResult result = event.result();
		values = values.and("tls.established", Boolean.toString(result.isSuccess()), "tlsaccept.code",
				Integer.toString(result.code()));
		values = address(values, "client", (event.peer() != null) ? event.peer() : context.getPeer());
		String protocol = result.protocol();
		if (protocol != null) {
			int v = protocol.indexOf('v');
			if (v > 0) {
				values = values.and("tls.protocol.name", protocol.substring(0, v).toLowerCase(java.util.Locale.ROOT),
						"tls.protocol.version", protocol.substring(v + 1));
			}
		}
		values = and(values, "tls.cipher", result.cipherSuite());
		values = and(values, "tls.curve", result.group());
		values = and(values, "tls.next_protocol", result.applicationProtocol());
		values = and(values, "server.address", result.serverName());
		values = values.and("tls.resumed", Boolean.toString(result.resumed()));
		if (!result.isSuccess()) {
			TlsAlert alert = result.alert();
			values = values.and("error.type", (alert != null) ? alert.name() : result.error().name());
			values = and(values, "tlsaccept.reason", result.reason());
			if (alert != null) {
				values = values.and("tlsaccept.alert",
						((alert.direction() == TlsAlert.Direction.SENT) ? "sent:" : "received:") + alert.name() + "("
								+ alert.number() + ")");
			}
		}
		ClientHelloSummary hello = result.clientHello();
		if (hello != null && !hello.ja4().isEmpty()) {
			values = values.and("tlsaccept.ja4", hello.ja4());
		}
		return values;
	}

	private static String outcome(@Nullable HandshakeEvent event) {
		if (event == null) {
			return "UNKNOWN";
		}
		if (event.healthCheck()) {
			return "HEALTH_CHECK";
		}
		return event.result().isSuccess() ? "SUCCESS" : "FAILURE";
	}

	private static String orNone(@Nullable String value) {
		return (value != null) ? value : NONE;
	}

	private static KeyValues and(KeyValues values, String key, @Nullable String value) {
		return (value != null && !value.isEmpty()) ? values.and(key, value) : values;
	}

	private static KeyValues address(KeyValues values, String prefix, @Nullable InetSocketAddress address) {
		if (address == null || address.getAddress() == null) {
			return values;
		}
		return values.and(prefix + ".address", address.getAddress().getHostAddress(), prefix + ".port",
				Integer.toString(address.getPort()));
	}

}
