package dev.tlsaccept.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.clienthello.ResumptionOffer;
import dev.tlsaccept.peers.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.tlsaccept.engine.SavedSessionClients.newKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the {@code openssl} engine a handshake that resumes runs its delegated task on the
 * thread that drives it, even when tasks are lent to an executor (no {@code WANT_ASYNC}
 * turn), and a full handshake still goes to the executor; a wrong guess (a ticket the
 * server cannot use) is a full handshake like any other, and after
 * {@link InlineResumptions#BURST} wrong guesses the tasks go to the executor again. Real
 * {@code openssl s_client}s that save their session ({@code -sess_out}) and offer it
 * ({@code -sess_in}).
 */
class InlineResumptionTests {

	/** Tokens never refill: how many wrong guesses ran inline is exact. */
	private static final Clock FIXED = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);

	@TempDir
	static Path directory;

	static SavedSessionClients sessions;

	private final List<ContractServer> servers = new ArrayList<>();

	private final ExecutorService tasks = Executors.newFixedThreadPool(2);

	@BeforeAll
	static void createPki() {
		sessions = new SavedSessionClients(TestPki.create(directory.resolve("pki")));
	}

	@AfterEach
	void stop() throws Exception {
		for (ContractServer server : this.servers) {
			server.close();
		}
		this.tasks.shutdownNow();
		assertThat(this.tasks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "TLSv1.3, PRE_SHARED_KEY", "TLSv1.2, SESSION_TICKET" })
	void resumptionRunsItsTaskInlineAndAFullHandshakeOnTheExecutor(String protocol, ResumptionOffer offer)
			throws Exception {
		ContractServer server = start(Clock.systemUTC(), newKey());
		Path session = directory.resolve("inline-" + protocol);
		ContractServer.Outcome full = full(server, protocol, session);
		assertThat(wentToExecutor(full)).as("full handshake: %s", full.calls()).isTrue();
		assertThat(full.result().clientHello().resumptionOffered()).isEqualTo(ResumptionOffer.NONE);

		ContractServer.Outcome resumed = offer(server, protocol, session);
		assertThat(resumed.result().resumed()).as("%s", resumed.result()).isTrue();
		assertThat(resumed.result().clientHello().resumptionOffered()).isEqualTo(offer);
		assertThat(wentToExecutor(resumed)).as("resumption: %s", resumed.calls()).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "TLSv1.3", "TLSv1.2" })
	void resumptionsGiveTheirTokensBackSoTheyStayInlineBeyondTheBurst(String protocol) throws Exception {
		ContractServer server = start(FIXED, newKey());
		Path session = directory.resolve("beyond-" + protocol);
		full(server, protocol, session);
		for (int i = 0; i < InlineResumptions.BURST + 4; i++) {
			ContractServer.Outcome resumed = offer(server, protocol, session);
			assertThat(resumed.result().resumed()).as("resumption %d: %s", i + 1, resumed.result()).isTrue();
			assertThat(wentToExecutor(resumed)).as("resumption %d: %s", i + 1, resumed.calls()).isFalse();
		}
	}

	@Test
	void sessionIdResumptionRunsInlineToo() throws Exception {
		// a client without tickets: the server's session cache
		ContractServer server = start(Clock.systemUTC());
		Path session = directory.resolve("inline-session-id");
		full(server, "TLSv1.2", session, "-no_ticket");
		ContractServer.Outcome resumed = offer(server, "TLSv1.2", session, "-no_ticket");
		assertThat(resumed.result().resumed()).as("%s", resumed.result()).isTrue();
		assertThat(resumed.result().clientHello().resumptionOffered()).isEqualTo(ResumptionOffer.SESSION_ID);
		assertThat(wentToExecutor(resumed)).as("resumption: %s", resumed.calls()).isFalse();
	}

	@Test
	void afterTooManyWrongGuessesTasksGoToTheExecutorAgain() throws Exception {
		ContractServer issuer = start(Clock.systemUTC(), newKey());
		ContractServer other = start(FIXED, newKey());
		Path foreign = directory.resolve("foreign");
		full(issuer, "TLSv1.3", foreign);
		for (int i = 0; i < InlineResumptions.BURST; i++) {
			ContractServer.Outcome guessed = offer(other, "TLSv1.3", foreign);
			assertThat(guessed.result().isSuccess()).as("%s", guessed.result()).isTrue();
			assertThat(guessed.result().resumed()).isFalse();
			assertThat(wentToExecutor(guessed)).as("wrong guess %d: %s", i + 1, guessed.calls()).isFalse();
		}
		ContractServer.Outcome delegated = offer(other, "TLSv1.3", foreign);
		assertThat(delegated.result().isSuccess()).as("%s", delegated.result()).isTrue();
		assertThat(wentToExecutor(delegated)).as("after the burst: %s", delegated.calls()).isTrue();

		// a right guess does not give a wrong one's token back
		Path own = directory.resolve("own");
		full(other, "TLSv1.3", own);
		ContractServer.Outcome resumed = offer(other, "TLSv1.3", own);
		assertThat(resumed.result().resumed()).as("%s", resumed.result()).isTrue();
		assertThat(wentToExecutor(resumed)).as("resumption without tokens: %s", resumed.calls()).isTrue();
	}

	private static boolean wentToExecutor(ContractServer.Outcome outcome) {
		return outcome.calls().stream().anyMatch((call) -> call.error() == SslError.WANT_ASYNC);
	}

	/** A full handshake that saves the session. */
	private ContractServer.Outcome full(ContractServer server, String protocol, Path session, String... args)
			throws Exception {
		ContractServer.Outcome outcome = sessions.saveSession(server, protocol, session, args);
		assertThat(outcome.result().resumed()).isFalse();
		return outcome;
	}

	private ContractServer.Outcome offer(ContractServer server, String protocol, Path session, String... args)
			throws Exception {
		return sessions.offerSession(server, protocol, session, args);
	}

	private ContractServer start(Clock clock, SessionTicketKey... keys) throws Exception {
		TlsConfig config = TlsConfig.builder(sessions.serverKey())
			.engine("openssl")
			.clock(clock)
			.sessionTicketKeys(List.of(keys))
			.build();
		ContractServer server = new ContractServer(TlsServerContext.create(config), BioMode.NON_BLOCKING, this.tasks);
		this.servers.add(server);
		return server;
	}

}
