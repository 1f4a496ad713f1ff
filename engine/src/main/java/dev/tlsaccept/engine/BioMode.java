package dev.tlsaccept.engine;

import java.util.Locale;

/**
 * How an acceptor talks to its peer: what OpenSSL calls the BIO.
 */
public enum BioMode {

	/** A blocking socket: the calling thread waits, bounded by the handshake timeout. */
	BLOCKING,

	/**
	 * A non-blocking {@code SocketChannel}: the acceptor returns {@code WANT_*}, a
	 * selector calls again.
	 */
	NON_BLOCKING,

	/**
	 * An in-memory {@link BioPair}: the caller moves bytes between the pair and any
	 * transport.
	 */
	PAIR;

	/**
	 * The name used in configuration: {@code blocking}, {@code non-blocking},
	 * {@code pair}.
	 * @return the lower-case, hyphenated name
	 */
	public String configName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Parse a configuration name, case-insensitively, with {@code -} or {@code _}.
	 * @param name {@code blocking}, {@code non-blocking} or {@code pair}
	 * @return the mode
	 * @throws IllegalArgumentException for any other name, listing the valid ones
	 */
	public static BioMode fromConfigName(String name) {
		String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (BioMode mode : values()) {
			if (mode.name().equals(normalized)) {
				return mode;
			}
		}
		throw new IllegalArgumentException("Unknown BIO mode '" + name + "': use one of blocking, non-blocking, pair");
	}

}
