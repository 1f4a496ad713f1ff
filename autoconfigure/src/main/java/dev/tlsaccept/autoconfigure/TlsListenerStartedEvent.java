package dev.tlsaccept.autoconfigure;

import java.io.Serial;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a {@link TlsListener} is bound and accepting connections, with the bound
 * port (useful with {@code port: 0}). The same port is available as the
 * {@code local.tlsaccept.<name>.port} property.
 */
public class TlsListenerStartedEvent extends ApplicationEvent {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final int port;

	TlsListenerStartedEvent(TlsListener listener, int port) {
		super(listener);
		this.listenerName = listener.getName();
		this.port = port;
	}

	/**
	 * The listener that started.
	 * @return the listener
	 */
	public TlsListener getListener() {
		return (TlsListener) getSource();
	}

	/**
	 * The name of the listener that started.
	 * @return the listener name, e.g. {@code edge}
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The port the listener is bound to.
	 * @return the bound port
	 */
	public int getPort() {
		return this.port;
	}

}
