package dev.tlsaccept.autoconfigure;

import java.io.Serial;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A TLS listener could not be created or started: a port in use, a bad address, an
 * unknown engine or SSL bundle, unusable key material, a protocol the engine does not
 * know... Names the listener, the property to fix and what to do; never contains a
 * password. {@link TlsListenerStartupFailureAnalyzer} turns it into Spring Boot's
 * "Description / Action" report.
 */
public class TlsListenerStartupException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String listener;

	private final String property;

	private final String description;

	private final String action;

	/**
	 * Create an exception.
	 * @param listener the listener name, e.g. {@code edge}
	 * @param property the full name of the property to fix, e.g.
	 * {@code tlsaccept.listeners.edge.port}
	 * @param description what went wrong, in one or two sentences, without any password
	 * @param action what to do about it
	 * @param cause the underlying failure, if any
	 */
	public TlsListenerStartupException(String listener, String property, String description, String action,
			@Nullable Throwable cause) {
		super(description, cause);
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
		this.property = Objects.requireNonNull(property, "property must not be null");
		this.description = Objects.requireNonNull(description, "description must not be null");
		this.action = Objects.requireNonNull(action, "action must not be null");
	}

	/**
	 * The name of the listener that failed.
	 * @return the listener name
	 */
	public String getListener() {
		return this.listener;
	}

	/**
	 * The full name of the property to fix, e.g. {@code tlsaccept.listeners.edge.port}.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * What went wrong.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * What to do about it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
