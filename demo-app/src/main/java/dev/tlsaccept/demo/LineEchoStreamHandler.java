package dev.tlsaccept.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import dev.tlsaccept.server.TlsConnection;
import dev.tlsaccept.server.TlsConnectionHandler;

/**
 * The line echo of {@link LineEchoHandler} with blocking streams, for the
 * {@code blocking} mode: one thread per connection (a virtual one with
 * {@code spring.threads.virtual.enabled=true} on JDK 21+).
 */
class LineEchoStreamHandler implements TlsConnectionHandler {

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
