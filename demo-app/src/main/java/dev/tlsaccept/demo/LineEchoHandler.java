package dev.tlsaccept.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

import dev.tlsaccept.server.TlsConnection;
import dev.tlsaccept.server.TlsConnectionHandler;

/**
 * Answers each line with {@code echo: <line>}; the line {@code quit} (or the peer closing) ends
 * the connection, which the listener then closes with close_notify.
 */
class LineEchoHandler implements TlsConnectionHandler {

	@Override
	public void handle(TlsConnection connection) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
		Writer out = new OutputStreamWriter(connection.outputStream(), StandardCharsets.UTF_8);
		String line;
		while ((line = in.readLine()) != null && !line.equals("quit")) {
			out.write("echo: " + line + "\n");
			out.flush();
		}
	}

}
