package dev.tlsaccept.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsServerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A listener behind a load balancer that speaks the PROXY protocol, in every BIO mode:
 * raw sockets from other loopback addresses (127.0.0.2 plays the trusted proxy, 127.0.0.3
 * an untrusted source) write a header, then a real JDK TLS client runs over the same
 * socket.
 */
class ProxyProtocolListenerTests {

	private static final String TRUSTED = "127.0.0.2";

	private static final String UNTRUSTED = "127.0.0.3";

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("192.0.2.7"), 56324);

	/** The remote address each connection's handler saw. */
	private final List<InetSocketAddress> remotes = new CopyOnWriteArrayList<>();

	private final TlsConnectionHandler echoOneLine = (connection) -> {
		this.remotes.add(connection.remoteAddress());
		InputStream in = connection.inputStream();
		OutputStream out = connection.outputStream();
		int b;
		while ((b = in.read()) >= 0) {
			out.write(b);
			if (b == '\n') {
				out.flush();
				return;
			}
		}
	};

	private final EventRecorder events = new EventRecorder();

	private TlsServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private TlsServer start(BioMode mode, ProxyProtocol protocol, Duration handshakeTimeout, SourceLimits limits) {
		TlsServerContext context = ServerFixtures.context(handshakeTimeout);
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("proxy-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.proxyProtocol(protocol)
			.trustedProxy(TRUSTED + "/32")
			.sourceLimits(limits)
			.build();
		this.server = new TlsServer(settings, context, this.events, this.echoOneLine);
		this.server.start();
		return this.server;
	}

	private TlsServer start(BioMode mode, ProxyProtocol protocol) {
		return start(mode, protocol, Duration.ofSeconds(10), SourceLimits.NONE);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void v2HeaderFromATrustedProxyMakesTheRealClientThePeerWithTheTlvsRecorded(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED);
		byte[] tlvs = concat(ProxyHeaderDecoderTests.tlv(0x02, ascii("device.example.com")),
				ProxyHeaderDecoderTests.tlv(0x01, ascii("h2")), ProxyHeaderDecoderTests.tlv(0x05, ascii("req-42")),
				ProxyHeaderDecoderTests.tlv(0x20, ProxyHeaderDecoderTests.sslValue(0x07, 0)));
		// the header and the ClientHello in one write: the listener reads TLS bytes with
		// the header
		try (Socket raw = from(TRUSTED)) {
			echoOverTls(new HeaderFirstSocket(raw, v2Tcp4(CLIENT, tlvs)));
			HandshakeEvent event = this.events.await("a success", (e) -> e.result().isSuccess());
			assertThat(event.peer()).isEqualTo(CLIENT);
			assertThat(event.proxy()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(event.proxyHeader().version()).isEqualTo(2);
			assertThat(event.proxyHeader().authority()).isEqualTo("device.example.com");
			assertThat(event.proxyHeader().alpn()).isEqualTo("h2");
			assertThat(event.proxyHeader().uniqueId()).isEqualTo("req-42");
			assertThat(event.proxyHeader().ssl().commonName()).isEqualTo("device-7");
			assertThat(event.proxyHeader().ssl().version()).isEqualTo("TLSv1.3");
			assertThat(event.healthCheck()).isFalse();
			assertThat(this.remotes).as("the handler's remote address").containsExactly(CLIENT);
		}
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void v1HeaderSentOnItsOwnMakesTheRealClientThePeer(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.OPTIONAL);
		try (Socket raw = from(TRUSTED)) {
			raw.getOutputStream().write(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n"));
			raw.getOutputStream().flush();
			echoOverTls(raw);
			HandshakeEvent event = this.events.await("a success", (e) -> e.result().isSuccess());
			assertThat(event.peer()).isEqualTo(CLIENT);
			assertThat(event.proxy()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(event.proxyHeader().version()).isEqualTo(1);
			assertThat(this.remotes).as("the handler's remote address").containsExactly(CLIENT);
		}
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void optionalLetsATrustedSourceAndAnUntrustedOneSpeakTlsWithoutAHeader(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.OPTIONAL);
		for (String source : new String[] { TRUSTED, UNTRUSTED }) {
			try (Socket raw = from(source)) {
				echoOverTls(raw);
				HandshakeEvent event = this.events.await("a success from " + source,
						(e) -> e.result().isSuccess() && e.peer().equals(raw.getLocalSocketAddress()));
				assertThat(event.proxy()).isNull();
				assertThat(event.proxyHeader()).isNull();
			}
		}
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void optionalRefusesAHeaderFromAnUntrustedSource(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.OPTIONAL);
		try (Socket raw = from(UNTRUSTED)) {
			raw.getOutputStream().write(v2Tcp4(CLIENT, new byte[0]));
			assertClosedByServer(raw);
			HandshakeEvent event = this.events.await("a refusal", (e) -> !e.result().isSuccess());
			assertThat(event.result().reason())
				.isEqualTo("refused: PROXY protocol header from a source that is not a trusted proxy");
			assertThat(event.peer()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(event.proxy()).isNull();
		}
		awaitNothingPending();
		// a refusal by its own rule, not a failed handshake
		assertThat(this.server.stats().refusedUntrustedProxy()).isEqualTo(1);
		assertThat(this.server.stats().refusedProxyHeader()).isZero();
		assertThat(this.server.stats().handshakesFailed()).isZero();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void requiredRefusesAnUntrustedSourceAtOnce(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED);
		try (Socket raw = from(UNTRUSTED)) {
			// nothing sent: refused without waiting for a byte
			assertClosedByServer(raw);
			HandshakeEvent event = this.events.await("a refusal", (e) -> !e.result().isSuccess());
			assertThat(event.result().reason()).isEqualTo(ServerCore.PROXY_REQUIRED_REFUSAL);
			assertThat(event.result().error()).isEqualTo(SslError.SYSCALL);
		}
		awaitNothingPending();
		assertThat(this.server.stats().refusedUntrustedProxy()).isEqualTo(1);
		assertThat(this.server.stats().refused()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void requiredFailsATrustedSourceThatSendsNoHeader(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED);
		try (Socket raw = from(TRUSTED)) {
			try {
				echoOverTls(raw);
			}
			catch (IOException expected) {
				// the listener closes the connection
			}
			HandshakeEvent event = this.events.await("a failure", (e) -> !e.result().isSuccess());
			assertThat(event.result().reason())
				.isEqualTo("no PROXY protocol header (proxy-protocol: required): the connection starts with 0x16");
		}
		awaitNothingPending();
		assertThat(this.server.stats().refusedProxyHeader()).isEqualTo(1);
		assertThat(this.server.stats().refusedUntrustedProxy()).isZero();
		assertThat(this.server.stats().handshakesFailed()).isZero();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void hostileHeadersFailWithTheirReasonAndLeaveNothingBehind(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED);
		byte[][] headers = { ascii("PROXY TCP4 192.0.2.999 198.51.100.1 1 2\r\n"),
				ascii("PROXY UNKNOWN " + "x".repeat(200)), wrongVersion(), v2Oversized(),
				ascii("\r\n\r\n\0\r\nQUIZ\n0123456789") };
		String[] reasons = { "PROXY v1 header: bad TCP4 address '192.0.2.999'",
				"PROXY v1 header: longer than 107 bytes", "PROXY v2 header: unknown version 3",
				"PROXY v2 header: 65551 bytes, more than the 4112 accepted",
				"no PROXY protocol header (proxy-protocol: required): the connection starts with 0x0d" };
		for (int i = 0; i < headers.length; i++) {
			int count = this.events.events().size();
			try (Socket raw = from(TRUSTED)) {
				raw.getOutputStream().write(headers[i]);
				assertClosedByServer(raw);
			}
			HandshakeEvent event = this.events.awaitCount(count + 1).get(count);
			assertThat(event.result().reason()).isEqualTo(reasons[i]);
			assertThat(event.result().code()).isEqualTo(-1);
		}
		awaitNothingPending();
		assertThat(this.server.stats().refusedProxyHeader()).isEqualTo(headers.length);
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void aTruncatedHeaderIsAnEofAndAStalledOneTimesOut(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED, Duration.ofSeconds(1), SourceLimits.NONE);
		try (Socket raw = from(TRUSTED)) {
			raw.getOutputStream().write(ascii("PROXY TCP4 192.0"));
			raw.shutdownOutput();
			assertClosedByServer(raw);
		}
		HandshakeEvent eof = this.events.awaitCount(1).get(0);
		assertThat(eof.result().code()).isZero();
		assertThat(eof.result().error()).isEqualTo(SslError.SYSCALL);
		assertThat(eof.result().reason())
			.isEqualTo("peer closed the connection inside the PROXY protocol header (16 bytes)");
		try (Socket raw = from(TRUSTED)) {
			raw.getOutputStream().write(ProxyHeaderDecoder.V2_SIGNATURE);
			assertClosedByServer(raw);
		}
		HandshakeEvent stalled = this.events.awaitCount(2).get(1);
		assertThat(stalled.result().code()).isEqualTo(-1);
		assertThat(stalled.result().reason())
			.isEqualTo("handshake timed out waiting for the PROXY protocol header (12 bytes read)");
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void v2LocalIsRecordedAsAHealthCheck(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED);
		try (Socket raw = from(TRUSTED)) {
			raw.getOutputStream().write(ProxyHeaderDecoderTests.v2(0x20, 0x00, new byte[0], new byte[0]));
			raw.shutdownOutput();
			assertClosedByServer(raw);
			HandshakeEvent event = this.events.awaitCount(1).get(0);
			assertThat(event.healthCheck()).isTrue();
			assertThat(event.peer()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(event.proxy()).isEqualTo(raw.getLocalSocketAddress());
			assertThat(event.result().code()).isZero();
		}
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void theDenyListAppliesToTheClientATrustedProxyNames(BioMode mode) throws Exception {
		start(mode, ProxyProtocol.REQUIRED, Duration.ofSeconds(10),
				SourceLimits.builder().deny("192.0.2.0/24").deny(TRUSTED).build());
		try (Socket raw = from(TRUSTED)) {
			try {
				echoOverTls(new HeaderFirstSocket(raw, v2Tcp4(CLIENT, new byte[0])));
			}
			catch (IOException expected) {
				// refused
			}
			HandshakeEvent event = this.events.awaitCount(1).get(0);
			assertThat(event.result().reason()).isEqualTo("refused: deny 192.0.2.0/24");
			assertThat(event.peer()).isEqualTo(CLIENT);
			assertThat(event.proxy()).isEqualTo(raw.getLocalSocketAddress());
		}
		InetSocketAddress allowed = new InetSocketAddress(address("198.51.100.9"), 4000);
		try (Socket raw = from(TRUSTED)) {
			echoOverTls(new HeaderFirstSocket(raw, v2Tcp4(allowed, new byte[0])));
			assertThat(this.events.await("a success", (e) -> e.result().isSuccess()).peer()).isEqualTo(allowed);
		}
		assertThat(this.server.stats().refusedDenied()).isEqualTo(1);
		// a refusal, not also a failed handshake
		assertThat(this.server.stats().handshakesFailed()).isZero();
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(value = BioMode.class, names = { "NON_BLOCKING", "PAIR" })
	void aConnectionSilentBeforeItsHeaderIsCutToMakeRoom(BioMode mode) throws Exception {
		// a long timeout: the pressure sweep (silent for a quarter of it) must not cut
		// the other one too
		TlsServerContext context = ServerFixtures.context(Duration.ofSeconds(60));
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("proxy-cut"))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.selectorThreads(1)
			.maxPendingHandshakes(2)
			.proxyProtocol(ProxyProtocol.REQUIRED)
			.trustedProxy(TRUSTED)
			.build();
		this.server = new TlsServer(settings, context, this.events, this.echoOneLine);
		this.server.start();
		try (Socket silent1 = from(TRUSTED); Socket silent2 = from(TRUSTED)) {
			ServerFixtures.await(Duration.ofSeconds(10), "two pending",
					() -> this.server.stats().pendingHandshakes() == 2);
			try (Socket raw = from(TRUSTED)) {
				echoOverTls(new HeaderFirstSocket(raw, v2Tcp4(CLIENT, new byte[0])));
			}
			HandshakeEvent cut = this.events.await("a cut", (e) -> !e.result().isSuccess());
			assertThat(cut.result().reason())
				.startsWith("handshake cut: stalled while max-pending-handshakes (2) was reached");
			assertThat(this.events.await("a success", (e) -> e.result().isSuccess()).peer()).isEqualTo(CLIENT);
			assertThat(this.server.stats().stalledHandshakesCut()).isEqualTo(1);
		}
		awaitNothingPending();
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void startIsReportedOnceTheHeaderIsReadWithTheClientAndTheHealthCheckFlagBeforeTheEnd(BioMode mode)
			throws Exception {
		StartAndEndRecorder observer = new StartAndEndRecorder();
		List<Object> seen = observer.seen;
		List<String> threads = observer.startThreads;
		TlsServerSettings settings = TlsServerSettings.builder(ServerFixtures.uniqueName("proxy-" + mode.configName()))
			.address(ServerFixtures.LOOPBACK)
			.bioMode(mode)
			.proxyProtocol(ProxyProtocol.OPTIONAL)
			.trustedProxy(TRUSTED + "/32")
			.build();
		this.server = new TlsServer(settings, ServerFixtures.context(), observer, this.echoOneLine);
		this.server.start();
		// a proxied client whose balancer sends the header late: the start names the
		// client, and its time is still the connection's accept
		Instant headerSent;
		try (Socket raw = from(TRUSTED)) {
			ServerFixtures.await(Duration.ofSeconds(10), "the connection pending",
					() -> this.server.stats().pendingHandshakes() == 1);
			// the balancer's delay, not a synchronization: the start must not move with
			// it
			Thread.sleep(200);
			headerSent = Instant.now();
			echoOverTls(new HeaderFirstSocket(raw, v2Tcp4(CLIENT, new byte[0])));
			ServerFixtures.await(Duration.ofSeconds(10), "a start and an end in " + seen, () -> seen.size() >= 2);
		}
		HandshakeStarted started = (HandshakeStarted) seen.get(0);
		HandshakeEvent finished = (HandshakeEvent) seen.get(1);
		assertThat(started.peer()).isEqualTo(CLIENT).isEqualTo(finished.peer());
		assertThat(started.connecting()).isEqualTo(finished.connecting());
		assertThat(started.proxy()).isEqualTo(finished.proxy());
		assertThat(started.proxyHeader()).isEqualTo(finished.proxyHeader());
		assertThat(started.healthCheck()).isFalse();
		assertThat(started.time()).isBefore(headerSent);
		// a health check: LOCAL, then the balancer closes
		try (Socket raw = from(TRUSTED)) {
			raw.getOutputStream().write(ProxyHeaderDecoderTests.v2(0x20, 0x00, new byte[0], new byte[0]));
			raw.shutdownOutput();
			assertClosedByServer(raw);
			ServerFixtures.await(Duration.ofSeconds(10), "4 events in " + seen, () -> seen.size() >= 4);
		}
		HandshakeStarted check = (HandshakeStarted) seen.get(2);
		assertThat(check.healthCheck()).isTrue();
		assertThat(check.peer()).isEqualTo(check.connecting());
		assertThat(((HandshakeEvent) seen.get(3)).healthCheck()).isTrue();
		assertThat(((HandshakeEvent) seen.get(3)).connecting()).isEqualTo(check.connecting());
		// refused in the PROXY protocol phase (an untrusted source's header): only an end
		try (Socket raw = from(UNTRUSTED)) {
			raw.getOutputStream().write(v2Tcp4(CLIENT, new byte[0]));
			assertClosedByServer(raw);
			ServerFixtures.await(Duration.ofSeconds(10), "5 events in " + seen, () -> seen.size() >= 5);
		}
		assertThat(seen.get(4)).isInstanceOf(HandshakeEvent.class);
		assertThat(((HandshakeEvent) seen.get(4)).result().reason())
			.isEqualTo("refused: PROXY protocol header from a source that is not a trusted proxy");
		awaitNothingPending();
		assertThat(seen).hasSize(5);
		assertThat(threads).hasSize(2)
			.allSatisfy((name) -> assertThat(name).doesNotContain("-selector-").doesNotContain("-acceptor"));
	}

	@Test
	void proxyProtocolWithoutTrustedProxiesIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsServerSettings.builder("edge").proxyProtocol(ProxyProtocol.OPTIONAL).build())
			.withMessage("proxyProtocol OPTIONAL needs trusted proxies: name the load balancers' addresses or blocks");
	}

	private void awaitNothingPending() {
		ServerFixtures.await(Duration.ofSeconds(10), () -> "no connection left in " + this.server.stats(),
				() -> this.server.stats().pendingHandshakes() == 0 && this.server.stats().openConnections() == 0);
	}

	private Socket from(String source) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(address(source), 0));
		socket.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, this.server.port()), 5_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/** A JDK TLS client over the connected socket: one line echoed by the handler. */
	private static void echoOverTls(Socket raw) throws Exception {
		try (SSLSocket tls = (SSLSocket) ServerFixtures.clientContext(ServerFixtures.keys())
			.getSocketFactory()
			.createSocket(raw, "localhost", raw.getPort(), false)) {
			tls.setEnabledProtocols(new String[] { "TLSv1.3" });
			tls.startHandshake();
			tls.getOutputStream().write(ascii("hello\n"));
			tls.getOutputStream().flush();
			assertThat(tls.getInputStream().readNBytes(6)).isEqualTo(ascii("hello\n"));
		}
	}

	private static void assertClosedByServer(Socket raw) throws IOException {
		try {
			assertThat(raw.getInputStream().read()).isEqualTo(-1);
		}
		catch (SocketException reset) {
			// closed with data unread: a reset, also a close
		}
	}

	static byte[] v2Tcp4(InetSocketAddress client, byte[] tlvs) {
		byte[] addresses = ByteBuffer.allocate(12)
			.put(client.getAddress().getAddress())
			.put(new byte[] { (byte) 198, 51, 100, 1 })
			.putShort((short) client.getPort())
			.putShort((short) 443)
			.array();
		return ProxyHeaderDecoderTests.v2(0x21, 0x11, addresses, tlvs);
	}

	private static byte[] wrongVersion() {
		return ProxyHeaderDecoderTests.v2(0x31, 0x11, new byte[12], new byte[0]);
	}

	private static byte[] v2Oversized() {
		byte[] header = ProxyHeaderDecoderTests.v2(0x21, 0x11, new byte[12], new byte[0]);
		ByteBuffer.wrap(header).putShort(14, (short) 0xffff);
		return header;
	}

	private static byte[] concat(byte[]... parts) {
		ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt((p) -> p.length).sum());
		for (byte[] part : parts) {
			all.put(part);
		}
		return all.array();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * A connected socket whose first write is preceded by a PROXY header in the same
	 * write, so that the header and the ClientHello reach the listener together.
	 */
	private static final class HeaderFirstSocket extends Socket {

		private final Socket socket;

		private final OutputStream out;

		HeaderFirstSocket(Socket socket, byte[] header) throws IOException {
			this.socket = socket;
			OutputStream raw = socket.getOutputStream();
			this.out = new FilterOutputStream(raw) {

				private byte[] pending = header;

				@Override
				public void write(byte[] bytes, int offset, int length) throws IOException {
					if (this.pending != null) {
						byte[] both = new byte[this.pending.length + length];
						System.arraycopy(this.pending, 0, both, 0, this.pending.length);
						System.arraycopy(bytes, offset, both, this.pending.length, length);
						this.pending = null;
						raw.write(both);
					}
					else {
						raw.write(bytes, offset, length);
					}
				}

			};
		}

		@Override
		public OutputStream getOutputStream() {
			return this.out;
		}

		@Override
		public InputStream getInputStream() throws IOException {
			return this.socket.getInputStream();
		}

		@Override
		public boolean isConnected() {
			return this.socket.isConnected();
		}

		@Override
		public boolean isClosed() {
			return this.socket.isClosed();
		}

		@Override
		public SocketAddress getRemoteSocketAddress() {
			return this.socket.getRemoteSocketAddress();
		}

		@Override
		public InetAddress getInetAddress() {
			return this.socket.getInetAddress();
		}

		@Override
		public int getPort() {
			return this.socket.getPort();
		}

		@Override
		public void setSoTimeout(int timeout) throws SocketException {
			this.socket.setSoTimeout(timeout);
		}

		@Override
		public int getSoTimeout() throws SocketException {
			return this.socket.getSoTimeout();
		}

		@Override
		public synchronized void close() throws IOException {
			this.socket.close();
		}

	}

}
