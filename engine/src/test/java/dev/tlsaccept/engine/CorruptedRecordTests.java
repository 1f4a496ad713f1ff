package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import dev.tlsaccept.peers.Alert;
import dev.tlsaccept.peers.RawClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A record whose ciphertext has one bit flipped, on every engine: the client's Finished
 * during the handshake, and application data after it (tlsfuzzer's
 * {@code test-fuzzed-ciphertext.py}). The server must answer with bad_record_mac and
 * record it, reason in OpenSSL's words. The wire is read by the JDK client: it decrypts
 * the TLS 1.3 alert that a raw reader cannot see.
 */
class CorruptedRecordTests {

	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.3", "jdk, TLSv1.2", "bouncy-castle, TLSv1.3", "bouncy-castle, TLSv1.2", "openssl, TLSv1.3",
			"openssl, TLSv1.2" })
	void bitFlippedFinishedRecordIsAnsweredWithBadRecordMac(String engine, String protocol) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build())) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			SSLEngine client = EnginePairTests.client(protocol);
			Exchange exchange = new Exchange(acceptor, pair, client);
			AcceptResult result = exchange.handshakeFlippingTheFinishedRecord();
			assertThat(result.code()).as("%s", result).isEqualTo(-1);
			assertThat(result.error()).isEqualTo(SslError.SSL);
			assertThat(result.alert()).as("%s", result)
				.isEqualTo(TlsAlert.of(20, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT));
			assertThat(result.reason()).isEqualTo("bad record mac");
			assertThat(result.engineMessage()).isNotBlank();
			if (protocol.equals("TLSv1.2")) {
				// the server has not sent its ChangeCipherSpec yet: the alert is in clear
				assertThat(RawClient.plaintextAlertIn(exchange.fromServer())).hasValue(new Alert(2, 20));
			}
			else {
				assertThat(exchange.clientFailure()).hasMessageContaining("bad_record_mac");
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "jdk, TLSv1.3", "jdk, TLSv1.2", "bouncy-castle, TLSv1.3", "bouncy-castle, TLSv1.2", "openssl, TLSv1.3",
			"openssl, TLSv1.2" })
	void bitFlippedApplicationDataRecordIsAnsweredWithBadRecordMac(String engine, String protocol) throws Exception {
		try (TlsServerContext context = TlsServerContext
			.create(TlsConfig.builder(EnginePairTests.KEY).engine(engine).build())) {
			BioPair pair = BioPair.create();
			TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
			SSLEngine client = EnginePairTests.client(protocol);
			assertThat(PairHandshakeTests.drive(acceptor, pair, client).isSuccess()).isTrue();
			ByteBuffer record = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
			client.wrap(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), record);
			record.flip();
			record.put(record.limit() - 1, (byte) (record.get(record.limit() - 1) ^ 0x01));
			pair.writeFromNetwork(record);
			IoResult read = acceptor.read(ByteBuffer.allocate(1024));
			assertThat(read.code()).isEqualTo(-1);
			assertThat(read.error()).isEqualTo(SslError.SSL);
			assertThat(read.reason()).isEqualTo("bad record mac");
			ByteBuffer fromServer = ByteBuffer.allocate(64 * 1024);
			pair.readToNetwork(fromServer);
			fromServer.flip();
			assertThat(fromServer.hasRemaining()).as("an alert was sent").isTrue();
			assertThatExceptionOfType(SSLException.class).isThrownBy(() -> unwrapAll(client, fromServer))
				.withMessageContaining("bad_record_mac");
		}
	}

	/**
	 * Unwrap every record (a TLS 1.3 server may send session tickets before its alert).
	 */
	static void unwrapAll(SSLEngine client, ByteBuffer fromServer) throws SSLException {
		ByteBuffer app = ByteBuffer.allocate(64 * 1024);
		while (fromServer.hasRemaining() && client.unwrap(fromServer, app).bytesConsumed() > 0) {
			app.clear();
		}
	}

	/**
	 * Both sides in memory, the client's flights wrapped whole before the server sees
	 * them.
	 */
	private static final class Exchange {

		private final TlsAcceptor acceptor;

		private final BioPair pair;

		private final SSLEngine client;

		private final ByteBuffer received = ByteBuffer.allocate(64 * 1024);

		/** What the server sent and the client has not unwrapped yet, in write mode. */
		private final ByteBuffer inbound = ByteBuffer.allocate(64 * 1024);

		private @Nullable SSLException clientFailure;

		Exchange(TlsAcceptor acceptor, BioPair pair, SSLEngine client) {
			this.acceptor = acceptor;
			this.pair = pair;
			this.client = client;
		}

		/**
		 * Run the handshake, flipping a bit in the last byte (the AEAD tag) of the
		 * client's encrypted Finished: the last record of the flight that ends with
		 * application data (TLS 1.3) or with a record after the ChangeCipherSpec (TLS
		 * 1.2).
		 */
		AcceptResult handshakeFlippingTheFinishedRecord() throws Exception {
			AcceptResult result = this.acceptor.accept();
			boolean flipped = false;
			for (int turn = 0; turn < 50 && !result.isFinished(); turn++) {
				ByteBuffer flight = ByteBuffer.allocate(64 * 1024);
				HandshakeStatus status;
				while ((status = this.client.getHandshakeStatus()) == HandshakeStatus.NEED_WRAP
						|| status == HandshakeStatus.NEED_TASK) {
					if (status == HandshakeStatus.NEED_TASK) {
						runTasks();
					}
					else {
						this.client.wrap(ByteBuffer.allocate(0), flight);
					}
				}
				flight.flip();
				if (!flipped && endsWithEncryptedFinished(flight)) {
					flight.put(flight.limit() - 1, (byte) (flight.get(flight.limit() - 1) ^ 0x01));
					flipped = true;
				}
				this.pair.writeFromNetwork(flight);
				result = this.acceptor.accept();
				int from = this.inbound.position();
				this.pair.readToNetwork(this.inbound);
				this.received.put(this.inbound.duplicate().flip().position(from));
				this.inbound.flip();
				unwrapAll(this.inbound);
				this.inbound.compact();
			}
			assertThat(flipped).as("the client sent its Finished").isTrue();
			return result;
		}

		private void unwrapAll(ByteBuffer answer) {
			ByteBuffer app = ByteBuffer.allocate(64 * 1024);
			try {
				while (answer.hasRemaining() && this.client.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
					SSLEngineResult unwrapped = this.client.unwrap(answer, app);
					runTasks();
					if (unwrapped.bytesConsumed() == 0) {
						return;
					}
				}
			}
			catch (SSLException ex) {
				this.clientFailure = ex;
			}
		}

		private void runTasks() {
			Runnable task;
			while ((task = this.client.getDelegatedTask()) != null) {
				task.run();
			}
		}

		private static boolean endsWithEncryptedFinished(ByteBuffer flight) {
			boolean changeCipherSpec = false;
			int last = -1;
			for (int index = flight.position(); index + 5 <= flight.limit();) {
				last = flight.get(index);
				changeCipherSpec |= last == 20;
				index += 5 + (((flight.get(index + 3) & 0xff) << 8) | (flight.get(index + 4) & 0xff));
			}
			return last == 23 || (changeCipherSpec && last == 22);
		}

		byte[] fromServer() {
			return Arrays.copyOf(this.received.array(), this.received.position());
		}

		SSLException clientFailure() {
			assertThat(this.clientFailure).as("the client saw the server's alert").isNotNull();
			return this.clientFailure;
		}

	}

}
