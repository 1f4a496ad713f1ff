package dev.tlsaccept.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An observer that wants starts and records every {@link HandshakeStarted} and
 * {@link HandshakeEvent} in the order it is told, and the thread each start was told on.
 */
final class StartAndEndRecorder implements HandshakeObserver {

	/** Starts and ends, in the order told. */
	final List<Object> seen = new CopyOnWriteArrayList<>();

	/** The thread of each start. */
	final List<String> startThreads = new CopyOnWriteArrayList<>();

	@Override
	public boolean observesStarts() {
		return true;
	}

	@Override
	public void handshakeStarted(HandshakeStarted started) {
		this.startThreads.add(Thread.currentThread().getName());
		this.seen.add(started);
	}

	@Override
	public void handshakeFinished(HandshakeEvent event) {
		this.seen.add(event);
	}

}
