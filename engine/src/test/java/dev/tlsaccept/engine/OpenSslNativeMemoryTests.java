package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.util.Arrays;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of {@code openssl} handshakes through the pair BIO — successful, garbage,
 * abandoned — must not leak native engines or direct memory: every path releases its
 * engine.
 */
class OpenSslNativeMemoryTests {

	private static final int HANDSHAKES = Integer.getInteger("tlsaccept.test.native-handshakes", 5_000);

	private static final int WARM_UP = HANDSHAKES / 5;

	private static final long DIRECT_MEMORY_SLACK = 8L * 1024 * 1024;

	@Test
	void failedAndSuccessfulHandshakesDoNotGrowNativeOrDirectMemory() throws Exception {
		TlsConfig config = TlsConfig.builder(EnginePairTests.KEY).engine(OpenSslTlsEngine.NAME).build();
		SSLContext clients = clientContext();
		try (OpenSslEngineContext context = (OpenSslEngineContext) new OpenSslTlsEngine().createContext(config)) {
			Snapshot warm = null;
			int[] outcomes = new int[3];
			long started = System.nanoTime();
			for (int i = 0; i < HANDSHAKES; i++) {
				if (i == WARM_UP) {
					warm = Snapshot.take(context);
				}
				outcomes[handshake(context, config, clients, i % 3)]++;
			}
			Snapshot end = Snapshot.take(context);
			long millis = (System.nanoTime() - started) / 1_000_000;
			System.out.printf(
					"openssl native memory: %d handshakes in %d ms (ok=%d, failed=%d, abandoned=%d);"
							+ " warm %s, end %s%n",
					HANDSHAKES, millis, outcomes[0], outcomes[1], outcomes[2], warm, end);
			assertThat(outcomes[0]).isEqualTo((HANDSHAKES + 2) / 3);
			assertThat(outcomes[1]).isEqualTo((HANDSHAKES + 1) / 3);
			assertThat(end.liveEngines()).isZero();
			assertThat(end.pooledDirect()).isLessThanOrEqualTo(warm.pooledDirect() + DIRECT_MEMORY_SLACK);
			if (warm.usedDirect() >= 0) {
				assertThat(end.usedDirect()).isLessThanOrEqualTo(warm.usedDirect() + DIRECT_MEMORY_SLACK);
			}
		}
	}

	/** 0: success, 1: engine failure on garbage, 2: abandoned half way and closed. */
	private static int handshake(OpenSslEngineContext context, TlsConfig config, SSLContext clients, int kind)
			throws Exception {
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = new TlsAcceptor(context, config, pair.engineSide(null));
		try {
			if (kind == 0) {
				AcceptResult result = PairHandshakeTests.drive(acceptor, pair,
						EnginePairTests.client(clients, "TLSv1.3"));
				assertThat(result.code()).isEqualTo(1);
				return 0;
			}
			SSLEngine client = EnginePairTests.client(clients, "TLSv1.3");
			ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
			client.wrap(ByteBuffer.allocate(0), hello);
			hello.flip();
			if (kind == 1) {
				// a well-framed record whose ClientHello body is garbage: BoringSSL fails
				// and queues an alert
				byte[] bytes = Arrays.copyOf(hello.array(), hello.limit());
				Arrays.fill(bytes, 9, bytes.length, (byte) 0x5a);
				pair.writeFromNetwork(ByteBuffer.wrap(bytes));
				AcceptResult result = acceptor.accept();
				assertThat(result.code()).as("%s", result).isEqualTo(-1);
				assertThat(result.error()).as("%s", result).isEqualTo(SslError.SSL);
				return 1;
			}
			hello.limit(hello.limit() / 2);
			pair.writeFromNetwork(hello);
			assertThat(acceptor.accept().error()).isEqualTo(SslError.WANT_READ);
			return 2;
		}
		finally {
			acceptor.close();
		}
	}

	private static SSLContext clientContext() throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", EnginePairTests.KEY.leaf());
		TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
		tmf.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, tmf.getTrustManagers(), null);
		return context;
	}

	private record Snapshot(long liveEngines, long pooledDirect, long usedDirect) {

		static Snapshot take(OpenSslEngineContext context) {
			long pooled = (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider)
					? provider.metric().usedDirectMemory() : 0;
			return new Snapshot(context.liveEngines(), pooled, PlatformDependent.usedDirectMemory());
		}

	}

}
