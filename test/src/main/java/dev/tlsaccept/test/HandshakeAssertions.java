package dev.tlsaccept.test;

import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;

/**
 * AssertJ entry points for handshake records, the server's own account of each handshake:
 *
 * <pre class="code">
 * ClientHandshake attempt = client.withProtocols("TLSv1.2").handshake();
 * assertThat(handshakes).recordOf(attempt).failedWithAlert("protocol_version");
 * assertThat(handshakes).last().succeeded().protocol("TLSv1.3");
 * </pre>
 *
 * Records are written after the handshake ends, on a server thread: the repository
 * assertions wait for the record they look for, up to a bound
 * ({@link HandshakeRepositoryAssert#within}).
 */
public final class HandshakeAssertions {

	private HandshakeAssertions() {
	}

	/**
	 * Assertions on the records of a repository, e.g. the application's
	 * {@code HandshakeRepository} bean.
	 * @param repository the repository
	 * @return the assertions
	 */
	public static HandshakeRepositoryAssert assertThat(HandshakeRepository repository) {
		return new HandshakeRepositoryAssert(repository);
	}

	/**
	 * Assertions on one record.
	 * @param record the record
	 * @return the assertions
	 */
	public static HandshakeRecordAssert assertThat(HandshakeRecord record) {
		return new HandshakeRecordAssert(record);
	}

}
