package dev.tlsaccept.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Throwaway JDK (SunJSSE) TLS server for this package's own tests: 127.0.0.1, ephemeral
 * port, one daemon thread handling connections one after the other. Each connection:
 * handshake, record the outcome, then echo every byte back until the peer closes.
 */
final class JdkTlsServer implements AutoCloseable {

	/** How one handshake ended, as the server saw it. */
	record Outcome(boolean ok, String protocol, String cipher, String applicationProtocol, List<String> sni,
			Exception error) {
	}

	private final SSLServerSocket server;

	private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

	private final Thread thread;

	private JdkTlsServer(SSLServerSocket server) {
		this.server = server;
		this.thread = new Thread(this::serve, "jdk-tls-server-" + server.getLocalPort());
		this.thread.setDaemon(true);
		this.thread.start();
	}

	static JdkTlsServer start(SSLContext context, Consumer<SSLServerSocket> configure) {
		try {
			SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
				.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
			configure.accept(s);
			return new JdkTlsServer(s);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	int port() {
		return server.getLocalPort();
	}

	/** The next handshake outcome, waiting at most {@code max}; null if none. */
	Outcome awaitOutcome(Duration max) throws InterruptedException {
		return outcomes.poll(max.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void serve() {
		while (!server.isClosed()) {
			try (SSLSocket s = (SSLSocket) server.accept()) {
				s.setSoTimeout(10_000);
				try {
					s.startHandshake();
					List<String> sni = s.getSession() instanceof ExtendedSSLSession e ? e.getRequestedServerNames()
						.stream()
						.map(n -> n instanceof SNIHostName h ? h.getAsciiName() : n.toString())
						.toList() : List.<String>of();
					outcomes.add(new Outcome(true, s.getSession().getProtocol(), s.getSession().getCipherSuite(),
							s.getApplicationProtocol(), sni, null));
				}
				catch (IOException e) {
					outcomes.add(new Outcome(false, null, null, null, List.of(), e));
					continue;
				}
				echo(s);
			}
			catch (IOException e) {
				if (server.isClosed()) {
					return;
				}
			}
		}
	}

	private static void echo(SSLSocket s) {
		try {
			InputStream in = s.getInputStream();
			OutputStream out = s.getOutputStream();
			byte[] buf = new byte[4096];
			int n;
			while ((n = in.read(buf)) >= 0) {
				out.write(buf, 0, n);
				out.flush();
			}
		}
		catch (SocketException e) {
			// peer went away
		}
		catch (IOException e) {
			// alert or timeout: the connection is over
		}
	}

	@Override
	public void close() {
		try {
			server.close();
			thread.join(2000);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
