package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.autoconfigure.actuate.TlsAcceptEndpointAutoConfiguration;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint.HandshakeDescriptor;
import dev.tlsaccept.autoconfigure.actuate.TlsHandshakesEndpoint.HandshakesDescriptor;
import dev.tlsaccept.autoconfigure.actuate.TlsListenersEndpoint;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.BCSSLSocket;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code tlsaccept.listeners.*.groups} end to end: configured per listener, validated at
 * startup, and the group each handshake used recorded, against a Bouncy Castle client
 * that offers only the groups under test over a real socket.
 */
class TlsListenerKeyExchangeGroupsTests {

	@TempDir
	static Path directory;

	private static ApplicationContextRunner contextRunner;

	/**
	 * RSA, self-signed: an EC certificate would need its curve among the client's groups.
	 */
	@BeforeAll
	static void rsaListener() throws Exception {
		KeyMaterial rsa = TestTls.rsaKeyMaterial(Instant.now().minusSeconds(60), Duration.ofDays(30));
		Path certificate = TestTls.writeCertificatePem(rsa, directory.resolve("rsa.crt"));
		Path key = TestTls.writeKeyPem(rsa, directory.resolve("rsa.key"));
		contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s",
					"tlsaccept.listeners.edge.key-store.certificate=" + certificate,
					"tlsaccept.listeners.edge.key-store.private-key=" + key);
	}

	@ParameterizedTest
	@ValueSource(strings = { "bouncy-castle", "openssl" })
	void hybridPostQuantumHandshakeIsRecordedWithItsGroup(String engine) {
		contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=" + engine).run((context) -> {
			assertThat(context).hasNotFailed();
			try (SSLSocket socket = connect(context, "X25519MLKEM768")) {
				assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
			}
			AcceptResult result = lastResult(context);
			assertThat(result.isSuccess()).as("%s", result).isTrue();
			assertThat(result.group()).isEqualTo("X25519MLKEM768");
		});
	}

	@ParameterizedTest
	@CsvSource({ "jdk, blocking", "jdk, non-blocking", "jdk, pair", "bouncy-castle, blocking",
			"bouncy-castle, non-blocking", "bouncy-castle, pair", "openssl, blocking", "openssl, non-blocking",
			"openssl, pair" })
	void classicalHandshakeIsRecordedWithX25519OnEveryEngineAndBioMode(String engine, String bioMode) {
		contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.engine=" + engine,
					"tlsaccept.listeners.edge.bio-mode=" + bioMode)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (SSLSocket socket = connect(context, "x25519")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
				assertThat(lastResult(context).group()).isEqualTo("x25519");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "bouncy-castle", "openssl" })
	void hybridOnlyListenerRefusesAClassicalClientWithARecordedReason(String engine) {
		contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.engine=" + engine,
					"tlsaccept.listeners.edge.groups=X25519MLKEM768")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TlsListener.class).getContext().enabledGroups())
					.containsExactly("X25519MLKEM768");
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> connect(context, "x25519", "secp256r1"));
				AcceptResult result = lastResult(context);
				assertThat(result.code()).isEqualTo(-1);
				assertThat(result.error()).isEqualTo(SslError.SSL);
				assertThat(result.reason()).isEqualTo("no suitable key share");
				assertThat(result.alert()).isNotNull();
				assertThat(result.alert().name()).isEqualTo("handshake_failure");
				assertThat(result.group()).isNull();
				try (SSLSocket socket = connect(context, "X25519MLKEM768")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
			});
	}

	@Test
	void endpointsShowTheConfiguredGroupsAndTheGroupOfEachHandshake() {
		contextRunner.withConfiguration(AutoConfigurations.of(TlsAcceptEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=tlshandshakes,tlslisteners",
					"tlsaccept.listeners.edge.engine=openssl", "tlsaccept.listeners.edge.groups=X25519MLKEM768,x25519")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				connect(context, "X25519MLKEM768").close();
				connect(context, "x25519").close();
				TlsHandshakesEndpoint handshakes = context.getBean(TlsHandshakesEndpoint.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> handshakes.handshakes(SecurityContext.NONE, null, null, null, null)
						.summary()
						.total() == 2);
				HandshakesDescriptor described = handshakes.handshakes(SecurityContext.NONE, null, null, null, null);
				assertThat(described.handshakes()).extracting(HandshakeDescriptor::group)
					.containsExactlyInAnyOrder("x25519", "X25519MLKEM768");
				assertThat(described.summary().byGroup())
					.containsExactlyInAnyOrderEntriesOf(Map.of("X25519MLKEM768", 1L, "x25519", 1L));
				assertThat(context.getBean(TlsListenersEndpoint.class)
					.listeners(SecurityContext.NONE)
					.listeners()
					.get("edge")
					.groups()).containsExactly("X25519MLKEM768", "x25519");
			});
	}

	@Test
	void groupTheEngineDoesNotSupportFailsStartupNamingThePropertyAndTheSupportedGroups() {
		contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.engine=openssl",
					"tlsaccept.listeners.edge.groups=x25519,x448")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.edge.groups")
					.contains("Key-exchange group 'x448' is not supported by BoringSSL")
					.contains("use one of X25519MLKEM768, x25519, secp256r1");
				assertThat(analysis.getAction()).contains("tlsaccept.listeners.edge.groups");
			});
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_19)
	void groupsOnTheJdkEngineBeforeJdk20FailStartupSayingWhatToDoInstead() {
		contextRunner.withPropertyValues("tlsaccept.listeners.edge.groups=x25519").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.edge.groups")
				.contains("need JDK 20 or later on engine 'jdk'")
				.contains("jdk.tls.namedGroups");
		});
	}

	/** A TLS 1.3 BCJSSE client offering only these groups, handshake done. */
	private static SSLSocket connect(AssertableApplicationContext context, String... groups) throws Exception {
		BouncyCastleJsseProvider jsse = new BouncyCastleJsseProvider(false, new BouncyCastleProvider());
		SSLContext sslContext = SSLContext.getInstance("TLS", jsse);
		sslContext.init(null, new TrustManager[] { new TestTls.TrustAll() }, null);
		SSLSocket socket = (SSLSocket) sslContext.getSocketFactory()
			.createSocket("127.0.0.1", context.getBean(TlsListener.class).getPort());
		try {
			socket.setSoTimeout(10_000);
			BCSSLSocket bc = (BCSSLSocket) socket;
			BCSSLParameters parameters = bc.getParameters();
			parameters.setProtocols(new String[] { "TLSv1.3" });
			parameters.setNamedGroups(groups);
			bc.setParameters(parameters);
			socket.startHandshake();
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/** The newest record, once there is one. */
	private static AcceptResult lastResult(AssertableApplicationContext context) {
		HandshakeRepository repository = context.getBean(HandshakeRepository.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> !repository.findAll().isEmpty());
		List<HandshakeRecord> records = repository.findAll();
		return records.get(0).result();
	}

}
