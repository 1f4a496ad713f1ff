package dev.tlsaccept.record;

import java.util.List;
import java.util.Optional;

/**
 * Keeps {@link HandshakeRecord handshake records}, for example the most recent ones in
 * memory. Implementations are thread-safe: records are added from server threads while
 * they are read from others.
 */
public interface HandshakeRepository {

	/**
	 * Add a record.
	 * @param record the record to keep
	 */
	void add(HandshakeRecord record);

	/**
	 * The records kept, newest first.
	 * @return an immutable snapshot, unaffected by later additions
	 */
	List<HandshakeRecord> findAll();

	/**
	 * The record with that id, while it is kept.
	 * @param id the record id
	 * @return the record, or empty when no record kept has that id
	 */
	Optional<HandshakeRecord> findById(String id);

	/**
	 * Forget every record.
	 */
	void clear();

}
