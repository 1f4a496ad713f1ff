package dev.tlsaccept.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS 1.2 client that renegotiates (the JDK's {@code SSLSocket.startHandshake()}, or
 * {@code openssl s_client}'s {@code R} command, on an established connection) is refused,
 * and the refusal is counted in the server's stats (the
 * {@code tlsaccept.renegotiations.refused} metric and {@code /actuator/tlslisteners} read
 * it).
 */
class RenegotiationRefusalStatsTests {

	/**
	 * What testssl.sh's "secure client-initiated renegotiation" check runs:
	 * {@code echo R | openssl
	 * s_client}; a clean exit there reads as "VULNERABLE, potential DoS threat" (a
	 * close_notify from the jdk engine made it so), a failed renegotiation as refused.
	 */
	@ParameterizedTest
	@EnumSource(BioMode.class)
	void opensslClientsRenegotiationFails(BioMode mode) throws Exception {
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("renegotiation-openssl"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build();
		TlsConnectionHandler echo = (connection) -> connection.inputStream().transferTo(connection.outputStream());
		try (TlsServer server = new TlsServer(settings, ServerFixtures.context(), HandshakeObserver.NONE, echo)) {
			server.start();
			ServerFixtures.OpenSslRun run = ServerFixtures.openssl(server.port(), "R\n", "-tls1_2");
			assertThat(run.stdout() + run.stderr()).contains("RENEGOTIATING");
			assertThat(run.exitCode()).as("s_client's exit code: %s", run.stderr()).isNotZero();
			ServerFixtures.await(Duration.ofSeconds(15), "the refusal to be counted",
					() -> server.stats().renegotiationsRefused() == 1);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void refusedRenegotiationIsCountedInTheServersStats(BioMode mode) throws Exception {
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("renegotiation"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.build();
		TlsConnectionHandler echo = (connection) -> connection.inputStream().transferTo(connection.outputStream());
		TlsChannelHandler channelEcho = new TlsChannelHandler() {

			@Override
			public void received(TlsChannel channel, ByteBuffer data) {
				channel.write(data);
			}

		};
		try (TlsServer server = (mode == BioMode.BLOCKING)
				? new TlsServer(settings, ServerFixtures.context(), HandshakeObserver.NONE, echo)
				: TlsServer.eventDriven(settings, ServerFixtures.context(), HandshakeObserver.NONE, channelEcho)) {
			server.start();
			assertThat(server.stats().renegotiationsRefused()).isZero();
			try (SSLSocket client = ServerFixtures.connect(server, "TLSv1.2")) {
				client.getOutputStream().write(7);
				assertThat(client.getInputStream().read()).isEqualTo(7);
				try {
					// a second handshake on the same connection: a ClientHello on an
					// established one
					client.startHandshake();
					client.getOutputStream().write(8);
					client.getInputStream().read();
				}
				catch (IOException ex) {
					// the jdk engine ends the connection with close_notify
				}
			}
			ServerFixtures.await(Duration.ofSeconds(15), "the refusal to be counted",
					() -> server.stats().renegotiationsRefused() == 1);
		}
	}

}
