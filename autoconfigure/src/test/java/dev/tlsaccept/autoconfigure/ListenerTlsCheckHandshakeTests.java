package dev.tlsaccept.autoconfigure;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioPair;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAcceptor;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ListenerTlsCheck}'s rules agree with real handshakes: for each engine, protocol,
 * key type and suite, a JDK client (offering the protocol and its default suites)
 * completes an in-memory handshake exactly when the check says the suite serves the
 * protocol with the key. What this measured: {@code openssl} given only TLS 1.3 suites
 * negotiates TLS 1.2 with BoringSSL's default suites (the check knows);
 * {@code bouncy-castle} with no usable suite throws {@code IllegalStateException} ("No
 * usable cipher suites enabled") from {@code accept()} rather than returning a result,
 * which the startup check now keeps from ever running.
 */
class ListenerTlsCheckHandshakeTests {

	private static final List<String> SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");

	private static KeyMaterial ec;

	private static KeyMaterial rsa;

	@BeforeAll
	static void keys() throws Exception {
		ec = SelfSignedCertificate.generate();
		rsa = TestTls.rsaKeyMaterial(Instant.now().minusSeconds(60), Duration.ofDays(30));
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "bouncy-castle", "openssl" })
	void checkAgreesWithHandshakes(String engine) throws Exception {
		List<String> disagreements = new ArrayList<>();
		int compared = 0;
		for (KeyMaterial key : List.of(ec, rsa)) {
			String keyType = ListenerTlsCheck.keyType(key.leaf().getPublicKey());
			for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
				for (String suite : SUITES) {
					TlsServerContext context;
					try {
						context = TlsServerContext.create(TlsConfig.builder(key)
							.engine(engine)
							.protocols(List.of(protocol))
							.cipherSuites(List.of(suite))
							.build());
					}
					catch (IllegalArgumentException ex) {
						continue; // a suite this engine does not have
					}
					try {
						// openssl: TLS 1.2 without a TLS 1.2 suite gets BoringSSL's
						// defaults
						boolean engineDefaults = "openssl".equals(engine) && "TLSv1.2".equals(protocol)
								&& !suite.contains("_WITH_");
						boolean predicted = engineDefaults || ListenerTlsCheck.usable(suite, protocol, keyType);
						boolean handshake = handshake(context, protocol);
						compared++;
						if (predicted != handshake) {
							disagreements.add(engine + " " + protocol + " " + keyType + " " + suite + ": check says "
									+ predicted + ", handshake " + handshake);
						}
					}
					finally {
						context.close();
					}
				}
			}
		}
		assertThat(compared).as("combinations compared").isGreaterThan(20);
		assertThat(disagreements).isEmpty();
	}

	/**
	 * Whether a JDK client offering this protocol completes a handshake with the context,
	 * in memory.
	 */
	private static boolean handshake(TlsServerContext context, String protocol) throws Exception {
		SSLContext sslContext = SSLContext.getInstance("TLS");
		sslContext.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		SSLEngine client = sslContext.createSSLEngine("localhost", 443);
		client.setUseClientMode(true);
		SSLParameters parameters = client.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		client.setSSLParameters(parameters);
		client.beginHandshake();
		BioPair pair = BioPair.create();
		ByteBuffer application = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
		try (TlsAcceptor acceptor = context.newPairAcceptor(pair, null)) {
			for (int turn = 0; turn < 20; turn++) {
				AcceptResult result;
				try {
					result = acceptor.accept();
				}
				catch (IllegalStateException ex) {
					// bouncy-castle: beginHandshake throws "No usable cipher suites
					// enabled" (reported)
					return false;
				}
				ByteBuffer fromServer = pair.drainToNetwork();
				try {
					while (fromServer.hasRemaining()) {
						runTasks(client);
						if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
							break;
						}
						SSLEngineResult unwrapped = client.unwrap(fromServer, application);
						if (unwrapped.bytesConsumed() == 0) {
							break;
						}
					}
					runTasks(client);
					ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
					while (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
						client.wrap(ByteBuffer.allocate(0), toServer);
						runTasks(client);
					}
					while (fromServer.hasRemaining()) {
						client.unwrap(fromServer, application);
						runTasks(client);
					}
					toServer.flip();
					pair.writeFromNetwork(toServer);
				}
				catch (SSLException ex) {
					return false;
				}
				if (result.isFinished()) {
					return result.isSuccess() && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
				}
				if (result.error() != SslError.WANT_READ && result.error() != SslError.WANT_WRITE) {
					return false;
				}
			}
		}
		throw new AssertionError("handshake neither finished nor failed in 20 turns");
	}

	private static void runTasks(SSLEngine engine) {
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

}
