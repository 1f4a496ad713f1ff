package dev.tlsaccept.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-driven data phase end to end with the JDK's {@code SSLSocket}: echo,
 * close_notify from the peer, and the idle timeout.
 */
class EventDrivenSmokeTests {

	private final List<CloseReason> reasons = new CopyOnWriteArrayList<>();

	private final TlsChannelHandler echo = new TlsChannelHandler() {

		@Override
		public void received(TlsChannel channel, ByteBuffer data) {
			channel.write(data);
		}

		@Override
		public void closed(TlsChannel channel, CloseReason reason) {
			EventDrivenSmokeTests.this.reasons.add(reason);
		}

	};

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void echoesAndLearnsThePeersCloseNotify(BioMode mode) throws Exception {
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("event"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build();
		try (TlsServer server = TlsServer.eventDriven(settings, ServerFixtures.context(), HandshakeObserver.NONE,
				this.echo)) {
			server.start();
			for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
				try (SSLSocket client = ServerFixtures.connect(server, protocol)) {
					OutputStream out = client.getOutputStream();
					InputStream in = client.getInputStream();
					byte[] big = new byte[100_000];
					for (int i = 0; i < big.length; i++) {
						big[i] = (byte) i;
					}
					out.write(big);
					out.flush();
					byte[] back = new byte[big.length];
					int read = 0;
					while (read < back.length) {
						int count = in.read(back, read, back.length - read);
						assertThat(count).isPositive();
						read += count;
					}
					assertThat(back).isEqualTo(big);
				}
			}
			ServerFixtures.await(Duration.ofSeconds(10), "two closes", () -> this.reasons.size() == 2);
			assertThat(this.reasons).containsOnly(CloseReason.PEER_CLOSED);
			ServerFixtures.await(Duration.ofSeconds(10), "no open connection",
					() -> server.stats().openConnections() == 0);
		}
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void idleConnectionIsClosedWithCloseNotify(BioMode mode) throws Exception {
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("idle"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.idleTimeout(Duration.ofSeconds(1))
			.build();
		try (TlsServer server = TlsServer.eventDriven(settings, ServerFixtures.context(), HandshakeObserver.NONE,
				this.echo)) {
			server.start();
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.3")) {
				client.getOutputStream().write('a');
				assertThat(client.getInputStream().read()).isEqualTo('a');
				// the JDK returns -1 only on the peer's close_notify
				client.setSoTimeout(10_000);
				assertThat(client.getInputStream().read()).isEqualTo(-1);
			}
			ServerFixtures.await(Duration.ofSeconds(10), "the close", () -> this.reasons.size() == 1);
			assertThat(this.reasons).containsExactly(CloseReason.IDLE_TIMEOUT);
			assertThat(server.stats().closedIdle()).isEqualTo(1);
		}
	}

}
