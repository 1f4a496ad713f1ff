package dev.tlsaccept.autoconfigure;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.HandshakeStarted;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The observer every listener reports to: records each finished handshake in the
 * {@link HandshakeRepository} (id from a counter, time from the clock), then tells the
 * application's own {@link HandshakeObserver} beans, in order (starts too). A failing
 * observer is logged and does not stop the others.
 */
final class HandshakeRecorder implements HandshakeObserver {

	private static final Log logger = LogFactory.getLog(HandshakeRecorder.class);

	private final HandshakeRepository repository;

	private final Clock clock;

	private final List<HandshakeObserver> observers;

	private final AtomicLong ids = new AtomicLong();

	HandshakeRecorder(HandshakeRepository repository, Clock clock, List<HandshakeObserver> observers) {
		this.repository = repository;
		this.clock = clock;
		this.observers = List.copyOf(observers);
	}

	@Override
	public boolean observesStarts() {
		return this.observers.stream().anyMatch(HandshakeObserver::observesStarts);
	}

	@Override
	public void handshakeStarted(HandshakeStarted started) {
		for (HandshakeObserver observer : this.observers) {
			try {
				observer.handshakeStarted(started);
			}
			catch (RuntimeException ex) {
				logger.warn("HandshakeObserver " + observer + " failed on the start of a handshake of listener '"
						+ started.listener() + "'", ex);
			}
		}
	}

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		this.repository.add(HandshakeRecord.of(event, Long.toString(this.ids.incrementAndGet()), this.clock.instant()));
		for (HandshakeObserver observer : this.observers) {
			try {
				observer.handshakeFinished(event);
			}
			catch (RuntimeException ex) {
				logger.warn("HandshakeObserver " + observer + " failed on a handshake of listener '" + event.listener()
						+ "'", ex);
			}
		}
	}

}
