package dev.tlsaccept.server;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsServer} could not start: the port is in use, the address is bad, or binding
 * failed otherwise. The message names the listener, the address and the port, and says
 * what to do.
 */
public final class TlsServerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Why the server could not start.
	 */
	public enum Kind {

		/** Another process (or listener) already listens on the port. */
		PORT_IN_USE,

		/** The address cannot be resolved or is not assigned to this host. */
		BAD_ADDRESS,

		/** Binding failed for another reason, e.g. a privileged port. */
		BIND_FAILED

	}

	private final Kind kind;

	private final String listener;

	private final String address;

	private final int port;

	/**
	 * Create an exception.
	 * @param kind why the server could not start
	 * @param listener the listener name
	 * @param address the address as text, e.g. {@code 0.0.0.0}
	 * @param port the port that was asked for
	 * @param message the full message: listener, address, port and what to do
	 * @param cause the underlying failure, if any
	 */
	public TlsServerException(Kind kind, String listener, String address, int port, String message,
			@Nullable Throwable cause) {
		super(message, cause);
		this.kind = Objects.requireNonNull(kind, "kind must not be null");
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
		this.address = Objects.requireNonNull(address, "address must not be null");
		this.port = port;
	}

	/**
	 * Why the server could not start.
	 * @return the kind of failure
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The listener that could not start.
	 * @return the listener name
	 */
	public String listener() {
		return this.listener;
	}

	/**
	 * The address the listener tried to bind, as text ({@code 0.0.0.0} for all
	 * interfaces).
	 * @return the address
	 */
	public String address() {
		return this.address;
	}

	/**
	 * The port the listener tried to bind.
	 * @return the port, {@code 0} for an ephemeral one
	 */
	public int port() {
		return this.port;
	}

}
