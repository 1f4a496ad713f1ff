package dev.tlsaccept.server;

/**
 * What the application does with an established TLS connection. Runs on the server's
 * worker executor; the server closes the connection (close_notify, then the socket) when
 * it returns or throws.
 */
@FunctionalInterface
public interface TlsConnectionHandler {

	/**
	 * Serve one established connection, with blocking streams.
	 * @param connection the connection, closed by the server afterwards
	 * @throws Exception any failure: logged at {@code WARNING} with the listener name
	 */
	void handle(TlsConnection connection) throws Exception;

}
