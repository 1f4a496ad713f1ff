package dev.tlsaccept.test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import org.junit.jupiter.api.Test;

import static dev.tlsaccept.test.HandshakeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The repository assertions wait for the record they look for, up to their bound, and say
 * what the repository held when it does not come.
 */
class HandshakeRepositoryAssertTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40001);

	private final InMemoryHandshakeRepository repository = new InMemoryHandshakeRepository();

	@Test
	void recordOfWaitsForTheRecordWrittenAfterTheClientReturned() {
		CompletableFuture<Void> later = CompletableFuture.runAsync(() -> this.repository.add(refused("1", CLIENT)),
				CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
		assertThat(this.repository).recordOf(CLIENT).failedWithAlert("protocol_version").alertSent("protocol_version");
		later.join();
	}

	@Test
	void recordOfIgnoresOtherClientsRecords() {
		this.repository.add(refused("1", CLIENT));
		this.repository.add(refused("2", new InetSocketAddress("127.0.0.1", 40002)));
		assertThat(this.repository).recordOf(CLIENT).satisfies((record) -> assertThat(record.id()).isEqualTo("1"));
	}

	@Test
	void missingRecordFailsAfterTheBoundNamingWhatIsHeld() {
		this.repository.add(refused("7", new InetSocketAddress("127.0.0.1", 40002)));
		long start = System.nanoTime();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.repository).within(Duration.ofMillis(300)).recordOf(CLIENT))
			.withMessageContaining("the record of the handshake from " + CLIENT)
			.withMessageContaining("PT0.3S")
			.withMessageContaining("#7 listener 'edge' from /127.0.0.1:40002: failed (-1, SSL), sent fatal "
					+ "protocol_version (70)");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void wrongOutcomeFailsWithTheRecord() {
		this.repository.add(refused("3", CLIENT));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(this.repository).last().succeeded())
			.withMessageContaining("Expecting the handshake to have succeeded but: #3")
			.withMessageContaining("reason 'unsupported protocol'");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.repository).last().failedWithAlert("handshake_failure"))
			.withMessageContaining("Expecting alert handshake_failure but: #3");
	}

	private static HandshakeRecord refused(String id, InetSocketAddress peer) {
		AcceptResult result = AcceptResult.builder(-1, SslError.SSL)
			.protocol("TLSv1.2")
			.alert(TlsAlert.of(70, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT))
			.reason("unsupported protocol")
			.build();
		return new HandshakeRecord(id, Instant.now(), "edge", "jdk", BioMode.NON_BLOCKING, peer, result);
	}

}
