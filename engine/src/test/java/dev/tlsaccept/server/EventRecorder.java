package dev.tlsaccept.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link HandshakeObserver} that keeps every event, for assertions.
 */
final class EventRecorder implements HandshakeObserver {

	private final List<HandshakeEvent> events = new CopyOnWriteArrayList<>();

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		this.events.add(event);
	}

	List<HandshakeEvent> events() {
		return List.copyOf(this.events);
	}

	/**
	 * Wait for the first event that matches.
	 */
	HandshakeEvent await(String what, Predicate<HandshakeEvent> match) {
		ServerFixtures.await(Duration.ofSeconds(15), what + " in " + this.events,
				() -> this.events.stream().anyMatch(match));
		return this.events.stream().filter(match).findFirst().orElseThrow();
	}

	/**
	 * Wait until {@code count} events were recorded.
	 */
	List<HandshakeEvent> awaitCount(int count) {
		ServerFixtures.await(Duration.ofSeconds(15), count + " events in " + this.events,
				() -> this.events.size() >= count);
		return events();
	}

}
