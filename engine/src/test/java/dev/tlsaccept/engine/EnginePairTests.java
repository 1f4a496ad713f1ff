package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every engine through the pair BIO against a JDK client in memory: same results, same
 * facts.
 */
class EnginePairTests {

	static final KeyMaterial KEY = SelfSignedCertificate.generate();

	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.3", "jdk, TLSv1.2", "bouncy-castle, TLSv1.3", "bouncy-castle, TLSv1.2", "openssl, TLSv1.3",
			"openssl, TLSv1.2" })
	void acceptReturnsOneWithServerNameAndAlpnOnEveryEngine(String engine, String protocol) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(KEY).engine(engine).applicationProtocols(List.of("h2", "x-tlsaccept")).build())) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			SSLEngine client = client(protocol, "x-tlsaccept");
			AcceptResult result = PairHandshakeTests.drive(acceptor, pair, client);
			assertThat(result.code()).as("%s", result).isEqualTo(1);
			assertThat(result.protocol()).isEqualTo(protocol);
			assertThat(result.cipherSuite()).startsWith("TLS_");
			assertThat(result.serverName()).isEqualTo("device.tlsaccept.test");
			assertThat(result.applicationProtocol()).isEqualTo("x-tlsaccept");
			ByteBuffer clientNet = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
			client.wrap(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), clientNet);
			clientNet.flip();
			pair.writeFromNetwork(clientNet);
			ByteBuffer received = ByteBuffer.allocate(100);
			assertThat(acceptor.read(received).code()).isEqualTo(5);
			assertThat(new String(received.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
			assertThat(acceptor.shutdown().code()).isEqualTo(0);
			acceptor.close();
		}
	}

	@ParameterizedTest
	@CsvSource({ "jdk, SunJSSE ", "bouncy-castle, BCJSSE 1.84", "openssl, BoringSSL" })
	void providerNamesTheTlsImplementation(String engine, String provider) {
		try (TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).engine(engine).build())) {
			assertThat(context.provider()).startsWith(provider.strip());
			assertThat(context.enabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
			assertThat(context.enabledCipherSuites()).contains("TLS_AES_128_GCM_SHA256",
					"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "bouncy-castle", "openssl" })
	void unknownCipherSuiteIsRefusedWithIanaHint(String engine) {
		TlsConfig config = TlsConfig.builder(KEY).engine(engine).cipherSuites(List.of("TLS_NOT_A_SUITE")).build();
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsServerContext.create(config))
			.withMessageContaining("TLS_NOT_A_SUITE")
			.withMessageContaining("IANA");
	}

	@ParameterizedTest
	@ValueSource(strings = { "bouncy-castle", "openssl" })
	void enginesAreFoundByName(String engine) {
		assertThat(TlsEngines.names()).contains(engine);
		assertThat(TlsEngines.get(engine).unavailabilityReason()).isNull();
	}

	/**
	 * A TLS 1.2 ClientHello on an established connection, followed by application data,
	 * as tlsfuzzer's {@code test-renegotiation-disabled.py} sends them. The JDK client
	 * decrypts what the server answered and names the alert: "received handshake warning"
	 * is a level-1 alert. The jdk engine answers nothing: SunJSSE cannot send an alert of
	 * our choice.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "jdk | | false", "bouncy-castle | received handshake warning: no_renegotiation | true",
					"openssl | Received fatal alert: no_renegotiation | false" })
	void clientInitiatedRenegotiationOnTls12IsRefusedAsTheEngineCan(String engine, @Nullable String clientSees,
			boolean connectionKept) throws Exception {
		try (TlsServerContext context = TlsServerContext.create(TlsConfig.builder(KEY).engine(engine).build())) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			SSLEngine client = client("TLSv1.2");
			assertThat(PairHandshakeTests.drive(acceptor, pair, client).isSuccess()).isTrue();
			client.beginHandshake();
			ByteBuffer toServer = ByteBuffer.allocate(2 * client.getSession().getPacketBufferSize());
			client.wrap(ByteBuffer.allocate(0), toServer);
			client.wrap(ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII)), toServer);
			toServer.flip();
			pair.writeFromNetwork(toServer);
			ByteBuffer received = ByteBuffer.allocate(1024);
			IoResult read = acceptor.read(received);
			if (connectionKept) {
				assertThat(read.code()).as("%s", read).isEqualTo(5);
				assertThat(new String(received.array(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("after");
				assertThat(acceptor.write(ByteBuffer.wrap(new byte[] { 1 })).code()).isEqualTo(1);
			}
			else {
				assertThat(read.code()).isEqualTo(-1);
				assertThat(read.error()).isEqualTo(SslError.SSL);
				assertThat(read.reason()).isEqualTo("no renegotiation");
				assertThat(acceptor.write(ByteBuffer.wrap(new byte[] { 1 })).error()).isEqualTo(SslError.SSL);
			}
			ByteBuffer fromServer = ByteBuffer.allocate(64 * 1024);
			pair.readToNetwork(fromServer);
			fromServer.flip();
			if (clientSees == null) {
				assertThat(fromServer.hasRemaining()).as("no alert, no renegotiation flight").isFalse();
			}
			else {
				assertThat(fromServer.get(0)).as("an alert record, no renegotiation flight").isEqualTo((byte) 21);
				assertThatExceptionOfType(SSLException.class)
					.isThrownBy(() -> client.unwrap(fromServer, ByteBuffer.allocate(64 * 1024)))
					.withMessageContaining(clientSees);
			}
			assertThat(context.renegotiationsRefused()).isOne();
			acceptor.close();
		}
	}

	static SSLEngine client(String protocol, String... alpn) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", KEY.leaf());
		TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
		tmf.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, tmf.getTrustManagers(), null);
		return client(context, protocol, alpn);
	}

	static SSLEngine client(SSLContext context, String protocol, String... alpn) throws Exception {
		SSLEngine client = context.createSSLEngine("localhost", 443);
		client.setUseClientMode(true);
		SSLParameters parameters = client.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		parameters.setServerNames(List.of(new SNIHostName("device.tlsaccept.test")));
		if (alpn.length > 0) {
			parameters.setApplicationProtocols(alpn);
		}
		client.setSSLParameters(parameters);
		client.beginHandshake();
		return client;
	}

}
