package dev.tlsaccept.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.HandshakeObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.logging.LogLevel;
import org.springframework.util.ClassUtils;

/**
 * Writes one line per failed handshake: listener, peer, code, error, reason, alert,
 * group, SNI and JA4, never a stack trace. Through SLF4J 2 when it is there (as with
 * Boot's logging starter), the line also carries the record's fields as key-values
 * ({@link #fields}), which Boot's structured logging
 * ({@code logging.structured.format.console: ecs}, {@code logstash}, {@code gelf}) writes
 * as JSON fields; a plain log shows the message only. Rate-limited (a token bucket of
 * {@code max-per-second} lines), so that a scan or a flood cannot turn the log into a
 * denial of service: the next line written says how many were suppressed. A bare
 * connect-and-close ({@code 0 SYSCALL} before any byte, a load balancer's TCP health
 * check) is logged at debug only.
 */
final class HandshakeFailureLogger implements HandshakeObserver {

	static final String LOGGER_NAME = "dev.tlsaccept.handshakes";

	private final Sink logger;

	private final LogLevel level;

	private final double maxPerSecond;

	private final Clock clock;

	private double tokens;

	private long lastRefillMillis;

	private long suppressed;

	HandshakeFailureLogger(LogLevel level, int maxPerSecond, Clock clock) {
		this(ClassUtils.isPresent("org.slf4j.spi.LoggingEventBuilder", HandshakeFailureLogger.class.getClassLoader())
				? new Slf4jSink() : new CommonsLoggingSink(LogFactory.getLog(LOGGER_NAME)), level, maxPerSecond, clock);
	}

	HandshakeFailureLogger(Log logger, LogLevel level, int maxPerSecond, Clock clock) {
		this(new CommonsLoggingSink(logger), level, maxPerSecond, clock);
	}

