package dev.tlsaccept.server;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race of a rotation with a connection accepted just before it, made deterministic:
 * on the {@code openssl} engine (whose engines need their parent context alive), a
 * connection accepted with the old context waits on a busy selector loop while
 * {@link TlsServer#setContext} replaces the context and the old one is closed; when the
 * loop makes its acceptor, the old context must still work, and it is closed for real
 * only once that connection is gone.
 *
 * <p>
 * Connections are dealt to the two selector loops round-robin, starting with the
 * accepting loop; a loop is kept busy by an event-driven handler that (against the rule,
 * on purpose) blocks in {@code received} for the byte {@code 'x'}.
 */
class ContextRotationRaceTests {

	@ParameterizedTest
	@EnumSource(names = { "NON_BLOCKING", "PAIR" })
	void connectionAcceptedBeforeARotationHandshakesWithTheOldContextAfterItWasClosed(BioMode mode) throws Exception {
		KeyMaterial stageKeys = SelfSignedCertificate.generate();
		KeyMaterial oldKeys = ServerFixtures.keys();
		KeyMaterial newKeys = SelfSignedCertificate.generate();
		// the context of the connections that set the stage, so that only the waiting one
		// holds "old"
		TlsServerContext stage = openSsl(stageKeys);
		TlsServerContext old = openSsl(oldKeys);
		TlsServerContext replacement = openSsl(newKeys);
		CountDownLatch stalled = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		EventRecorder events = new EventRecorder();
		TlsChannelHandler handler = (channel, data) -> {
			if (data.get(data.position()) == 'x') {
				// runs on the selector loop of that connection: keep the loop busy
				stalled.countDown();
				resume.await(20, TimeUnit.SECONDS);
			}
			channel.write(data);
		};
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("race-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.selectorThreads(2)
			.build();
		TlsServer server = TlsServer.eventDriven(settings, stage, events, handler);
		server.start();
		List<Socket> idle = new ArrayList<>();
		try {
			idle.add(connectAndAwaitAccepted(server, 1));
			try (SSLSocket busyOnLoop2 = ServerFixtures.connect(server, "TLSv1.3", stageKeys)) {
				idle.add(connectAndAwaitAccepted(server, 3));
				busyOnLoop2.getOutputStream().write('x');
				assertThat(stalled.await(10, TimeUnit.SECONDS)).as("loop 2 busy in the handler").isTrue();
				server.setContext(old);
				// dealt to loop 2, which is busy: it waits there with the context
				// captured now ("old")
				CompletableFuture<SSLSocket> waiting = CompletableFuture
					.supplyAsync(() -> connectQuietly(server, oldKeys));
				ServerFixtures.await(Duration.ofSeconds(10), "the waiting connection accepted",
						() -> server.stats().accepted() == 4);
				server.setContext(replacement);
				// accepting is sequential: once the next one is accepted, the waiting
				// one's capture is done
				idle.add(connectAndAwaitAccepted(server, 5));
				old.close();
				assertThat(old.isClosed()).as("retained for the waiting connection").isFalse();
				resume.countDown();
				try (SSLSocket client = waiting.get(20, TimeUnit.SECONDS)) {
					assertThat((X509Certificate) client.getSession().getPeerCertificates()[0])
						.as("the certificate of the context it was accepted with")
						.isEqualTo(oldKeys.leaf());
					client.getOutputStream().write(7);
					assertThat(client.getInputStream().read()).isEqualTo(7);
					assertThat(old.isClosed()).as("used by the established connection").isFalse();
				}
			}
			// closed for real once its only connection is gone
			ServerFixtures.await(Duration.ofSeconds(10), "the old context closed", old::isClosed);
			try (SSLSocket after = ServerFixtures.connect(server, "TLSv1.3", newKeys)) {
				after.getOutputStream().write(8);
				assertThat(after.getInputStream().read()).isEqualTo(8);
			}
			ServerFixtures.await(Duration.ofSeconds(10), "the three handshakes recorded as successes",
					() -> events.events().stream().filter((event) -> event.result().isSuccess()).count() == 3);
			assertThat(events.events()).filteredOn((event) -> !event.result().isSuccess()).isEmpty();
			assertThat(replacement.isClosed()).isFalse();
			assertThat(stage.isClosed()).isFalse();
		}
		finally {
			resume.countDown();
			for (Socket socket : idle) {
				socket.close();
			}
			server.stop();
			stage.close();
			replacement.close();
			old.close();
		}
		ServerFixtures.awaitNoThreads(settings.name());
		assertThat(stage.isClosed()).isTrue();
		assertThat(replacement.isClosed()).isTrue();
	}

	private static TlsServerContext openSsl(KeyMaterial keys) {
		return TlsServerContext
			.create(TlsConfig.builder(keys).engine("openssl").handshakeTimeout(Duration.ofSeconds(20)).build());
	}

	private static Socket connectAndAwaitAccepted(TlsServer server, long accepted) throws Exception {
		Socket socket = ServerFixtures.raw(server);
		ServerFixtures.await(Duration.ofSeconds(10), "connection " + accepted + " accepted",
				() -> server.stats().accepted() == accepted);
		return socket;
	}

	private static SSLSocket connectQuietly(TlsServer server, KeyMaterial trusted) {
		try {
			SSLSocket socket = ServerFixtures.connect(server, "TLSv1.3", trusted);
			socket.setSoTimeout(20_000);
			return socket;
		}
		catch (Exception ex) {
			throw new IllegalStateException("handshake of the waiting connection failed: " + ex, ex);
		}
	}

}
