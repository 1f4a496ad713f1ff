package dev.tlsaccept.engine;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.tlsaccept.engine.SavedSessionClients.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Resumption across servers from shared session-ticket keys, and the {@code resumed} flag
 * of every result, with a real {@code openssl s_client} that saves its session
 * ({@code -sess_out}) from one server and offers it ({@code -sess_in}) to another.
 */
class SessionTicketResumptionTests {

	private static final Duration WAIT = SavedSessionClients.WAIT;

	private static final SecureRandom RANDOM = new SecureRandom();

	@TempDir
	static Path directory;

	static SavedSessionClients sessions;

	private final List<ContractServer> servers = new ArrayList<>();

	@BeforeAll
	static void createPki() {
		sessions = new SavedSessionClients(TestPki.create(directory.resolve("pki")));
	}

	@AfterEach
	void stopServers() throws Exception {
		for (ContractServer server : this.servers) {
			server.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void sessionFromOneServerResumesOnAnotherWithTheSameKeys(String protocol) throws Exception {
		SessionTicketKey key = newKey();
		ContractServer a = start("openssl", key);
		ContractServer b = start("openssl", key);
		Path session = directory.resolve("a-" + protocol + ".pem");
		assertThat(full(a, protocol, session)).isFalse();
		OpenSslResult client = sessions.client(b, protocol).args("-sess_in", session.toString()).run();
		AcceptResult resumed = b.next(WAIT).result();
		assertThat(resumed.isSuccess()).as("%s", resumed).isTrue();
		assertThat(resumed.resumed()).as("%s / %s", resumed, client.describe()).isTrue();
		assertThat(resumed.protocol()).isEqualTo(protocol);
		assertThat(client.stdout()).contains("Reused, " + protocol);
	}

	@Test
	void ticketOfARotatedOutKeyResumesUntilTheKeyIsRemoved() throws Exception {
		SessionTicketKey old = newKey();
		SessionTicketKey rotated = newKey();
		Path session = directory.resolve("old.pem");
		assertThat(full(start("openssl", old), "TLSv1.3", session)).isFalse();
		// new key first (encrypts), old key second (only decrypts)
		ContractServer rotating = start("openssl", rotated, old);
		sessions.client(rotating, "TLSv1.3").args("-sess_in", session.toString()).run();
		assertThat(rotating.next(WAIT).result().resumed()).isTrue();
		ContractServer rotatedOut = start("openssl", rotated);
		OpenSslResult client = sessions.client(rotatedOut, "TLSv1.3").args("-sess_in", session.toString()).run();
		AcceptResult full = rotatedOut.next(WAIT).result();
		assertThat(full.isSuccess()).as("%s", full).isTrue();
		assertThat(full.resumed()).isFalse();
		assertThat(client.stdout()).contains("New, TLSv1.3");
	}

	@Test
	void withoutSharedKeysAnotherServerRunsAFullHandshake() throws Exception {
		Path session = directory.resolve("own.pem");
		assertThat(full(start("openssl"), "TLSv1.3", session)).isFalse();
		ContractServer other = start("openssl");
		sessions.client(other, "TLSv1.3").args("-sess_in", session.toString()).run();
		assertThat(other.next(WAIT).result().resumed()).isFalse();
	}

	/**
	 * Every engine that resumes on its own server says so in its result; what each one
	 * resumes is in the README's "Engine differences" (BCJSSE 1.84's server issues no TLS
	 * 1.3 ticket: nothing to resume there).
	 */
	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.3", "jdk, TLSv1.2", "bouncy-castle, TLSv1.2", "openssl, TLSv1.3", "openssl, TLSv1.2" })
	void resumptionOnTheSameServerIsRecordedForEveryEngine(String engine, String protocol) throws Exception {
		ContractServer server = start(engine);
		Path session = directory.resolve(engine + "-" + protocol + ".pem");
		assertThat(full(server, protocol, session)).isFalse();
		OpenSslResult client = sessions.client(server, protocol).args("-sess_in", session.toString()).run();
		AcceptResult resumed = server.next(WAIT).result();
		assertThat(resumed.isSuccess()).as("%s", resumed).isTrue();
		assertThat(resumed.resumed()).as("%s / %s", resumed, client.describe()).isTrue();
		assertThat(client.stdout()).contains("Reused, " + protocol);
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "bouncy-castle" })
	void jsseEnginesRefuseSessionTicketKeys(String engine) {
		TlsConfig config = TlsConfig.builder(sessions.serverKey())
			.engine(engine)
			.sessionTicketKeys(List.of(newKey()))
			.build();
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(() -> TlsServerContext.create(config))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo(TlsConfigException.Setting.SESSION_TICKET_KEYS))
			.withMessageContaining("use engine 'openssl'");
	}

	@Test
	void opensslRefusesEightyByteKeys() {
		byte[] bytes = new byte[80];
		RANDOM.nextBytes(bytes);
		TlsConfig config = TlsConfig.builder(sessions.serverKey())
			.engine("openssl")
			.sessionTicketKeys(List.of(SessionTicketKey.of(bytes)))
			.build();
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(() -> TlsServerContext.create(config))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo(TlsConfigException.Setting.SESSION_TICKET_KEYS))
			.withMessageContaining("48-byte keys only");
	}

	@Test
	void keysOfAnotherLengthAreRefused() {
		assertThatExceptionOfType(TlsConfigException.class).isThrownBy(() -> SessionTicketKey.of(new byte[32]))
			.withMessageContaining("48 or 80 bytes, not 32");
		assertThat(newKey().toString()).doesNotContain("hmac").contains("48 bytes, name ");
	}

	/** A full handshake that saves the session; returns whether it was resumed. */
	private boolean full(ContractServer server, String protocol, Path session) throws Exception {
		return sessions.saveSession(server, protocol, session).result().resumed();
	}

	private ContractServer start(String engine, SessionTicketKey... keys) throws Exception {
		TlsConfig config = TlsConfig.builder(sessions.serverKey())
			.engine(engine)
			.sessionTicketKeys(List.of(keys))
			.build();
		ContractServer server = new ContractServer(TlsServerContext.create(config), BioMode.BLOCKING);
		this.servers.add(server);
		return server;
	}

}
