package dev.tlsaccept.autoconfigure.actuate;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.autoconfigure.TestTls;

/**
 * Test clients: a trust-all JDK TLS client, and plaintext HTTP sent to a TLS port.
 */
final class Clients {

	private Clients() {
	}

	static void handshake(int port, String protocol) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.setEnabledProtocols(new String[] { protocol });
			socket.startHandshake();
		}
	}

	static void plaintextHttp(int port) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			while (in.read() != -1) {
				// until the server closes
			}
		}
		catch (java.net.SocketException ex) {
			// reset by the server: fine
		}
	}

}
