package dev.tlsaccept.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.TrustAllClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's BIO-mode examples are the code of {@link ReadmeExamples}, and they work:
 * the blocking one greets a JDK client; the pair loop completes the handshake on both
 * sides (the client too, which on TLS 1.2 needs the flight written by the call that
 * returns 1).
 */
class ReadmeExamplesTests {

	private static final KeyMaterial KEY = SelfSignedCertificate.generate();

	private static final Path README = Path.of("..", "README.md");

	private static final Path SOURCE = Path.of("src", "test", "java", "dev", "tlsaccept", "engine",
			"ReadmeExamples.java");

	@ParameterizedTest
	@ValueSource(strings = { "blocking", "non-blocking", "pair" })
	void readmeShowsTheCompiledExample(String tag) throws IOException {
		String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
		String start = "// tag::" + tag + "[]\n";
		String end = "\t\t// end::" + tag + "[]";
		String region = source.substring(source.indexOf(start) + start.length(), source.indexOf(end));
		String example = region.lines()
			.map((line) -> line.startsWith("\t\t") ? line.substring(2) : line)
			.map((line) -> line.replace("\t", "    "))
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(Files.readString(README, StandardCharsets.UTF_8)).as("README.md shows ReadmeExamples' " + tag)
			.contains("```java\n" + example + "```");
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void blockingExampleGreetsAClient(String protocol) throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (ServerSocket serverSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Future<?> served = executor.submit(() -> {
				ReadmeExamples.greet(KEY, serverSocket);
				return null;
			});
			try (SSLSocket socket = (SSLSocket) TrustAllClient.sslContext()
				.getSocketFactory()
				.createSocket(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort())) {
				socket.setSoTimeout(10_000);
				socket.setEnabledProtocols(new String[] { protocol });
				String line = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
					.readLine();
				assertThat(line).isEqualTo("hello");
				assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
			}
			served.get(10, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void exampleCompletesTheHandshakeOnBothSides(String protocol) throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		JdkClient client = new JdkClient(PairHandshakeTests.clientEngine(protocol, KEY));
		AcceptResult result = ReadmeExamples.handshake(context, client);
		assertThat(result.code()).as(result.toString()).isEqualTo(1);
		assertThat(result.protocol()).isEqualTo(protocol);
		assertThat(client.engine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
		assertThat(client.engine.getSession().getProtocol()).isEqualTo(protocol);
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void nonBlockingExampleCompletesTheHandshakeWithAClient(String protocol) throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		ExecutorService executor = Executors.newSingleThreadExecutor();
		CountDownLatch serverDone = new CountDownLatch(1);
		try (ServerSocketChannel server = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); Selector selector = Selector.open()) {
			int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
			Future<String> client = executor.submit(() -> {
				try (SSLSocket socket = (SSLSocket) TrustAllClient.sslContext()
					.getSocketFactory()
					.createSocket(InetAddress.getLoopbackAddress(), port)) {
					socket.setSoTimeout(10_000);
					socket.setEnabledProtocols(new String[] { protocol });
					socket.startHandshake();
					serverDone.await(10, TimeUnit.SECONDS);
					return socket.getSession().getProtocol();
				}
			});
			AcceptResult result;
			try (SocketChannel channel = server.accept()) {
				result = ReadmeExamples.handshake(context, channel, selector);
			}
			finally {
				serverDone.countDown();
			}
			assertThat(result.code()).as(result.toString()).isEqualTo(1);
			assertThat(result.protocol()).isEqualTo(protocol);
			assertThat(client.get(10, TimeUnit.SECONDS)).isEqualTo(protocol);
		}
		finally {
			executor.shutdownNow();
			context.close();
		}
	}

	@Test
	void nonBlockingExampleEndsASilentHandshakeAtItsDeadline() throws Exception {
		TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(KEY).handshakeTimeout(Duration.ofMillis(300)).build());
		try (ServerSocketChannel server = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				Selector selector = Selector.open();
				Socket silent = new Socket(InetAddress.getLoopbackAddress(),
						((InetSocketAddress) server.getLocalAddress()).getPort());
				SocketChannel channel = server.accept()) {
			AcceptResult result = ReadmeExamples.handshake(context, channel, selector);
			assertThat(result.code()).isEqualTo(-1);
			assertThat(result.error()).isEqualTo(SslError.SYSCALL);
			assertThat(result.reason()).isEqualTo("handshake timed out");
			assertThat(silent.isConnected()).isTrue();
		}
		finally {
			context.close();
		}
	}

	@Test
	void onTls12TheCallThatReturnsOneLeavesTheLastFlightInThePair() throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		JdkClient client = new JdkClient(PairHandshakeTests.clientEngine("TLSv1.2", KEY));
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		AcceptResult result;
		int turns = 0;
		// the loop the README showed before: it moves bytes only while accept() asks for
		// them
		while ((result = acceptor.accept()).error().isRetryable()) {
			assertThat(++turns).as("turns").isLessThan(20);
			client.send(pair.drainToNetwork());
			pair.writeFromNetwork(client.receive());
		}
		assertThat(result.code()).isEqualTo(1);
		assertThat(client.engine.getHandshakeStatus()).as("client still waits for the server's Finished")
			.isEqualTo(HandshakeStatus.NEED_UNWRAP);
		int pending = pair.pendingToNetwork();
		assertThat(pending).isPositive();
		ByteBuffer lastFlight = pair.drainToNetwork();
		assertThat(lastFlight.remaining()).isEqualTo(pending);
		assertThat(pair.pendingToNetwork()).isZero();
		assertThat(pair.drainToNetwork().hasRemaining()).isFalse();
		client.send(lastFlight);
		assertThat(client.engine.getHandshakeStatus()).isEqualTo(HandshakeStatus.NOT_HANDSHAKING);
	}