	HandshakeFailureLogger(Sink logger, LogLevel level, int maxPerSecond, Clock clock) {
		this.logger = logger;
		this.level = level;
		this.maxPerSecond = Math.max(0, maxPerSecond);
		this.clock = clock;
		this.tokens = this.maxPerSecond;
		this.lastRefillMillis = clock.millis();
	}

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		AcceptResult result = event.result();
		// a load balancer's health check (PROXY protocol v2 LOCAL) is no client's failure
		if (result.isSuccess() || event.healthCheck() || this.level == LogLevel.OFF) {
			return;
		}
		LogLevel lineLevel = isBareConnect(result) ? LogLevel.DEBUG : this.level;
		if (!this.logger.isEnabled(lineLevel)) {
			return;
		}
		long suppressedBefore;
		synchronized (this) {
			if (!takeToken()) {
				this.suppressed++;
				return;
			}
			suppressedBefore = this.suppressed;
			this.suppressed = 0;
		}
		this.logger.write(lineLevel, line(event, suppressedBefore), fields(event, suppressedBefore));
	}

	private static boolean isBareConnect(AcceptResult result) {
		return result.code() == 0 && result.error() == SslError.SYSCALL && result.clientHello() == null;
	}

	private boolean takeToken() {
		long now = this.clock.millis();
		long elapsed = Math.max(0, now - this.lastRefillMillis);
		this.lastRefillMillis = now;
		this.tokens = Math.min(this.maxPerSecond, this.tokens + elapsed * this.maxPerSecond / 1000.0);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

	static String line(HandshakeEvent event, long suppressed) {
		AcceptResult result = event.result();
		StringBuilder line = new StringBuilder("TLS handshake failed: listener=").append(event.listener())
			.append(" peer=")
			.append(peer(event.peer()));
		if (event.proxy() != null) {
			// the peer is the client a trusted proxy named
			line.append(" proxy=").append(peer(event.proxy()));
		}
		line.append(" code=")
			.append(result.code())
			.append(" error=")
			.append(result.error())
			.append(" reason=\"")
			.append(text(result.reason()))
			.append('"')
			.append(" alert=")
			.append(alert(result.alert()))
			.append(" group=")
			.append(text(result.group()));
		ClientHelloSummary hello = result.clientHello();
		line.append(" sni=").append(text(result.serverName()));
		line.append(" ja4=").append((hello != null && !hello.ja4().isEmpty()) ? hello.ja4() : "-");
		line.append(" engine=").append(event.engine()).append(" mode=").append(event.bioMode().configName());
		line.append(" durationMs=").append(String.format(Locale.ROOT, "%.1f", result.duration().toNanos() / 1e6));
		if (suppressed > 0) {
			line.append(" (").append(suppressed).append(" similar line(s) suppressed)");
		}
		return line.toString();
	}

	/**
	 * The record's fields, as key-values of the line: named as the handshake
	 * observation's span attributes (OpenTelemetry's names where they have one,
	 * {@code tlsaccept.*} otherwise), present only when known. Text is not escaped: the
	 * structured formats encode it.
	 * @param event the failed handshake
	 * @param suppressed lines suppressed before this one
	 * @return the fields, in order
	 */
	static Map<String, Object> fields(HandshakeEvent event, long suppressed) {
		AcceptResult result = event.result();
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("tlsaccept.listener", event.listener());
		fields.put("tlsaccept.engine", event.engine());
		fields.put("tlsaccept.bio_mode", event.bioMode().configName());
		address(fields, "client", event.peer());
		if (event.proxy() != null) {
			address(fields, "network.peer", event.proxy());
		}
		fields.put("tlsaccept.code", result.code());
		fields.put("tlsaccept.error", result.error().name());
		TlsAlert alert = result.alert();
		fields.put("error.type", (alert != null) ? alert.name() : result.error().name());
		putIfPresent(fields, "tlsaccept.reason", result.reason());
		if (alert != null) {
			fields.put("tlsaccept.alert", alert(alert));
		}
		String protocol = result.protocol();
		if (protocol != null && protocol.indexOf('v') > 0) {
			fields.put("tls.protocol.name", protocol.substring(0, protocol.indexOf('v')).toLowerCase(Locale.ROOT));
			fields.put("tls.protocol.version", protocol.substring(protocol.indexOf('v') + 1));
		}
		putIfPresent(fields, "tls.curve", result.group());
		putIfPresent(fields, "server.address", result.serverName());
		ClientHelloSummary hello = result.clientHello();
		if (hello != null && !hello.ja4().isEmpty()) {
			fields.put("tlsaccept.ja4", hello.ja4());
		}
		fields.put("tlsaccept.duration_ms", Math.round(result.duration().toNanos() / 1e5) / 10.0);
		if (suppressed > 0) {
			fields.put("tlsaccept.suppressed", suppressed);
		}
		return fields;
	}

	private static void address(Map<String, Object> fields, String prefix, @Nullable InetSocketAddress address) {
		if (address != null && address.getAddress() != null) {
			fields.put(prefix + ".address", address.getAddress().getHostAddress());
			fields.put(prefix + ".port", address.getPort());
		}
	}

	private static void putIfPresent(Map<String, Object> fields, String key, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			fields.put(key, value);
		}
	}

	private static String peer(@Nullable InetSocketAddress peer) {
		return (peer != null) ? peer.getAddress().getHostAddress() + ":" + peer.getPort() : "-";
	}

	private static String alert(@Nullable TlsAlert alert) {
		if (alert == null) {
			return "-";
		}
		return ((alert.direction() == TlsAlert.Direction.SENT) ? "sent:" : "received:") + alert.name() + "("
				+ alert.number() + ")";
	}

	/** Peer-controlled text (SNI) is escaped so that it cannot forge log lines. */
	private static String text(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return "-";
		}
		StringBuilder escaped = new StringBuilder(value.length());
		for (char c : value.toCharArray()) {
			escaped.append((c < 0x20 || c == 0x7f || c == '"') ? String.format("\\x%02x", (int) c) : String.valueOf(c));
		}
		return escaped.toString();
	}

	/** Where the lines go. */
	interface Sink {

		boolean isEnabled(LogLevel level);

		void write(LogLevel level, String message, Map<String, Object> fields);

	}

	/** Commons Logging: the message only. */
	record CommonsLoggingSink(Log log) implements Sink {

		@Override
		public boolean isEnabled(LogLevel level) {
			return switch (level) {
				case TRACE -> this.log.isTraceEnabled();
				case DEBUG -> this.log.isDebugEnabled();
				case INFO -> this.log.isInfoEnabled();
				case WARN -> this.log.isWarnEnabled();
				case ERROR, FATAL -> this.log.isErrorEnabled();
				case OFF -> false;
			};
		}

		@Override
		public void write(LogLevel level, String message, Map<String, Object> fields) {
			switch (level) {
				case TRACE -> this.log.trace(message);
				case DEBUG -> this.log.debug(message);
				case INFO -> this.log.info(message);
				case WARN -> this.log.warn(message);
				case ERROR, FATAL -> this.log.error(message);
				case OFF -> {
				}
			}
		}

	}

	/**
	 * SLF4J 2's fluent API: the message and the fields as key-values (Logback keeps them
	 * on the event, Log4j's SLF4J binding in the context data: Boot's structured formats
	 * write both).
	 */
	static final class Slf4jSink implements Sink {

		private final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LOGGER_NAME);

		@Override
		public boolean isEnabled(LogLevel level) {
			org.slf4j.event.Level slf4j = level(level);
			return slf4j != null && this.logger.isEnabledForLevel(slf4j);
		}

		@Override
		public void write(LogLevel level, String message, Map<String, Object> fields) {
			org.slf4j.event.Level slf4j = level(level);
			if (slf4j == null) {
				return;
			}
			org.slf4j.spi.LoggingEventBuilder builder = this.logger.atLevel(slf4j);
			fields.forEach(builder::addKeyValue);
			builder.log(message);
		}

		private static org.slf4j.event.@Nullable Level level(LogLevel level) {
			return switch (level) {
				case TRACE -> org.slf4j.event.Level.TRACE;
				case DEBUG -> org.slf4j.event.Level.DEBUG;
				case INFO -> org.slf4j.event.Level.INFO;
				case WARN -> org.slf4j.event.Level.WARN;
				case ERROR, FATAL -> org.slf4j.event.Level.ERROR;
				case OFF -> null;
			};
		}

	}

}
