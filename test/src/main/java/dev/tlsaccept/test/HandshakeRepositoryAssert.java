package dev.tlsaccept.test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link HandshakeRepository} that wait, up to a bound, for the record
 * they look for: a server records a handshake on one of its threads after the handshake
 * has ended, so a client usually learns the outcome first.
 */
public final class HandshakeRepositoryAssert extends AbstractAssert<HandshakeRepositoryAssert, HandshakeRepository> {

	/** How long the assertions wait for a record unless told otherwise. */
	public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

	private static final long POLL_MILLIS = 10;

	private final Duration wait;

	HandshakeRepositoryAssert(HandshakeRepository repository) {
		this(repository, DEFAULT_WAIT);
	}

	private HandshakeRepositoryAssert(HandshakeRepository repository, Duration wait) {
		super(Objects.requireNonNull(repository, "repository must not be null"), HandshakeRepositoryAssert.class);
		this.wait = wait;
	}

	/**
	 * Wait up to this long for a record ({@link #DEFAULT_WAIT} unless set).
	 * @param wait the bound
	 * @return assertions with that bound
	 */
	public HandshakeRepositoryAssert within(Duration wait) {
		if (wait.isNegative()) {
			throw new IllegalArgumentException("wait must not be negative");
		}
		return new HandshakeRepositoryAssert(this.actual, wait);
	}

	/**
	 * The record of the connection a client made: the record whose peer is the client's
	 * side of that connection. Exact even while other handshakes are recorded.
	 * @param handshake what the client saw
	 * @return assertions on the server's record
	 */
	public HandshakeRecordAssert recordOf(ClientHandshake handshake) {
		return recordOf(handshake.localAddress());
	}

	/**
	 * The record of an established connection of a client.
	 * @param connection the connection
	 * @return assertions on the server's record
	 */
	public HandshakeRecordAssert recordOf(TlsTestConnection connection) {
		return recordOf(connection.localAddress());
	}

	/**
	 * The record of the connection from that client address (without a PROXY protocol
	 * header: behind one, the peer is the client the header named).
	 * @param clientAddress the client's side of the connection
	 * @return assertions on the server's record
	 */
	public HandshakeRecordAssert recordOf(InetSocketAddress clientAddress) {
		Objects.requireNonNull(clientAddress, "clientAddress must not be null");
		return await("the record of the handshake from " + clientAddress,
				(records) -> records.stream().filter((record) -> samePeer(record, clientAddress)).findFirst());
	}

	/**
	 * The newest record, once there is one. Other tests' handshakes may be newer than
	 * yours: {@code clear()} the repository first, or prefer {@link #recordOf}.
	 * @return assertions on the newest record
	 */
	public HandshakeRecordAssert last() {
		return await("a handshake record", (records) -> records.stream().findFirst());
	}

	/**
	 * The newest record of that listener, once there is one.
	 * @param listener the listener name
	 * @return assertions on that listener's newest record
	 */
	public HandshakeRecordAssert lastOf(String listener) {
		return await("a handshake record of listener '" + listener + "'",
				(records) -> records.stream().filter((record) -> record.listener().equals(listener)).findFirst());
	}

	/**
	 * Wait until the repository holds that many records.
	 * @param count how many
	 * @return these assertions
	 */
	public HandshakeRepositoryAssert hasRecordCount(int count) {
		await(count + " handshake records",
				(records) -> (records.size() == count) ? Optional.of(records.get(0)) : Optional.empty());
		return this;
	}

	private HandshakeRecordAssert await(String what,
			Function<List<HandshakeRecord>, Optional<HandshakeRecord>> finder) {
		isNotNull();
		long deadline = System.nanoTime() + this.wait.toNanos();
		List<HandshakeRecord> records;
		while (true) {
			records = this.actual.findAll();
			Optional<HandshakeRecord> found = finder.apply(records);
			if (found.isPresent()) {
				return new HandshakeRecordAssert(found.get());
			}
			if (System.nanoTime() - deadline >= 0) {
				break;
			}
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		String held = records.stream()
			.limit(10)
			.map(HandshakeRecordAssert::describe)
			.collect(Collectors.joining(System.lineSeparator() + "  ", System.lineSeparator() + "  ", ""));
		String holds = records.size() + " records" + (records.isEmpty() ? "" : ", newest first:" + held);
		failWithMessage("%nExpecting %s within %s but the repository holds %s", what, this.wait, holds);
		throw new IllegalStateException("unreachable");
	}

	private static boolean samePeer(HandshakeRecord record, InetSocketAddress client) {
		InetSocketAddress peer = record.peer();
		return peer != null && peer.getPort() == client.getPort()
				&& Objects.equals(peer.getAddress(), client.getAddress());
	}

}