	/**
	 * A JDK client {@link SSLEngine} as the transport's other end: {@code send} gives it
	 * the server's bytes, {@code receive} returns what it writes next. A client with
	 * nothing to write fails the test at once instead of waiting: the loop must never ask
	 * for input the peer will not send.
	 */
	private static final class JdkClient implements ReadmeExamples.Transport {

		private final SSLEngine engine;

		private final ByteBuffer application;

		/** What the client wrote and has not sent yet, in write mode. */
		private final ByteBuffer outgoing = ByteBuffer.allocate(64 * 1024);

		JdkClient(SSLEngine engine) {
			this.engine = engine;
			this.application = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
		}

		@Override
		public void send(ByteBuffer bytes) throws SSLException {
			while (bytes.hasRemaining()) {
				runTasks();
				if (this.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
					// TLS 1.3 middlebox compatibility: the client writes before it reads
					// on
					this.engine.wrap(ByteBuffer.allocate(0), this.outgoing);
					continue;
				}
				SSLEngineResult result = this.engine.unwrap(bytes, this.application);
				if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
					throw new AssertionError("client could not read the server's bytes: " + result);
				}
			}
			runTasks();
		}

		@Override
		public ByteBuffer receive() throws SSLException {
			runTasks();
			while (this.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
				this.engine.wrap(ByteBuffer.allocate(0), this.outgoing);
				runTasks();
			}
			this.outgoing.flip();
			ByteBuffer out = ByteBuffer.allocate(this.outgoing.remaining()).put(this.outgoing).flip();
			this.outgoing.clear();
			if (!out.hasRemaining()) {
				throw new AssertionError("client has nothing to send (" + this.engine.getHandshakeStatus()
						+ "): the server asked for input the client is not going to send");
			}
			return out;
		}

		private void runTasks() {
			Runnable task;
			while ((task = this.engine.getDelegatedTask()) != null) {
				task.run();
			}
		}

	}

}
