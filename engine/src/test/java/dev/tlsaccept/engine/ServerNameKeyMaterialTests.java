package dev.tlsaccept.engine;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import dev.tlsaccept.engine.ContractServer.Outcome;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.TestPki;
import dev.tlsaccept.peers.TrustAllClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Several certificates on one listener, chosen by the server name the client asks for
 * (SNI), with a default for no or unknown names, and an option to refuse unknown names.
 */
class ServerNameKeyMaterialTests {

	private static final KeyMaterial DEFAULT = SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ofDays(30));

	private static final KeyMaterial API = SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ofDays(30));

	private static final KeyMaterial DEVICES = SelfSignedCertificate.generate(Clock.systemUTC(), Duration.ofDays(30));

	private static TlsConfig.Builder config() {
		return TlsConfig.builder(DEFAULT)
			.serverNameKeyMaterial("api.example.com", API)
			.serverNameKeyMaterial("*.devices.example.com", DEVICES);
	}

	@ParameterizedTest
	@CsvSource({ "api.example.com, API", "API.Example.COM, API", "gw-7.devices.example.com, DEVICES",
			"a.b.devices.example.com, DEFAULT", "devices.example.com, DEFAULT", "other.example.org, DEFAULT",
			"'', DEFAULT" })
	void certificateIsChosenByServerName(String serverName, String expected) throws Exception {
		KeyMaterial served = handshake(TlsServerContext.create(config().build()), serverName, "TLSv1.3");
		KeyMaterial wanted = switch (expected) {
			case "API" -> API;
			case "DEVICES" -> DEVICES;
			default -> DEFAULT;
		};
		assertThat(served.leaf()).isEqualTo(wanted.leaf());
	}

	@Test
	void certificateIsChosenByServerNameOnTls12Too() throws Exception {
		assertThat(handshake(TlsServerContext.create(config().build()), "api.example.com", "TLSv1.2").leaf())
			.isEqualTo(API.leaf());
	}

	@ParameterizedTest
	@EnumSource(BioMode.class)
	void unknownServerNameIsRefusedWithUnrecognizedNameWhenConfigured(BioMode mode, @TempDir Path dir)
			throws Exception {
		TestPki pki = TestPki.create(dir);
		KeyMaterial key = KeyMaterials.fromPem(pki.serverCert(), pki.serverKey(), null);
		TlsConfig tls = TlsConfig.builder(key)
			.serverNameKeyMaterial("localhost", key)
			.rejectUnknownServerNames(true)
			.build();
		try (ContractServer server = new ContractServer(TlsServerContext.create(tls), mode)) {
			OpenSslResult refused = new OpenSslClient().connect("127.0.0.1", server.port())
				.tls13()
				.servername("unknown.example.com")
				.run();
			Outcome outcome = server.next(Duration.ofSeconds(20));
			AcceptResult result = outcome.result();
			assertThat(result.code()).isEqualTo(-1);
			assertThat(result.error()).isEqualTo(SslError.SSL);
			assertThat(result.alert()).isEqualTo(TlsAlert.of(112, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
			assertThat(result.serverName()).isEqualTo("unknown.example.com");
			assertThat(refused.receivedAlert())
				.hasValueSatisfying((alert) -> assertThat(alert.description()).isEqualTo(112));
			OpenSslResult known = new OpenSslClient().connect("127.0.0.1", server.port())
				.tls13()
				.caFile(pki.caCert())
				.servername("localhost")
				.run();
			assertThat(server.next(Duration.ofSeconds(20)).result().isSuccess()).isTrue();
			assertThat(known.protocol()).hasValue("TLSv1.3");
		}
	}

	@Test
	void clientWithoutServerNameGetsTheDefaultEvenWhenUnknownNamesAreRefused() throws Exception {
		TlsServerContext context = TlsServerContext.create(config().rejectUnknownServerNames(true).build());
		assertThat(handshake(context, "", "TLSv1.3").leaf()).isEqualTo(DEFAULT.leaf());
	}

	@ParameterizedTest
	@ValueSource(strings = { "bouncy-castle", "openssl" })
	void otherEnginesRefuseKeyMaterialPerServerNameClearly(String engine) {
		TlsConfig tls = config().engine(engine).build();
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerContext.create(tls))
			.withMessageContaining("SNI")
			.withMessageContaining("use engine 'jdk'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "*", "*.*.example.com", "a.*.com", "", "..example.com" })
	void malformedServerNamePatternIsRefused(String pattern) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsConfig.builder(DEFAULT).serverNameKeyMaterial(pattern, API))
			.withMessageContaining("*.example.com");
	}

	/**
	 * A JDK client asking for {@code serverName} (none when empty); returns the key
	 * material served.
	 */
	private static KeyMaterial handshake(TlsServerContext context, String serverName, String protocol)
			throws Exception {
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		SSLEngine client = TrustAllClient.sslContext().createSSLEngine();
		client.setUseClientMode(true);
		SSLParameters parameters = client.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		parameters.setServerNames(serverName.isEmpty() ? List.of() : List.of(new SNIHostName(serverName)));
		client.setSSLParameters(parameters);
		client.beginHandshake();
		AcceptResult result = PairHandshakeTests.drive(acceptor, pair, client);
		assertThat(result.isSuccess()).as("%s", result).isTrue();
		assertThat(result.serverName()).isEqualTo(serverName.isEmpty() ? null : serverName);
		X509Certificate served = (X509Certificate) client.getSession().getPeerCertificates()[0];
		for (KeyMaterial candidate : List.of(API, DEVICES, DEFAULT)) {
			if (candidate.leaf().equals(served)) {
				return candidate;
			}
		}
		throw new AssertionError("unknown certificate served: " + served.getSubjectX500Principal());
	}

}
