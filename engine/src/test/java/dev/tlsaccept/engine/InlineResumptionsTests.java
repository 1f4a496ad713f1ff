package dev.tlsaccept.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tokens of {@link InlineResumptions}: a burst of wrong guesses, then one per
 * sixteenth of a second; right guesses give theirs back. A clock the test moves.
 */
class InlineResumptionsTests {

	private final MovingClock clock = new MovingClock();

	private final InlineResumptions tokens = new InlineResumptions(this.clock);

	@Test
	void aBurstOfWrongGuessesThenNone() {
		for (int i = 0; i < InlineResumptions.BURST; i++) {
			assertThat(this.tokens.tryAcquire()).as("token %d", i + 1).isTrue();
		}
		assertThat(this.tokens.tryAcquire()).isFalse();
	}

	@Test
	void tokensRefillAtTheBurstRatePerSecond() {
		drain();
		this.clock.advance(Duration.ofMillis(1000 / InlineResumptions.BURST + 1));
		assertThat(this.tokens.tryAcquire()).isTrue();
		assertThat(this.tokens.tryAcquire()).isFalse();
		this.clock.advance(Duration.ofSeconds(5));
		drain();
	}

	@Test
	void rightGuessesGiveTheirTokensBack() {
		for (int i = 0; i < 10 * InlineResumptions.BURST; i++) {
			assertThat(this.tokens.tryAcquire()).as("guess %d", i + 1).isTrue();
			this.tokens.release();
		}
		drain();
	}

	@Test
	void aClockSetBackStartsAfresh() {
		drain();
		this.clock.advance(Duration.ofHours(-1));
		drain();
	}

	/** Take exactly the burst. */
	private void drain() {
		int taken = 0;
		while (this.tokens.tryAcquire()) {
			taken++;
		}
		assertThat(taken).isEqualTo(InlineResumptions.BURST);
	}

	private static final class MovingClock extends Clock {

		private Instant now = Instant.parse("2026-12-02T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
