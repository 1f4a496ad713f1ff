package dev.tlsaccept.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.RawClient;
import dev.tlsaccept.peers.TestPki;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The event-driven data phase ({@link TlsChannelHandler}, {@link TlsChannel}), case by
 * case, against real peers: {@code openssl s_client}, and the JDK's {@code SSLSocket}
 * over a socket the test controls where {@code s_client} cannot express the case (a slow
 * reader, an end without close_notify, a reset, a tampered record). One subclass per
 * engine × BIO mode (Netty's {@code SSLEngineTest} pattern); what an engine does
 * differently is stated in its subclass.
 */
abstract class AbstractEventDataPhaseContractTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int MIB = 1024 * 1024;

	private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: (\\w+)");

	@TempDir
	static Path pkiDirectory;

	private static TestPki pki;

	private static SSLContext clientContext;

	private final ChannelRecorder handler = new ChannelRecorder();

	private @Nullable TlsServer server;

	private @Nullable TlsServerContext context;

	private @Nullable ExecutorService executor;

	/** The engine under test, e.g. {@code jdk}. */
	abstract String engine();

	/** The BIO mode under test: {@code non-blocking} or {@code pair}. */
	abstract BioMode mode();

	/**
	 * The alert the engine sends for a record of an unknown content type after the
	 * handshake: {@code unexpected_message} as RFC 8446 (section 5) asks, unless the
	 * engine says otherwise.
	 * @param protocol the negotiated protocol
	 * @return the alert's name as the JDK client reports it, or {@code null} when none is
	 * sent
	 */
	@Nullable String alertForGarbageRecord(String protocol) {
		return "unexpected_message";
	}

	@BeforeAll
	static void createPki() {
		pki = TestPki.create(pkiDirectory);
		clientContext = pki.clientContext(false);
	}

	@AfterEach
	void stopServer() {
		TlsServer started = this.server;
		try {
			if (started != null) {
				started.stop();
			}
		}
		finally {
			try {
				this.handler.awaitAllClosed();
			}
			finally {
				if (this.context != null) {
					this.context.close();
				}
				if (this.executor != null) {
					this.executor.shutdownNow();
				}
			}
		}
		this.handler.assertContractKept();
		if (started != null) {
			assertThat(started.stats().openConnections()).isZero();
			ServerFixtures.awaitNoThreads(started.settings().name());
		}
	}

	private TlsServer start() {
		return start(UnaryOperator.identity());
	}

	private TlsServer start(UnaryOperator<TlsServerSettings.Builder> settings) {
		return start(settings, this.handler);
	}

	private TlsServer start(UnaryOperator<TlsServerSettings.Builder> settings, TlsChannelHandler channelHandler) {
		this.context = TlsServerContext
			.create(TlsConfig.builder(KeyMaterials.fromPem(pki.serverCert(), pki.serverKey(), null))
				.engine(engine())
				.build());
		TlsServerSettings.Builder builder = TlsServerSettings
			.builder(ServerFixtures.uniqueName("data-" + engine() + "-" + mode().configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode());
		TlsServer started = TlsServer.eventDriven(settings.apply(builder).build(), this.context, HandshakeObserver.NONE,
				channelHandler);
		this.server = started;
		started.start();
		return started;
	}

	private OpenSslClient openssl(String protocol) {
		OpenSslClient client = new OpenSslClient().connect("127.0.0.1", this.server.port())
			.caFile(pki.caCert())
			.timeout(WAIT);
		return protocol.equals("TLSv1.3") ? client.tls13() : client.tls12();
	}

	private JdkPeer jdk(String protocol) throws IOException {
		return JdkPeer.connect(this.server.port(), protocol, clientContext);
	}

	// ---- echo, over both protocols --------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void echoesToOpenSslClientAndLearnsItsCloseNotify(String protocol) {
		AtomicBoolean readOnly = new AtomicBoolean();
		this.handler.onReceived = (channel, data) -> {
			readOnly.set(data.isReadOnly());
			channel.write(data);
		};
		TlsServer server = start();
		String line = "ping over " + protocol + "\n";
		OpenSslResult client = openssl(protocol).send(line).awaitReplyContaining(line, WAIT).run();
		assertThat(client.handshakeCompleted()).as("%s", client).isTrue();
		assertThat(client.receivedText()).as("%s", client).isEqualTo(line);
		ChannelRecorder.Connection connection = this.handler.connection(0);
		// s_client sends close_notify when its stdin ends
		assertThat(client.sentAlert()).as("%s", client).hasValue(Alert.warning(0));
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(connection.receivedText()).isEqualTo(line);
		assertThat(readOnly).isTrue();
		assertThat(connection.channel.handshake().protocol()).isEqualTo(protocol);
		assertThat(connection.channel.listenerName()).isEqualTo(server.settings().name());
		// still known in closed(), where applications log it
		assertThat(connection.channel.remoteAddress()).isNotNull();
		assertThat(connection.channel.isOpen()).isFalse();
	}

	// ---- large transfers: partial writes and back-pressure ----------------------------

	@Test
	void eightMegabytesEchoBothWaysWholeAndInOrder() throws Exception {
		AtomicInteger pauses = new AtomicInteger();
		AtomicLong maxQueued = new AtomicLong();
		this.handler.onReceived = (channel, data) -> {
			if (!channel.write(data)) {
				// inbound back-pressure: read no more until the peer took what is queued
				pauses.incrementAndGet();
				channel.pauseReading();
			}
			maxQueued.accumulateAndGet(channel.queuedBytes(), Math::max);
		};
		this.handler.onWritable = TlsChannel::resumeReading;
		start();
		int chunk = 64 * 1024;
		long total = 8L * MIB;
		try (JdkPeer client = jdk("TLSv1.3")) {
			// writes while it reads, then close_notify (a TLS 1.3 half-close)
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				try {
					for (long offset = 0; offset < total; offset += chunk) {
						byte[] bytes = new byte[chunk];
						PatternWriter.chunk(offset, chunk).get(bytes);
						client.write(bytes);
					}
					client.tls().shutdownOutput();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try {
				// the echo, up to the server's close_notify (-1) that answers the
				// client's
				assertThat(PatternWriter.readAndCheck(client.tls().getInputStream())).isEqualTo(total);
				writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			finally {
				unblock(client, writing);
			}
		}
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		// every pause (if the output ever reached the mark) was lifted by exactly one
		// writable()
		assertThat(connection.count("writable")).isEqualTo(pauses.get());
		// one decrypted record at most per write: the queue stays within a record of the
		// mark
		assertThat(maxQueued).hasValueLessThanOrEqualTo(TlsChannel.HIGH_WATER_MARK + 17 * 1024);
	}

	@Test
	void aPeerThatSendsWhileItDoesNotReadCostsTheSelectorNoCpu() throws Exception {
		PatternWriter writer = new PatternWriter(256L * MIB, 16 * 1024);
		this.handler.onOpened = writer::writeSome;
		this.handler.onWritable = writer::writeSome;
		this.handler.onReceived = (channel, data) -> {
		};
		TlsServer server = start((settings) -> settings.selectorThreads(1));
		try (JdkPeer client = jdk("TLSv1.3")) {
			ServerFixtures.await(WAIT, "write() to say false", () -> writer.refusals() > 0);
			TlsChannel channel = this.handler.connection(0).channel;
			awaitSettled(channel);
			// the server's output waits for the socket (full), and now its input has
			// bytes too
			client.write("ping");
			Thread selector = ServerFixtures.threadsNamed("tlsaccept-" + server.settings().name() + "-selector-")
				.get(0);
			long cpu = cpuNanos(selector);
			long wall = System.nanoTime();
			ServerFixtures.await(WAIT, "a second to pass", () -> System.nanoTime() - wall >= 1_000_000_000L);
			long used = cpuNanos(selector) - cpu;
			// a selector that keeps selecting a readable channel it cannot read from
			// spins at 100%
			assertThat(Duration.ofNanos(used)).as("selector CPU in one second").isLessThan(Duration.ofMillis(100));
			writer.stop();
			assertThat(PatternWriter.readAndCheck(client.tls().getInputStream())).isEqualTo(writer.written());
		}
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.CLOSED);
		// what the peer sent meanwhile was read, at the latest once the output drained
		assertThat(connection.receivedText()).isEqualTo("ping");
	}

	/**
	 * Wait (bounded) until the queue of a connection whose peer does not read stopped
	 * moving for 300 ms: the kernel's buffers are then as full as they get.
	 */
	private static void awaitSettled(TlsChannel channel) {
		long[] last = { channel.queuedBytes(), System.nanoTime() };
		ServerFixtures.await(WAIT, "the output queue to settle", () -> {
			long queued = channel.queuedBytes();
			if (queued != last[0]) {
				last[0] = queued;
				last[1] = System.nanoTime();
			}
			return System.nanoTime() - last[1] >= 300_000_000L;
		});
	}

	@Test
	void aClientThatDoesNotReadPushesBackOnTheWriterInsteadOfQueueingWithoutBound() throws Exception {
		long bound = 256L * MIB;
		PatternWriter writer = new PatternWriter(bound, 16 * 1024);
		this.handler.onOpened = writer::writeSome;
		this.handler.onWritable = (channel) -> {
			if (writer.total() == bound) {
				// the client reads now: at least 4 MiB in all, then close
				writer.limitTo(Math.max(4 * MIB, writer.written() + MIB));
			}
			writer.writeSome(channel);
		};
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			// what the kernel buffers take, then the high-water mark: write() says false
			ServerFixtures.await(WAIT, "write() to say false", () -> writer.refusals() > 0);
			TlsChannel channel = this.handler.connection(0).channel;
			// what the socket did not take waits in the queue, just above the high-water
			// mark
			assertThat(writer.queuedAtFirstRefusal()).isGreaterThanOrEqualTo(TlsChannel.HIGH_WATER_MARK)
				.isLessThanOrEqualTo(TlsChannel.HIGH_WATER_MARK + writer.chunkSize());
			assertThat(writer.writableAtFirstRefusal()).isFalse();
			assertThat(channel.queuedBytes()).isLessThanOrEqualTo(TlsChannel.HIGH_WATER_MARK + writer.chunkSize());
			// once the client reads, writable() lets the writer go on; every byte arrives
			// in order,
			// then the server's close_notify (-1)
			assertThat(PatternWriter.readAndCheck(client.tls().getInputStream())).isEqualTo(writer.total())
				.isGreaterThanOrEqualTo(4 * MIB);
		}
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.CLOSED);
		assertThat(writer.total()).isLessThan(bound);
		// every false was followed by exactly one writable()
		assertThat(connection.count("writable")).isPositive().isEqualTo(writer.refusals());
		assertThat(writer.maxQueued()).isLessThanOrEqualTo(TlsChannel.HIGH_WATER_MARK + writer.chunkSize());
	}

	@Test
	void aWriteBeyondTheQueueLimitIsRefusedAndWhatWasAcceptedArrivesWhole() throws Exception {
		int chunk = 64 * 1024;
		AtomicReference<IllegalStateException> refusal = new AtomicReference<>();
		AtomicLong accepted = new AtomicLong(-1);
		AtomicLong queuedAtRefusal = new AtomicLong();
		AtomicBoolean openAfterRefusal = new AtomicBoolean();
		this.handler.onOpened = (channel) -> {
			long offset = 0;
			// a producer that ignores write()'s false (bounded: 128 MiB at most)
			for (int i = 0; i < 2048; i++) {
				try {
					channel.write(PatternWriter.chunk(offset, chunk));
					offset += chunk;
				}
				catch (IllegalStateException ex) {
					refusal.set(ex);
					break;
				}
			}
			queuedAtRefusal.set(channel.queuedBytes());
			openAfterRefusal.set(channel.isOpen());
			accepted.set(offset);
			channel.close();
		};
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			ServerFixtures.await(WAIT, "the producer to stop", () -> accepted.get() >= 0);
			assertThat(refusal.get()).isNotNull()
				.hasMessageContaining("refuses " + chunk + " more bytes")
				.hasMessageContaining("Stop writing when write() returns false");
			assertThat(queuedAtRefusal.get()).isGreaterThan(TlsChannel.MAX_QUEUED_BYTES - chunk)
				.isLessThanOrEqualTo(TlsChannel.MAX_QUEUED_BYTES);
			// the refusal does not end the connection
			assertThat(openAfterRefusal).isTrue();
			assertThat(PatternWriter.readAndCheck(client.tls().getInputStream())).isEqualTo(accepted.get());
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.CLOSED);
	}

	// ---- how connections end
	// -----------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void peersCloseNotifyIsPeerClosedAndAnsweredWithCloseNotify(String protocol) throws Exception {
		start();
		try (JdkPeer client = jdk(protocol)) {
			assertThat(client.roundTrip("hello")).isEqualTo("hello");
			client.tls().shutdownOutput();
			if (protocol.equals("TLSv1.3")) {
				// a half-close: the JDK reads on, and returns -1 only on the server's
				// close_notify
				assertThat(client.readByte()).isEqualTo(-1);
				assertThat(client.readRawToEnd()).as("after close_notify, the end of the TCP stream").isEmpty();
			}
			else {
				// no half-close in TLS 1.2 (the JDK closes its reading side too): the
				// answer is on
				// the wire, one alert record, then the end of the TCP stream
				assertThat(RawClient.records(client.readRawToEnd())).extracting(RawClient.Record::contentType)
					.containsExactly(RawClient.Record.ALERT);
			}
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void closeSendsWhatIsQueuedThenCloseNotifyToOpenSslClient(String protocol) {
		AtomicReference<Throwable> writeAfterClose = new AtomicReference<>();
		this.handler.onReceived = (channel, data) -> {
			channel.write(ByteBuffer.wrap("bye\n".getBytes(StandardCharsets.UTF_8)));
			channel.close();
			try {
				channel.write(ByteBuffer.wrap("too late\n".getBytes(StandardCharsets.UTF_8)));
			}
			catch (IllegalStateException ex) {
				writeAfterClose.set(ex);
			}
		};
		start();
		// s_client exits when it reads close_notify: wait for that, not for a reply
		OpenSslResult client = openssl(protocol).send("quit\n").awaitReplyContaining("never sent", WAIT).run();
		assertThat(client.timedOut()).as("%s", client).isFalse();
		assertThat(client.receivedText()).as("%s", client).isEqualTo("bye\n");
		assertThat(client.receivedAlert()).as("%s", client).hasValue(Alert.warning(0));
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.CLOSED);
		assertThat(writeAfterClose.get()).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("takes no more writes");
	}

	@Test
	void closeSendsCloseNotifyThenEndsTheTcpStream() throws Exception {
		this.handler.onReceived = (channel, data) -> {
			channel.write(data);
			channel.close();
		};
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			assertThat(client.roundTrip("last words")).isEqualTo("last words");
			assertThat(client.readByte()).isEqualTo(-1);
			assertThat(client.readRawToEnd()).as("after close_notify, the end of the TCP stream").isEmpty();
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.CLOSED);
	}

	@Test
	void endOfStreamWithoutCloseNotifyIsPeerEof() throws Exception {
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			assertThat(client.roundTrip("hello")).isEqualTo("hello");
			client.endWithoutCloseNotify();
			assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_EOF);
			// the connection failed: the server closes too, without close_notify (as
			// SSL_shutdown must
			// not be called after SSL_ERROR_SYSCALL)
			assertThat(client.readRawToEnd()).isEmpty();
		}
	}

	@Test
	void resetIsReset() throws Exception {
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			assertThat(client.roundTrip("hello")).isEqualTo("hello");
			client.reset();
			assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.RESET);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void tamperedRecordIsTlsFailureAnsweredWithBadRecordMac(String protocol) throws Exception {
		start();
		try (JdkPeer client = jdk(protocol)) {
			assertThat(client.roundTrip("intact")).isEqualTo("intact");
			client.tamperWithNextRecord();
			client.write("spoiled");
			ChannelRecorder.Connection connection = this.handler.connection(0);
			assertThat(connection.awaitClosed()).isEqualTo(CloseReason.TLS_FAILURE);
			// every engine: bad_record_mac (RFC 8446, section 5.2)
			assertThat(alertReadBy(client)).isEqualTo("bad_record_mac");
			assertThat(client.readRawToEnd()).as("after the alert, the end of the TCP stream").isEmpty();
			assertThat(connection.receivedText()).isEqualTo("intact");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void garbageRecordIsTlsFailureAnsweredWithTheEnginesAlert(String protocol) throws Exception {
		start();
		try (JdkPeer client = jdk(protocol)) {
			assertThat(client.roundTrip("intact")).isEqualTo("intact");
			// a whole record of content type 99, under the TLS layer
			byte[] garbage = new byte[5 + 16];
			garbage[0] = 99;
			garbage[1] = 3;
			garbage[2] = 3;
			garbage[4] = 16;
			client.writeRaw(garbage);
			assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.TLS_FAILURE);
			assertThat(alertReadBy(client)).isEqualTo(alertForGarbageRecord(protocol));
			assertThat(client.readRawToEnd()).as("after the alert, the end of the TCP stream").isEmpty();
		}
	}

	@Test
	void keyUpdatesFromThePeerKeepTheDataFlowing() throws Exception {
		start();
		try (JdkPeer client = jdk("TLSv1.3")) {
			assertThat(client.roundTrip("before")).isEqualTo("before");
			for (int i = 0; i < 3; i++) {
				// on an established TLS 1.3 connection the JDK sends a KeyUpdate
				// (update_requested)
				client.tls().startHandshake();
				assertThat(client.roundTrip("after key update " + i)).isEqualTo("after key update " + i);
			}
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	@Test
	void renegotiationIsRefusedAsTlsFailure() throws Exception {
		start();
		try (JdkPeer client = jdk("TLSv1.2")) {
			assertThat(client.roundTrip("before")).isEqualTo("before");
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				client.tls().startHandshake();
				client.roundTrip("after renegotiation");
			});
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.TLS_FAILURE);
	}

	@Test
	void aFailingCallbackIsHandlerFailedAndTheListenerServesOthers() throws Exception {
		this.handler.onReceived = (channel, data) -> {
			if (StandardCharsets.UTF_8.decode(data.duplicate()).toString().startsWith("boom")) {
				throw new IllegalStateException("handler failure expected by the test");
			}
			channel.write(data);
		};
		TlsServer server = start();
		try (JdkPeer failing = jdk("TLSv1.3")) {
			failing.write("boom");
			// closed with close_notify
			assertThat(failing.readByte()).isEqualTo(-1);
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.HANDLER_FAILED);
		assertThat(server.stats().handlerErrors()).as("handler exceptions counted").isEqualTo(1);
		OpenSslResult other = openssl("TLSv1.3").send("still there?\n")
			.awaitReplyContaining("still there?\n", WAIT)
			.run();
		assertThat(other.receivedText()).as("%s", other).isEqualTo("still there?\n");
		assertThat(this.handler.connection(1).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(server.state()).isEqualTo(TlsServer.State.RUNNING);
		assertThat(server.stats().handlerErrors()).isEqualTo(1);
	}

	// ---- idle timeout and maximum lifetime
	// ----------------------------------------------

	@Test
	void idleConnectionIsClosedWithCloseNotifyAndCounted() {
		// long enough for s_client to send its line on a busy machine
		Duration idle = Duration.ofSeconds(1);
		TlsServer server = start((settings) -> settings.idleTimeout(idle));
		// TLS 1.2: s_client sends at once (in TLS 1.3 it first waits up to 1 s for a
		// ticket)
		OpenSslResult client = openssl("TLSv1.2").send("x\n").awaitReplyContaining("never sent", WAIT).run();
		assertThat(client.timedOut()).as("%s", client).isFalse();
		assertThat(client.receivedText()).as("%s", client).isEqualTo("x\n");
		assertThat(client.receivedAlert()).as("%s", client).hasValue(Alert.warning(0));
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.IDLE_TIMEOUT);
		assertThat(connection.lifetime()).isGreaterThanOrEqualTo(idle);
		assertThat(server.stats().closedIdle()).isEqualTo(1);
		assertThat(server.stats().closedLifetime()).isZero();
	}

	@Test
	void maxLifetimeClosesTheConnectionWithCloseNotifyAndCounts() throws Exception {
		this.handler.onReceived = (channel, data) -> {
		};
		TlsServer server = start((settings) -> settings.maxLifetime(Duration.ofMillis(500)));
		try (JdkPeer client = jdk("TLSv1.3")) {
			// not idle: the idle timeout is not what ends it
			client.write("busy");
			assertThat(client.readByte()).isEqualTo(-1);
		}
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.LIFETIME_EXPIRED);
		// counted from the end of the handshake, a little before opened()
		assertThat(connection.lifetime()).isGreaterThan(Duration.ofMillis(400));
		assertThat(server.stats().closedLifetime()).isEqualTo(1);
		assertThat(server.stats().closedIdle()).isZero();
	}

	@Test
	void perConnectionTimeoutsOverrideTheListeners() throws Exception {
		AtomicBoolean first = new AtomicBoolean(true);
		this.handler.onOpened = (channel) -> {
			if (first.compareAndSet(true, false)) {
				channel.setIdleTimeout(Duration.ofMinutes(1));
			}
		};
		TlsServer server = start((settings) -> settings.idleTimeout(Duration.ofMillis(400)));
		try (JdkPeer patient = jdk("TLSv1.3")) {
			ChannelRecorder.Connection kept = this.handler.connection(0);
			try (JdkPeer ordinary = jdk("TLSv1.3")) {
				ChannelRecorder.Connection timedOut = this.handler.connection(1);
				assertThat(timedOut.awaitClosed()).isEqualTo(CloseReason.IDLE_TIMEOUT);
				assertThat(ordinary.readByte()).isEqualTo(-1);
			}
			// opened before the other one and idle since, but under its own timeout
			assertThat(kept.isClosed()).isFalse();
			assertThat(patient.roundTrip("still open")).isEqualTo("still open");
			// from a thread of the application, not the selector's
			kept.channel.setMaxLifetime(Duration.ofMillis(1));
			assertThat(patient.readByte()).isEqualTo(-1);
			assertThat(kept.awaitClosed()).isEqualTo(CloseReason.LIFETIME_EXPIRED);
		}
		assertThat(server.stats().closedIdle()).isEqualTo(1);
		assertThat(server.stats().closedLifetime()).isEqualTo(1);
	}

	// ---- offloaded handlers
	// -------------------------------------------------------------

	@Test
	void offloadedHandlerRunsEveryCallbackOnTheExecutorInOrder() throws Exception {
		ExecutorService executor = executor("app-handler-");
		List<ByteBuffer> deliveries = new CopyOnWriteArrayList<>();
		this.handler.onReceived = (channel, data) -> {
			deliveries.add(data);
			channel.write(data.duplicate());
		};
		start(UnaryOperator.identity(), TlsChannelHandler.offloaded(executor, this.handler));
		byte[] sent = new byte[MIB];
		new Random(7).nextBytes(sent);
		try (JdkPeer client = jdk("TLSv1.3")) {
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				try {
					for (int offset = 0; offset < sent.length; offset += 4096) {
						client.write(Arrays.copyOfRange(sent, offset, offset + 4096));
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try {
				byte[] back = client.read(sent.length);
				writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				assertThat(Arrays.mismatch(back, sent)).as("first byte that differs").isEqualTo(-1);
			}
			finally {
				unblock(client, writing);
			}
		}
		ChannelRecorder.Connection connection = this.handler.connection(0);
		assertThat(connection.awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(connection.threads()).allSatisfy((thread) -> assertThat(thread).startsWith("app-handler-"));
		assertThat(Arrays.mismatch(connection.received(), sent)).as("first byte that differs").isEqualTo(-1);
		// each delivery is the handler's own copy: still intact after every later
		// callback
		ByteBuffer kept = ByteBuffer.allocate(sent.length);
		deliveries.forEach((delivery) -> kept.put(delivery.duplicate()));
		assertThat(Arrays.mismatch(kept.array(), sent)).as("first byte that differs").isEqualTo(-1);
	}

	@Test
	void aFailingOffloadedCallbackIsHandlerFailedAndCounted() throws Exception {
		ExecutorService executor = executor("app-failing-");
		this.handler.onReceived = (channel, data) -> {
			throw new IllegalStateException("handler failure expected by the test");
		};
		TlsServer server = start(UnaryOperator.identity(), TlsChannelHandler.offloaded(executor, this.handler));
		try (JdkPeer failing = jdk("TLSv1.3")) {
			failing.write("boom");
			assertThat(failing.readByte()).isEqualTo(-1);
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.HANDLER_FAILED);
		assertThat(server.stats().handlerErrors()).isEqualTo(1);
	}

	@Test
	void offloadedHandlerThatBlocksDoesNotStallOtherConnectionsOfItsSelector() throws Exception {
		ExecutorService executor = executor("app-blocking-");
		CountDownLatch otherServed = new CountDownLatch(1);
		this.handler.onReceived = (channel, data) -> {
			if (StandardCharsets.UTF_8.decode(data.duplicate()).toString().equals("wait")) {
				// blocks its executor thread until the other connection was served
				String answer = otherServed.await(WAIT.toSeconds(), TimeUnit.SECONDS) ? "released" : "timedout";
				channel.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
				return;
			}
			channel.write(data);
			otherServed.countDown();
		};
		start((settings) -> settings.selectorThreads(1), TlsChannelHandler.offloaded(executor, this.handler));
		try (JdkPeer waiting = jdk("TLSv1.3")) {
			waiting.write("wait");
			this.handler.connection(0).awaitReceived(4);
			try (JdkPeer other = jdk("TLSv1.3")) {
				assertThat(other.roundTrip("served")).isEqualTo("served");
			}
			assertThat(waiting.readText(8)).isEqualTo("released");
		}
		assertThat(this.handler.connection(0).threads())
			.allSatisfy((thread) -> assertThat(thread).startsWith("app-blocking-"));
	}

	@Test
	void offloadedHandlerIsToldOfTheCloseEvenWhenItsExecutorWasShutDownFirst() throws Exception {
		ExecutorService executor = executor("app-closing-");
		start(UnaryOperator.identity(), TlsChannelHandler.offloaded(executor, this.handler));
		try (JdkPeer client = jdk("TLSv1.3")) {
			assertThat(client.roundTrip("before")).isEqualTo("before");
			// the application shuts its executor down before the listener stops
			executor.shutdown();
			assertThat(executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.handler.connection(0).awaitClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	/**
	 * A client writer still blocked (the test failed before reading everything) holds the
	 * {@code SSLSocket}'s write lock, and close_notify would wait for it forever: close
	 * the plain socket under it first.
	 */
	private static void unblock(JdkPeer client, CompletableFuture<?> writing) throws IOException {
		if (!writing.isDone()) {
			client.plain().close();
		}
	}

	private static long cpuNanos(Thread thread) {
		return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
	}

	private ExecutorService executor(String prefix) {
		AtomicInteger threads = new AtomicInteger();
		ThreadFactory factory = (task) -> {
			Thread thread = new Thread(task, prefix + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		ExecutorService created = Executors.newFixedThreadPool(3, factory);
		this.executor = created;
		return created;
	}

	/**
	 * The fatal alert the JDK client reads from the server, decrypted.
	 * @return its name, or {@code null} when the connection ended without one
	 */
	private static @Nullable String alertReadBy(JdkPeer client) {
		try {
			int next = client.readByte();
			return (next < 0) ? null : "data (" + next + ")";
		}
		catch (SSLException ex) {
			Matcher alert = RECEIVED_ALERT.matcher(String.valueOf(ex.getMessage()));
			return alert.find() ? alert.group(1) : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

}
