package dev.tlsaccept.engine;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import dev.tlsaccept.keys.KeyMaterial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The key-exchange group the server chose, recorded from the server's plaintext hello for
 * every engine, against a Bouncy Castle client that offers only the groups under test.
 */
class KeyExchangeGroupTests {

	/**
	 * A self-signed RSA certificate: with an ECDSA one (or an RSA one signed by an ECDSA
	 * CA), BCJSSE needs the key's curve among the client's groups, which would add
	 * secp256r1 to every offer.
	 */
	static KeyMaterial rsa;

	@BeforeAll
	static void selfSignedRsa() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keys = generator.generateKeyPair();
		X500Principal subject = new X500Principal("CN=groups.tlsaccept.test");
		Instant now = Instant.now();
		X509CertificateHolder holder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
				Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
				keys.getPublic())
			.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
		X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
		rsa = KeyMaterial.of(keys.getPrivate(), List.of(certificate), "self-signed RSA (test)");
	}

	@ParameterizedTest
	@CsvSource({ "bouncy-castle", "openssl" })
	void hybridPostQuantumGroupIsRecordedWhenTheClientOffersOnlyX25519MLKEM768(String engine) throws Exception {
		AcceptResult result = handshake(TlsConfig.builder(rsa).engine(engine).build(), "TLSv1.3", "X25519MLKEM768");
		assertThat(result.code()).as("%s", result).isEqualTo(1);
		assertThat(result.group()).isEqualTo("X25519MLKEM768");
		assertThat(result.clientHello().supportedGroups()).containsExactly("X25519MLKEM768");
	}

	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.3", "jdk, TLSv1.2", "bouncy-castle, TLSv1.3", "bouncy-castle, TLSv1.2", "openssl, TLSv1.3",
			"openssl, TLSv1.2" })
	void classicalGroupIsRecordedOnEveryEngineAndProtocol(String engine, String protocol) throws Exception {
		AcceptResult result = handshake(TlsConfig.builder(rsa).engine(engine).build(), protocol, "x25519");
		assertThat(result.code()).as("%s", result).isEqualTo(1);
		assertThat(result.protocol()).isEqualTo(protocol);
		assertThat(result.group()).isEqualTo("x25519");
	}

	@ParameterizedTest
	@CsvSource({ "bouncy-castle", "openssl" })
	void helloRetryRequestIsRecordedWithTheGroupOfTheFinalServerHello(String engine) throws Exception {
		// the client sends a key share for its first group only: a server that takes only
		// the second
		// asks again (HelloRetryRequest), and the group is the one of the ServerHello
		// after it
		AcceptResult result = handshake(TlsConfig.builder(rsa).engine(engine).groups(List.of("secp384r1")).build(),
				"TLSv1.3", "secp256r1", "secp384r1");
		assertThat(result.code()).as("%s", result).isEqualTo(1);
		assertThat(result.group()).isEqualTo("secp384r1");
	}

	@ParameterizedTest
	@CsvSource({ "bouncy-castle", "openssl" })
	void configuredGroupsAreMatchedWithoutRegardToCaseAndReportedInIanaSpelling(String engine) throws Exception {
		TlsConfig config = TlsConfig.builder(rsa).engine(engine).groups(List.of("x25519mlkem768", "X25519")).build();
		try (TlsServerContext context = TlsServerContext.create(config)) {
			assertThat(context.enabledGroups()).containsExactly("X25519MLKEM768", "x25519");
		}
		assertThat(handshake(config, "TLSv1.3", "x25519", "X25519MLKEM768").group()).isEqualTo("X25519MLKEM768");
		assertThat(handshake(config, "TLSv1.3", "x25519").group()).isEqualTo("x25519");
	}

	@ParameterizedTest
	@CsvSource({ "bouncy-castle, handshake_failure", "openssl, handshake_failure" })
	void hybridOnlyListenerRefusesAClassicalClientWithARecordedReason(String engine, String alert) throws Exception {
		TlsConfig config = TlsConfig.builder(rsa).engine(engine).groups(List.of("X25519MLKEM768")).build();
		try (TlsServerContext context = TlsServerContext.create(config)) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			AcceptResult result = driveToFailure(acceptor, pair, bouncyCastleClient("TLSv1.3", "x25519", "secp256r1"));
			acceptor.close();
			assertThat(result.code()).as("%s", result).isEqualTo(-1);
			assertThat(result.error()).isEqualTo(SslError.SSL);
			assertThat(result.alert()).isNotNull();
			assertThat(result.alert().name()).isEqualTo(alert);
			assertThat(result.alert().direction()).isEqualTo(TlsAlert.Direction.SENT);
			assertThat(result.reason()).isEqualTo("no suitable key share");
			assertThat(result.group()).isNull();
			assertThat(result.clientHello().supportedGroups()).containsExactly("x25519", "secp256r1");
		}
	}

	@ParameterizedTest
	@CsvSource({ "bouncy-castle, BCJSSE", "openssl, BoringSSL" })
	void unsupportedGroupIsRefusedNamingTheGroupAndTheSupportedOnes(String engine, String implementation) {
		TlsConfig config = TlsConfig.builder(rsa).engine(engine).groups(List.of("x25519", "ffdhe1024")).build();
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(() -> TlsServerContext.create(config))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo(TlsConfigException.Setting.GROUPS))
			.withMessageContaining("'ffdhe1024' is not supported by " + implementation)
			.withMessageContaining("use one of X25519MLKEM768, ")
			.withMessageContaining(", x25519, secp256r1, secp384r1");
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_19)
	void jdkEngineBeforeJdk20RefusesGroupsAndSaysWhatToDoInstead() {
		TlsConfig config = TlsConfig.builder(rsa).groups(List.of("x25519")).build();
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(() -> TlsServerContext.create(config))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo(TlsConfigException.Setting.GROUPS))
			.withMessageContaining("need JDK 20 or later on engine 'jdk'")
			.withMessageContaining("jdk.tls.namedGroups");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_20)
	void jdkEngineFromJdk20TakesGroupsPerListener() throws Exception {
		TlsConfig config = TlsConfig.builder(rsa).groups(List.of("secp384r1")).build();
		AcceptResult result = handshake(config, "TLSv1.3", "secp256r1", "secp384r1");
		assertThat(result.code()).as("%s", result).isEqualTo(1);
		assertThat(result.group()).isEqualTo("secp384r1");
	}

	/**
	 * Drive both sides until the server's handshake has failed, ignoring the client's own
	 * failure.
	 */
	static AcceptResult driveToFailure(TlsAcceptor acceptor, BioPair pair, SSLEngine client) throws Exception {
		ByteBuffer toServer = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
		AcceptResult result = acceptor.accept();
		for (int turn = 0; turn < 20 && !result.isFinished(); turn++) {
			Runnable task;
			while ((task = client.getDelegatedTask()) != null) {
				task.run();
			}
			if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
				client.wrap(ByteBuffer.allocate(0), toServer);
			}
			toServer.flip();
			pair.writeFromNetwork(toServer);
			toServer.compact();
			result = acceptor.accept();
		}
		assertThat(result.isFinished()).as("%s", result).isTrue();
		return result;
	}

	static AcceptResult handshake(TlsConfig config, String protocol, String... groups) throws Exception {
		try (TlsServerContext context = TlsServerContext.create(config)) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			AcceptResult result = PairHandshakeTests.drive(acceptor, pair, bouncyCastleClient(protocol, groups));
			acceptor.close();
			return result;
		}
	}

	/**
	 * A BCJSSE client offering only the given groups (IANA names, as BCJSSE spells them).
	 */
	static SSLEngine bouncyCastleClient(String protocol, String... groups) throws Exception {
		BouncyCastleProvider crypto = new BouncyCastleProvider();
		BouncyCastleJsseProvider jsse = new BouncyCastleJsseProvider(false, crypto);
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("server", rsa.leaf());
		TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", jsse);
		tmf.init(trust);
		SSLContext sslContext = SSLContext.getInstance("TLS", jsse);
		sslContext.init(null, tmf.getTrustManagers(), null);
		SSLEngine client = sslContext.createSSLEngine("localhost", 443);
		client.setUseClientMode(true);
		BCSSLEngine bc = (BCSSLEngine) client;
		BCSSLParameters parameters = bc.getParameters();
		parameters.setProtocols(new String[] { protocol });
		parameters.setNamedGroups(groups);
		bc.setParameters(parameters);
		client.beginHandshake();
		return client;
	}

}
