package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pair BIO driven by hand against a JDK client {@link SSLEngine} in memory: every
 * byte moves through {@link BioPair}, and both sides run until finished and all buffers
 * are drained.
 */
class PairHandshakeTests {

	private static final KeyMaterial KEY = SelfSignedCertificate.generate();

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void acceptReturnsOneAfterInMemoryHandshakeWithJdkClient(String protocol) throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		SSLEngine client = clientEngine(protocol);
		AcceptResult result = drive(acceptor, pair, client);
		assertThat(result.code()).isEqualTo(1);
		assertThat(result.error()).isEqualTo(SslError.NONE);
		assertThat(result.protocol()).isEqualTo(protocol);
		assertThat(result.wantReadTurns()).isPositive();
		assertThat(result.clientHello()).isNotNull();
		assertThat(result.serverName()).isEqualTo("device.tlsaccept.test");
		assertThat(result.clientHello().serverName()).isEqualTo("device.tlsaccept.test");
		assertThat(result.clientHello().ja4()).startsWith("TLSv1.3".equals(protocol) ? "t13d" : "t12d");
		assertThat(acceptor.accept()).isSameAs(result);
		// data phase both ways
		ByteBuffer clientNet = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
		client.wrap(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), clientNet);
		clientNet.flip();
		pair.writeFromNetwork(clientNet);
		ByteBuffer received = ByteBuffer.allocate(100);
		IoResult read = acceptor.read(received);
		assertThat(read.code()).isEqualTo(5);
		assertThat(new String(received.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
		assertThat(acceptor.read(received).error()).isEqualTo(SslError.WANT_READ);
		assertThat(acceptor.write(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII))).code()).isEqualTo(5);
		assertThat(acceptor.shutdown().code()).isEqualTo(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void acceptServesRsaKeyMaterialThroughTheInMemoryKeyManager(String protocol, @TempDir Path dir) throws Exception {
		TestPki pki = TestPki.create(dir);
		KeyMaterial rsa = KeyMaterials.fromPem(pki.serverRsaCert(), pki.serverRsaKey(), null);
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(rsa).build());
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		SSLEngine client = clientEngine(protocol, rsa);
		AcceptResult result = drive(acceptor, pair, client);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(rsa.leaf());
		if ("TLSv1.2".equals(protocol)) {
			assertThat(result.cipherSuite()).startsWith("TLS_ECDHE_RSA_");
		}
	}

	@Test
	void readRefusesClientInitiatedRenegotiationOnTls12() throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		SSLEngine client = clientEngine("TLSv1.2");
		assertThat(drive(acceptor, pair, client).isSuccess()).isTrue();
		client.beginHandshake();
		ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
		client.wrap(ByteBuffer.allocate(0), hello);
		hello.flip();
		pair.writeFromNetwork(hello);
		IoResult read = acceptor.read(ByteBuffer.allocate(1024));
		assertThat(read.code()).isEqualTo(-1);
		assertThat(read.error()).isEqualTo(SslError.SSL);
		assertThat(read.reason()).isEqualTo("no renegotiation");
		assertThat(acceptor.write(ByteBuffer.wrap(new byte[] { 1 })).error()).isEqualTo(SslError.SSL);
	}

	@Test
	void acceptReturnsWantReadWhenPairIsEmpty() {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		AcceptResult result = acceptor.accept();
		assertThat(result.code()).isEqualTo(-1);
		assertThat(result.error()).isEqualTo(SslError.WANT_READ);
		assertThat(acceptor.accept().wantReadTurns()).isEqualTo(2);
	}

	@Test
	void acceptReturnsZeroSyscallWhenPairReachesEndOfInputBeforeAnyByte() {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		pair.endOfInput();
		AcceptResult result = acceptor.accept();
		assertThat(result.code()).isEqualTo(0);
		assertThat(result.error()).isEqualTo(SslError.SYSCALL);
		assertThat(result.reason()).isEqualTo("unexpected eof while reading");
		assertThat(acceptor.accept()).isSameAs(result);
	}

	@Test
	void acceptReturnsWantWriteWhenPairIsFull() throws Exception {
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).build());
		BioPair pair = BioPair.create(64);
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		SSLEngine client = clientEngine("TLSv1.3");
		ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
		client.wrap(ByteBuffer.allocate(0), hello);
		hello.flip();
		AcceptResult result;
		do {
			pair.writeFromNetwork(hello);
			result = acceptor.accept();
		}
		while (result.error() == SslError.WANT_READ && hello.hasRemaining());
		assertThat(result.error()).isEqualTo(SslError.WANT_WRITE);
		assertThat(result.code()).isEqualTo(-1);
		assertThat(pair.pendingToNetwork()).isEqualTo(64);
	}

	static SSLEngine clientEngine(String protocol) throws Exception {
		return clientEngine(protocol, KEY);
	}

	static SSLEngine clientEngine(String protocol, KeyMaterial server) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", server.leaf());
		TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
		tmf.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, tmf.getTrustManagers(), null);
		SSLEngine client = context.createSSLEngine("localhost", 443);
		client.setUseClientMode(true);
		javax.net.ssl.SSLParameters parameters = client.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("device.tlsaccept.test")));
		client.setSSLParameters(parameters);
		client.beginHandshake();
		return client;
	}

	/** Both sides until both are finished and every buffer is drained. */
	static AcceptResult drive(TlsAcceptor acceptor, BioPair pair, SSLEngine client) throws Exception {
		ByteBuffer toServer = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
		ByteBuffer fromServer = ByteBuffer.allocate(64 * 1024);
		ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
		AcceptResult result = acceptor.accept();
		for (int turn = 0; turn < 100; turn++) {
			HandshakeStatus status = client.getHandshakeStatus();
			if (status == HandshakeStatus.NEED_TASK) {
				Runnable task;
				while ((task = client.getDelegatedTask()) != null) {
					task.run();
				}
				continue;
			}
			if (status == HandshakeStatus.NEED_WRAP) {
				client.wrap(ByteBuffer.allocate(0), toServer);
			}
			toServer.flip();
			pair.writeFromNetwork(toServer);
			toServer.compact();
			result = acceptor.accept();
			pair.readToNetwork(fromServer);
			fromServer.flip();
			while (fromServer.hasRemaining()) {
				SSLEngineResult unwrapped = client.unwrap(fromServer, app);
				if (unwrapped.getStatus() != SSLEngineResult.Status.OK || unwrapped.bytesConsumed() == 0) {
					break;
				}
				if (client.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
					Runnable task;
					while ((task = client.getDelegatedTask()) != null) {
						task.run();
					}
				}
			}
			fromServer.compact();
			if (result.isFinished() && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
					&& toServer.position() == 0 && pair.pendingToNetwork() == 0 && fromServer.position() == 0) {
				return result;
			}
		}
		throw new AssertionError("handshake did not finish: " + result);
	}

}
