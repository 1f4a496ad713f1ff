package dev.tlsaccept.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.KeyMaterials;
import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import dev.tlsaccept.peers.TestPki;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real {@code openssl s_client}s that save their session ({@code -sess_out}) from one
 * {@link ContractServer} and offer it ({@code -sess_in}) to the same or another: what the
 * resumption tests share.
 */
final class SavedSessionClients {

	static final Duration WAIT = Duration.ofSeconds(20);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final TestPki pki;

	SavedSessionClients(TestPki pki) {
		this.pki = pki;
	}

	/** The server's key and certificate, issued by the PKI's CA. */
	KeyMaterial serverKey() {
		return KeyMaterials.fromPem(this.pki.serverCert(), this.pki.serverKey(), null);
	}

	/** A fresh 48-byte session-ticket key. */
	static SessionTicketKey newKey() {
		byte[] bytes = new byte[48];
		RANDOM.nextBytes(bytes);
		return SessionTicketKey.of(bytes);
	}

	/**
	 * A full handshake that saves the session, asserted to succeed and to leave a session
	 * file.
	 * @param args more {@code s_client} arguments, e.g. {@code -no_ticket}
	 * @return the server's outcome
	 */
	ContractServer.Outcome saveSession(ContractServer server, String protocol, Path session, String... args)
			throws Exception {
		Files.deleteIfExists(session);
		OpenSslResult client = client(server, protocol).args(args).args("-sess_out", session.toString()).run();
		ContractServer.Outcome outcome = server.next(WAIT);
		assertThat(outcome.result().isSuccess()).as("%s / %s", outcome.result(), client.describe()).isTrue();
		assertThat(session).as("s_client saved no session: %s", client.describe()).isNotEmptyFile();
		return outcome;
	}

	/**
	 * A handshake that offers the saved session.
	 * @param args more {@code s_client} arguments
	 * @return the server's outcome
	 */
	ContractServer.Outcome offerSession(ContractServer server, String protocol, Path session, String... args)
			throws Exception {
		client(server, protocol).args(args).args("-sess_in", session.toString()).run();
		return server.next(WAIT);
	}

	/** A client of the server that trusts the PKI's CA and speaks only this protocol. */
	OpenSslClient client(ContractServer server, String protocol) {
		OpenSslClient client = new OpenSslClient().connect("127.0.0.1", server.port())
			.caFile(this.pki.caCert())
			.timeout(WAIT);
		return "TLSv1.3".equals(protocol) ? client.tls13() : client.tls12();
	}

}
