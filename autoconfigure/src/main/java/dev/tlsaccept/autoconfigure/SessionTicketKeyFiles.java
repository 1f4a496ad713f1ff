package dev.tlsaccept.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import dev.tlsaccept.engine.SessionTicketKey;
import dev.tlsaccept.engine.TlsConfigException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The session-ticket key files of a listener
 * ({@code tlsaccept.listeners.<name>.session-tickets.keys}): read at startup, where a
 * missing, unreadable or wrong-sized file fails naming its property, and read again on
 * each check, which reports whether the keys changed. Thread-safe.
 */
final class SessionTicketKeyFiles {

	/** More than any key file: a larger file is not a key (and is not read whole). */
	private static final int MAX_LENGTH = 1024;

	private final String listener;

	private final List<String> locations;

	private final ResourceLoader resourceLoader;

	private volatile List<SessionTicketKey> keys;

	private SessionTicketKeyFiles(String listener, List<String> locations, ResourceLoader resourceLoader) {
		this.listener = listener;
		this.locations = List.copyOf(locations);
		this.resourceLoader = resourceLoader;
		this.keys = read();
	}

	/**
	 * Read the key files of a listener.
	 * @param listener the listener name
	 * @param locations the configured locations, newest key first
	 * @param resourceLoader resolves {@code file:}, {@code classpath:} and plain paths
	 * @return the files, read
	 * @throws TlsListenerStartupException naming the property of a file that is missing,
	 * unreadable or not a key
	 */
	static SessionTicketKeyFiles load(String listener, List<String> locations, ResourceLoader resourceLoader) {
		return new SessionTicketKeyFiles(listener, locations, resourceLoader);
	}

	/**
	 * Whether any key file is configured.
	 * @return {@code true} when the listener has keys
	 */
	boolean isConfigured() {
		return !this.locations.isEmpty();
	}

	/**
	 * The keys as last read.
	 * @return the keys, newest first
	 */
	List<SessionTicketKey> keys() {
		return this.keys;
	}

	/**
	 * Read the files again.
	 * @return the keys when they differ from {@link #keys()}, else {@code null}; once a
	 * context uses them, call {@link #applied(List)}
	 * @throws TlsListenerStartupException when a file cannot be used now
	 */
	@Nullable List<SessionTicketKey> readIfChanged() {
		List<SessionTicketKey> read = read();
		return read.equals(this.keys) ? null : read;
	}

	/**
	 * The keys that the listener's context now uses.
	 * @param keys keys from {@link #readIfChanged()}
	 */
	void applied(List<SessionTicketKey> keys) {
		this.keys = List.copyOf(keys);
	}

	/**
	 * The key files' locations.
	 * @return the locations, as configured
	 */
	List<String> locations() {
		return this.locations;
	}

	private List<SessionTicketKey> read() {
		List<SessionTicketKey> read = new ArrayList<>();
		for (int i = 0; i < this.locations.size(); i++) {
			read.add(read(i, this.locations.get(i)));
		}
		return List.copyOf(read);
	}

	private SessionTicketKey read(int index, String location) {
		String property = TlsAcceptProperties.propertyName(this.listener, "session-tickets.keys[" + index + "]");
		Resource resource = this.resourceLoader.getResource(location);
		byte[] bytes;
		try (InputStream input = resource.getInputStream()) {
			bytes = input.readNBytes(MAX_LENGTH + 1);
		}
		catch (IOException ex) {
			throw new TlsListenerStartupException(this.listener, property,
					"TLS listener '" + this.listener + "' cannot read session-ticket key " + location + ": " + ex,
					"Set " + property + " to a readable file of 48 random bytes ('openssl rand 48 > ticket.key').", ex);
		}
		try {
			return SessionTicketKey.of(bytes);
		}
		catch (TlsConfigException ex) {
			throw new TlsListenerStartupException(this.listener, property,
					"TLS listener '" + this.listener + "' cannot use session-ticket key " + location + ": "
							+ ((bytes.length > MAX_LENGTH) ? "the file is larger than a key" : ex.getMessage()),
					"Set " + property + " to a file of 48 random bytes ('openssl rand 48 > ticket.key'), "
							+ "the same file on every instance that should accept the others' tickets.",
					ex);
		}
	}

}
