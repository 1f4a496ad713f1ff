package dev.tlsaccept.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;

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

/**
 * Writes one line per failed handshake: listener, peer, code, error, alert, reason, SNI
 * and JA4, never a stack trace. Rate-limited (a token bucket of {@code max-per-second}
 * lines), so that a scan or a flood cannot turn the log into a denial of service: the
 * next line written says how many were suppressed. A bare connect-and-close
 * ({@code 0 SYSCALL} before any byte, a load balancer's TCP health check) is logged at
 * debug only.
 */
final class HandshakeFailureLogger implements HandshakeObserver {

	static final String LOGGER_NAME = "dev.tlsaccept.handshakes";

	private final Log logger;

	private final LogLevel level;

	private final double maxPerSecond;

	private final Clock clock;

	private double tokens;

	private long lastRefillMillis;

	private long suppressed;

	HandshakeFailureLogger(LogLevel level, int maxPerSecond, Clock clock) {
		this(LogFactory.getLog(LOGGER_NAME), level, maxPerSecond, clock);
	}

	HandshakeFailureLogger(Log logger, LogLevel level, int maxPerSecond, Clock clock) {
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
		if (!isEnabled(lineLevel)) {
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
		write(lineLevel, line(event, suppressedBefore));
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
			.append(alert(result.alert()));
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

	private boolean isEnabled(LogLevel lineLevel) {
		return switch (lineLevel) {
			case TRACE -> this.logger.isTraceEnabled();
			case DEBUG -> this.logger.isDebugEnabled();
			case INFO -> this.logger.isInfoEnabled();
			case WARN -> this.logger.isWarnEnabled();
			case ERROR, FATAL -> this.logger.isErrorEnabled();
			case OFF -> false;
		};
	}

	private void write(LogLevel lineLevel, String line) {
		switch (lineLevel) {
			case TRACE -> this.logger.trace(line);
			case DEBUG -> this.logger.debug(line);
			case INFO -> this.logger.info(line);
			case WARN -> this.logger.warn(line);
			case ERROR, FATAL -> this.logger.error(line);
			case OFF -> {
			}
		}
	}

}
