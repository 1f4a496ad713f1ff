package dev.tlsaccept.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Checks of the timeouts a listener and its connections take (idle timeout, lifetime).
 */
final class Durations {

	private Durations() {
	}

	/**
	 * A timeout that may be zero (none) but not negative.
	 * @param what the setting, for the message
	 * @param duration the value
	 * @return the value
	 * @throws IllegalArgumentException when negative
	 */
	static Duration notNegative(String what, Duration duration) {
		Objects.requireNonNull(duration, what + " must not be null: use Duration.ZERO for none");
		if (duration.isNegative()) {
			throw new IllegalArgumentException(what + " must not be negative (zero for none), was " + duration);
		}
		return duration;
	}

}
