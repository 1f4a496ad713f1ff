package dev.tlsaccept.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Allow and deny lists and limits per source, against real clients from other loopback
 * addresses (127.0.0.2 to 127.0.0.254 are this host's): each refusal is closed at once
 * without a TLS byte, recorded as {@code -1 SYSCALL} with its rule as reason and counted
 * in the stats, while other sources keep getting through.
 */
class SourceLimitsTests {

	private static final TlsConnectionHandler ECHO = (connection) -> connection.inputStream()
		.transferTo(connection.outputStream());

	private final EventRecorder events = new EventRecorder();

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void deniedAddressesAreRefusedWithTheirRuleWhileOthersGetThrough(BioMode mode) throws Exception {
		SourceLimits limits = SourceLimits.builder().deny("127.0.0.5").deny("127.0.1.0/24").build();
		try (TlsServer server = server(mode, limits)) {
			assertRefused(server, "127.0.0.5", "refused: deny 127.0.0.5");
			assertRefused(server, "127.0.1.9", "refused: deny 127.0.1.0/24");
			assertEchoes(server, "127.0.0.6");
			assertEchoes(server, "127.0.0.1");
			TlsServerStats stats = server.stats();
			assertThat(stats.refusedDenied()).isEqualTo(2);
			assertThat(stats.refusedNotAllowed()).isZero();
			assertThat(stats.refused()).isEqualTo(2);
			assertThat(stats.handshakesSucceeded()).isEqualTo(2);
			assertThat(stats.accepted()).isEqualTo(4);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void nonEmptyAllowListRefusesEveryoneElseAndDenyWins(BioMode mode) throws Exception {
		SourceLimits limits = SourceLimits.builder()
			.allow("127.0.0.0/30")
			.allow("127.0.2.0/24")
			.deny("127.0.0.3")
			.build();
		try (TlsServer server = server(mode, limits)) {
			assertEchoes(server, "127.0.0.2");
			assertEchoes(server, "127.0.2.200");
			assertRefused(server, "127.0.0.9", "refused: not in allow list");
			assertRefused(server, "127.0.0.3", "refused: deny 127.0.0.3");
			TlsServerStats stats = server.stats();
			assertThat(stats.refusedNotAllowed()).isEqualTo(1);
			assertThat(stats.refusedDenied()).isEqualTo(1);
			assertThat(stats.handshakesSucceeded()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void pendingHandshakesPerSourceAreLimitedWhileOtherSourcesGetThrough(BioMode mode) throws Exception {
		SourceLimits limits = SourceLimits.builder().maxPendingHandshakesPerSource(2).build();
		try (TlsServer server = server(mode, limits)) {
			List<Socket> stalled = new ArrayList<>();
			try {
				for (int i = 0; i < 2; i++) {
					Socket socket = raw(server, "127.0.0.5");
					stalled.add(socket);
					// the start of a record header, then nothing: the handshake stays
					// pending
					socket.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01 });
				}
				ServerFixtures.await(Duration.ofSeconds(10), "two pending handshakes from 127.0.0.5",
						() -> server.stats().pendingHandshakes() == 2);
				assertRefused(server, "127.0.0.5", "refused: max-pending-handshakes-per-source (2) reached");
				assertEchoes(server, "127.0.0.6");
				// the source's handshakes end (0 SYSCALL, EOF): the source gets through
				// again
				for (Socket socket : stalled) {
					socket.close();
				}
				ServerFixtures.await(Duration.ofSeconds(10), "the stalled handshakes to end",
						() -> server.stats().pendingHandshakes() == 0);
				assertEchoes(server, "127.0.0.5");
			}
			finally {
				for (Socket socket : stalled) {
					socket.close();
				}
			}
			TlsServerStats stats = server.stats();
			assertThat(stats.refusedMaxPendingHandshakesPerSource()).isEqualTo(1);
			assertThat(stats.refusedMaxPendingHandshakes()).isZero();
			assertThat(stats.handshakesSucceeded()).isEqualTo(2);
			assertThat(stats.handshakesFailed()).as("the two stalled handshakes").isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void newConnectionsPerSecondPerSourceAreLimitedWhileOtherSourcesGetThrough(BioMode mode) throws Exception {
		int burst = 3;
		SourceLimits limits = SourceLimits.builder()
			.maxHandshakesPerSecondPerSource(1)
			.handshakeBurstPerSource(burst)
			.build();
		try (TlsServer server = server(mode, limits)) {
			long started = System.nanoTime();
			int admitted = 0;
			// connect and close at once, until the server refuses (the stats say so)
			for (int i = 1; server.stats().refusedMaxHandshakesPerSecondPerSource() == 0; i++) {
				assertThat(i).as("connections from 127.0.0.7 before a refusal").isLessThanOrEqualTo(50);
				try (Socket socket = raw(server, "127.0.0.7")) {
					long accepted = i;
					ServerFixtures.await(Duration.ofSeconds(10), "connection " + i + " accepted",
							() -> server.stats().accepted() == accepted);
				}
				if (server.stats().refusedMaxHandshakesPerSecondPerSource() == 0) {
					admitted++;
				}
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			// the burst, plus one per second the loop took
			assertThat(admitted).isBetween(burst, burst + (int) Math.ceil(seconds));
			HandshakeEvent refusal = this.events.await("the refusal",
					(event) -> event.result().reason() != null && event.result().reason().startsWith("refused"));
			assertThat(refusal.result().reason())
				.isEqualTo("refused: max-handshakes-per-second-per-source (1) reached");
			assertThat(refusal.result().error()).isEqualTo(SslError.SYSCALL);
			assertThat(refusal.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.7");
			assertEchoes(server, "127.0.0.8");
			assertThat(server.stats().refusedMaxHandshakesPerSecondPerSource()).isEqualTo(1);
		}
	}

	@Test
	void ipv6SourcesAreMatchedByTheirBlocks() throws Exception {
		InetAddress ipv6Loopback = InetAddress.getByName("::1");
		SourceLimits denyIpv6 = SourceLimits.builder().deny("::1").build();
		try (TlsServer server = server(BioMode.NON_BLOCKING, denyIpv6, ipv6Loopback)) {
			try (Socket refused = new Socket()) {
				refused.connect(new InetSocketAddress(ipv6Loopback, server.port()), 5_000);
				refused.setSoTimeout(10_000);
				assertThat(refused.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(this.events.await("the refusal", (event) -> !event.result().isSuccess()).result().reason())
				.isEqualTo("refused: deny ::1");
		}
		SourceLimits allowIpv4Only = SourceLimits.builder().allow("0.0.0.0/0").build();
		try (TlsServer server = server(BioMode.NON_BLOCKING, allowIpv4Only, ipv6Loopback)) {
			try (Socket refused = new Socket()) {
				refused.connect(new InetSocketAddress(ipv6Loopback, server.port()), 5_000);
				refused.setSoTimeout(10_000);
				assertThat(refused.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(server.stats().refusedNotAllowed()).isEqualTo(1);
		}
	}

	@Test
	void sourceLimitsAreCheckedAsTheyAreSetAndOffByDefault() {
		assertThat(TlsServerSettings.builder("edge").build().sourceLimits()).isSameAs(SourceLimits.NONE);
		SourceLimits none = SourceLimits.NONE;
		assertThat(none.allow()).isEmpty();
		assertThat(none.deny()).isEmpty();
		assertThat(none.maxPendingHandshakesPerSource()).isEqualTo(SourceLimits.UNLIMITED);
		assertThat(none.maxHandshakesPerSecondPerSource()).isEqualTo(SourceLimits.UNLIMITED);
		assertThat(none.sourcePrefixIpv4()).isEqualTo(32);
		assertThat(none.sourcePrefixIpv6()).isEqualTo(64);
		SourceLimits limits = SourceLimits.builder()
			.allow("10.0.0.0/8")
			.allow("2001:DB8::/32")
			.deny("10.66.0.0/24")
			.maxHandshakesPerSecondPerSource(20)
			.build();
		assertThat(limits.allow()).containsExactly("10.0.0.0/8", "2001:db8::/32");
		assertThat(limits.deny()).containsExactly("10.66.0.0/24");
		assertThat(limits.handshakeBurstPerSource()).as("the rate by default").isEqualTo(20);
		assertThatIllegalArgumentException().isThrownBy(() -> SourceLimits.builder().maxPendingHandshakesPerSource(0))
			.withMessage("maxPendingHandshakesPerSource must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> SourceLimits.builder().sourcePrefixIpv6(129))
			.withMessage("sourcePrefixIpv6 must be between 0 and 128, was 129");
		assertThatIllegalArgumentException().isThrownBy(() -> SourceLimits.builder().allow("10.0.0.0/33"))
			.withMessageContaining("'10.0.0.0/33'");
		assertThatIllegalArgumentException().isThrownBy(() -> SourceLimits.builder().handshakeBurstPerSource(5).build())
			.withMessageContaining("handshakeBurstPerSource needs maxHandshakesPerSecondPerSource");
	}

	private TlsServer server(BioMode mode, SourceLimits limits) {
		return server(mode, limits, ServerFixtures.LOOPBACK);
	}

	private TlsServer server(BioMode mode, SourceLimits limits, InetAddress address) {
		TlsServer server = new TlsServer(
				TlsServerSettings.builder(ServerFixtures.uniqueName("sources-" + mode.configName()))
					.address(address)
					.bioMode(mode)
					.sourceLimits(limits)
					.build(),
				ServerFixtures.context(), this.events, ECHO);
		server.start();
		return server;
	}

	/**
	 * A refused connection is closed at once without a TLS byte and recorded with its
	 * rule.
	 */
	private void assertRefused(TlsServer server, String from, String reason) throws IOException {
		try (Socket refused = raw(server, from)) {
			assertThat(ServerFixtures.readToEnd(refused.getInputStream())).as("bytes sent to %s", from).isEmpty();
		}
		HandshakeEvent event = this.events.await("the refusal of " + from, (e) -> reason.equals(e.result().reason())
				&& e.peer() != null && from.equals(e.peer().getAddress().getHostAddress()));
		assertThat(event.result().code()).isEqualTo(-1);
		assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
	}

	private void assertEchoes(TlsServer server, String from) throws Exception {
		try (SSLSocket client = (SSLSocket) ServerFixtures.clientContext(ServerFixtures.keys())
			.getSocketFactory()
			.createSocket(ServerFixtures.LOOPBACK, server.port(), InetAddress.getByName(from), 0)) {
			client.setSoTimeout(10_000);
			client.startHandshake();
			client.getOutputStream().write(42);
			assertThat(client.getInputStream().read()).as("echo for %s", from).isEqualTo(42);
		}
	}

	private static Socket raw(TlsServer server, String from) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
		socket.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, server.port()), 5_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

}
