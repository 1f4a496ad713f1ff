package dev.tlsaccept.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.tlsaccept.server.TlsConnection;
import dev.tlsaccept.server.TlsConnectionHandler;

/**
 * Test handler: answers each line with "prefix: line" until the peer closes.
 */
final class EchoHandler implements TlsConnectionHandler {

	private final String prefix;

	EchoHandler(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public void handle(TlsConnection connection) throws Exception {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
		OutputStream out = connection.outputStream();
		String line;
		while ((line = reader.readLine()) != null) {
			out.write((this.prefix + ": " + line + "\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
	}

}
