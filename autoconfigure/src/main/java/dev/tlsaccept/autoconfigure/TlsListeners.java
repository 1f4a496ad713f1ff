package dev.tlsaccept.autoconfigure;

import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's {@link TlsListener listeners}, in configuration order: what
 * endpoints, health indicators and tests use to find them.
 */
public final class TlsListeners {

	private final ObjectProvider<TlsListener> listeners;

	TlsListeners(ObjectProvider<TlsListener> listeners) {
		this.listeners = listeners;
	}

	/**
	 * Every listener.
	 * @return the listeners, empty when none is configured
	 */
	public List<TlsListener> all() {
		return this.listeners.orderedStream().toList();
	}

	/**
	 * The listener of that name.
	 * @param name the listener name
	 * @return the listener, or empty when none has that name (or it is disabled)
	 */
	public Optional<TlsListener> get(String name) {
		return this.listeners.orderedStream().filter((listener) -> listener.getName().equals(name)).findFirst();
	}

}
