package dev.tlsaccept.autoconfigure;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.ProxyHeader;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import org.springframework.boot.logging.LogLevel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One line per failed handshake, with the fields a person needs, rate-limited.
 */
class HandshakeFailureLoggerTests {

	private final MutableClock clock = new MutableClock();

	private final RecordingLog log = new RecordingLog();

	@Test
	void failureIsLoggedOnOneLineWithListenerPeerCodeErrorAlertReasonAndSni() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		logger.handshakeFinished(event(failure(-1, SslError.SSL, "unsupported protocol",
				TlsAlert.of(70, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT), "device-7.example")));
		assertThat(this.log.lines).containsExactly("INFO TLS handshake failed: listener=edge peer=127.0.0.1:40000 "
				+ "code=-1 error=SSL reason=\"unsupported protocol\" alert=sent:protocol_version(70) group=- "
				+ "sni=device-7.example ja4=- engine=jdk mode=non-blocking durationMs=2.5");
	}

	@Test
	void successIsNotLogged() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		logger.handshakeFinished(event(new AcceptResult(1, SslError.NONE, Instant.EPOCH, Duration.ofMillis(3), 0, 0,
				"TLSv1.3", "TLS_AES_128_GCM_SHA256", null, null, List.of(), null, null, null)));
		assertThat(this.log.lines).isEmpty();
	}

	@Test
	void bareConnectAndCloseIsLoggedAtDebugOnly() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		logger.handshakeFinished(event(failure(0, SslError.SYSCALL, "unexpected eof while reading", null, null)));
		assertThat(this.log.lines).singleElement().asString().startsWith("DEBUG TLS handshake failed");
	}

	@Test
	void burstIsRateLimitedAndTheNextLineCountsWhatWasSuppressed() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.WARN, 10, this.clock);
		for (int i = 0; i < 25; i++) {
			logger.handshakeFinished(event(failure(-1, SslError.SSL, "http request", null, null)));
		}
		assertThat(this.log.lines).hasSize(10);
		this.clock.advance(Duration.ofMillis(200));
		logger.handshakeFinished(event(failure(-1, SslError.SSL, "http request", null, null)));
		assertThat(this.log.lines).hasSize(11);
		assertThat(this.log.lines.get(10)).startsWith("WARN ").endsWith("(15 similar line(s) suppressed)");
	}

	@Test
	void peerControlledServerNameCannotForgeLogLines() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		logger.handshakeFinished(event(failure(-1, SslError.SSL, "no shared cipher", null, "x\nFAKE \"line\"")));
		assertThat(this.log.lines).singleElement()
			.asString()
			.contains("sni=x\\x0aFAKE \\x22line\\x22")
			.doesNotContain("\n");
	}

	@Test
	void levelOffWritesNothing() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.OFF, 10, this.clock);
		logger.handshakeFinished(event(failure(-1, SslError.SSL, "http request", null, null)));
		assertThat(this.log.lines).isEmpty();
	}

	@Test
	void aLoadBalancersHealthCheckIsNotLogged() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		InetSocketAddress balancer = new InetSocketAddress("10.1.0.5", 51000);
		logger.handshakeFinished(new HandshakeEvent("edge", "jdk", BioMode.NON_BLOCKING, balancer,
				failure(0, SslError.SYSCALL, "unexpected eof while reading", null, null), balancer,
				new ProxyHeader(2, true, null, null, null, null, null)));
		assertThat(this.log.lines).isEmpty();
	}

	@Test
	void aFailureBehindAProxyNamesTheClientAndTheProxy() {
		HandshakeFailureLogger logger = new HandshakeFailureLogger(this.log.log, LogLevel.INFO, 10, this.clock);
		InetSocketAddress client = new InetSocketAddress("192.0.2.7", 56324);
		logger.handshakeFinished(new HandshakeEvent("edge", "jdk", BioMode.NON_BLOCKING, client,
				failure(-1, SslError.SSL, "no shared cipher", null, null), new InetSocketAddress("10.1.0.5", 51000),
				new ProxyHeader(2, false, client, null, null, null, null)));
		assertThat(this.log.lines).singleElement()
			.asString()
			.startsWith("INFO TLS handshake failed: listener=edge peer=192.0.2.7:56324 proxy=10.1.0.5:51000 code=-1");
	}

	@Test
	void theLinesFieldsNameTheClientTheProxyTheGroupAndTheAlert() {
		InetSocketAddress client = new InetSocketAddress("192.0.2.7", 56324);
		AcceptResult result = failure(-1, SslError.SSL, "certificate required",
				TlsAlert.of(116, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT), "device-7.example")
			.toBuilder()
			.protocol("TLSv1.3")
			.group("X25519MLKEM768")
			.build();
		HandshakeEvent event = new HandshakeEvent("edge", "openssl", BioMode.PAIR, client, result,
				new InetSocketAddress("10.1.0.5", 51000), new ProxyHeader(2, false, client, null, null, null, null));
		assertThat(HandshakeFailureLogger.fields(event, 3)).containsEntry("tlsaccept.listener", "edge")
			.containsEntry("tlsaccept.engine", "openssl")
			.containsEntry("tlsaccept.bio_mode", "pair")
			.containsEntry("client.address", "192.0.2.7")
			.containsEntry("client.port", 56324)
			.containsEntry("network.peer.address", "10.1.0.5")
			.containsEntry("network.peer.port", 51000)
			.containsEntry("tlsaccept.code", -1)
			.containsEntry("tlsaccept.error", "SSL")
			.containsEntry("error.type", "certificate_required")
			.containsEntry("tlsaccept.alert", "sent:certificate_required(116)")
			.containsEntry("tlsaccept.reason", "certificate required")
			.containsEntry("tls.protocol.version", "1.3")
			.containsEntry("tls.curve", "X25519MLKEM768")
			.containsEntry("server.address", "device-7.example")
			.containsEntry("tlsaccept.duration_ms", 2.5)
			.containsEntry("tlsaccept.suppressed", 3L)
			.doesNotContainKey("tlsaccept.ja4");
		assertThat(HandshakeFailureLogger.line(event, 0)).contains(" group=X25519MLKEM768 ");
	}

	private static AcceptResult failure(int code, SslError error, String reason, TlsAlert alert, String serverName) {
		return new AcceptResult(code, error, Instant.EPOCH, Duration.ofMillis(2).plusNanos(500_000), 0, 0, null, null,
				serverName, null, List.of(), alert, null, reason);
	}

	private static HandshakeEvent event(AcceptResult result) {
		return new HandshakeEvent("edge", "jdk", BioMode.NON_BLOCKING, new InetSocketAddress("127.0.0.1", 40000),
				result);
	}

	/**
	 * A commons-logging {@link Log} with every level enabled that keeps "LEVEL message"
	 * lines.
	 */
	static final class RecordingLog {

		final List<String> lines = new ArrayList<>();

		final Log log = (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] { Log.class },
				(proxy, method, args) -> {
					if (method.getName().endsWith("Enabled")) {
						return true;
					}
					if (method.getDeclaringClass() == Log.class) {
						this.lines.add(method.getName().toUpperCase(Locale.ROOT) + " " + args[0]);
						return null;
					}
					return method.invoke(this, args);
				});

	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-11-30T12:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
