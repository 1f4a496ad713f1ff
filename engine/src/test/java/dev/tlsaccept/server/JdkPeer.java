package dev.tlsaccept.server;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A JDK TLS client ({@code SSLSocket}) layered over a plain socket that the test keeps in
 * hand, to do what well-behaved clients do not: end the TCP stream without close_notify,
 * reset the connection, tamper with a record or write garbage under the TLS layer after
 * the handshake.
 */
final class JdkPeer implements AutoCloseable {

	private final TamperingSocket plain;

	private final SSLSocket tls;

	private JdkPeer(TamperingSocket plain, SSLSocket tls) {
		this.plain = plain;
		this.tls = tls;
	}

	/**
	 * Connect and complete the handshake.
	 * @param port the server's port on the loopback address
	 * @param protocol the only protocol offered, e.g. {@code TLSv1.3}
	 * @param context the client context (trust)
	 */
	static JdkPeer connect(int port, String protocol, SSLContext context) throws IOException {
		TamperingSocket plain = new TamperingSocket();
		try {
			plain.connect(new InetSocketAddress(ServerFixtures.LOOPBACK, port), 5_000);
			plain.setSoTimeout(20_000);
			SSLSocket tls = (SSLSocket) context.getSocketFactory()
				.createSocket(plain, ServerFixtures.LOOPBACK.getHostAddress(), port, false);
			tls.setEnabledProtocols(new String[] { protocol });
			tls.startHandshake();
			return new JdkPeer(plain, tls);
		}
		catch (IOException | RuntimeException ex) {
			plain.close();
			throw ex;
		}
	}

	SSLSocket tls() {
		return this.tls;
	}

	Socket plain() {
		return this.plain;
	}

	void write(String text) throws IOException {
		write(text.getBytes(StandardCharsets.UTF_8));
	}

	void write(byte[] bytes) throws IOException {
		this.tls.getOutputStream().write(bytes);
		this.tls.getOutputStream().flush();
	}

	/** Read exactly {@code count} decrypted bytes (fails on a premature end). */
	byte[] read(int count) throws IOException {
		byte[] bytes = this.tls.getInputStream().readNBytes(count);
		if (bytes.length < count) {
			throw new IOException("the stream ended after " + bytes.length + " of " + count + " bytes");
		}
		return bytes;
	}

	String readText(int count) throws IOException {
		return new String(read(count), StandardCharsets.UTF_8);
	}

	/** Write, then read the echo back. */
	String roundTrip(String text) throws IOException {
		write(text);
		return readText(text.getBytes(StandardCharsets.UTF_8).length);
	}

	/**
	 * The next decrypted byte, or {@code -1}: the JDK returns it only on the peer's
	 * close_notify.
	 */
	int readByte() throws IOException {
		return this.tls.getInputStream().read();
	}

	/**
	 * Flip a bit in the last byte of the next record the TLS layer writes: its
	 * authentication tag (AEAD) or MAC, so that the server cannot decrypt it.
	 */
	void tamperWithNextRecord() {
		this.plain.tamperNext = true;
	}

	/** Write bytes on the plain socket, under the TLS layer. */
	void writeRaw(byte[] bytes) throws IOException {
		OutputStream out = this.plain.getOutputStream();
		out.write(bytes);
		out.flush();
	}

	/**
	 * Read from the plain socket, under the TLS layer, until the server ends the TCP
	 * stream.
	 * @return the raw bytes that came before the end
	 * @throws SocketTimeoutException when the server does not end the stream in time
	 */
	byte[] readRawToEnd() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		InputStream in = this.plain.getInputStream();
		byte[] buffer = new byte[4096];
		int count;
		while ((count = in.read(buffer)) >= 0) {
			out.write(buffer, 0, count);
		}
		return out.toByteArray();
	}

	/**
	 * End the TCP stream (FIN) without close_notify; the socket stays open for reading.
	 */
	void endWithoutCloseNotify() throws IOException {
		this.plain.shutdownOutput();
	}

	/** Reset the connection (SO_LINGER 0, then close: RST). */
	void reset() throws IOException {
		this.plain.setSoLinger(true, 0);
		this.plain.close();
	}

	@Override
	public void close() {
		try {
			this.tls.close();
		}
		catch (IOException | RuntimeException ex) {
			// the connection may already be broken: the plain socket is closed below
			// either way
		}
		try {
			this.plain.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
	}

	/** A socket whose output can spoil the next record written through it. */
	private static final class TamperingSocket extends Socket {

		volatile boolean tamperNext;

		private OutputStream output;

		@Override
		public synchronized OutputStream getOutputStream() throws IOException {
			if (this.output == null) {
				OutputStream raw = super.getOutputStream();
				this.output = new FilterOutputStream(raw) {

					@Override
					public void write(byte[] bytes, int offset, int length) throws IOException {
						if (TamperingSocket.this.tamperNext && length > 0) {
							TamperingSocket.this.tamperNext = false;
							byte[] spoiled = bytes.clone();
							spoiled[offset + length - 1] ^= 0x01;
							raw.write(spoiled, offset, length);
							return;
						}
						raw.write(bytes, offset, length);
					}

				};
			}
			return this.output;
		}

	}

}
