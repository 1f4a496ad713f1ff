package dev.tlsaccept.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * An established connection of a {@link TlsTestClient}: the handshake is complete. Reads
 * time out after the client's timeout. Not thread-safe; close it (close_notify, then the
 * socket).
 */
public final class TlsTestConnection implements AutoCloseable {

	private final SSLSocket socket;

	private @Nullable BufferedReader reader;

	TlsTestConnection(SSLSocket socket) {
		this.socket = socket;
	}

	/**
	 * The negotiated protocol.
	 * @return e.g. {@code TLSv1.3}
	 */
	public String protocol() {
		return session().getProtocol();
	}

	/**
	 * The negotiated cipher suite.
	 * @return e.g. {@code TLS_AES_128_GCM_SHA256}
	 */
	public String cipherSuite() {
		return session().getCipherSuite();
	}

	/**
	 * The application protocol negotiated with ALPN.
	 * @return the protocol, or {@code null} when none was negotiated
	 */
	public @Nullable String applicationProtocol() {
		String protocol = this.socket.getApplicationProtocol();
		return (protocol == null || protocol.isEmpty()) ? null : protocol;
	}

	/**
	 * The TLS session: peer certificates, session id...
	 * @return the session
	 */
	public SSLSession session() {
		return this.socket.getSession();
	}

	/**
	 * The client's side of the connection, as the server records the peer.
	 * @return the local address
	 */
	public InetSocketAddress localAddress() {
		return (InetSocketAddress) this.socket.getLocalSocketAddress();
	}

	/**
	 * Write bytes and flush them.
	 * @param bytes the bytes
	 * @throws IOException when the write fails
	 */
	public void write(byte[] bytes) throws IOException {
		OutputStream output = this.socket.getOutputStream();
		output.write(bytes);
		output.flush();
	}

	/**
	 * Write a line, UTF-8, ended by {@code \n}, and flush it.
	 * @param line the line, without its end
	 * @throws IOException when the write fails
	 */
	public void writeLine(String line) throws IOException {
		write((line + "\n").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Read one UTF-8 line. Do not mix with {@link #inputStream()}, which this buffers.
	 * @return the line without its end, or {@code null} at the end of the stream
	 * @throws IOException when reading fails or times out
	 */
	public @Nullable String readLine() throws IOException {
		if (this.reader == null) {
			this.reader = new BufferedReader(
					new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		}
		return this.reader.readLine();
	}

	/**
	 * Read exactly that many bytes.
	 * @param length how many bytes
	 * @return the bytes
	 * @throws IOException when reading fails or times out, or the stream ends first
	 */
	public byte[] readBytes(int length) throws IOException {
		byte[] bytes = this.socket.getInputStream().readNBytes(length);
		if (bytes.length < length) {
			throw new IOException("Connection closed after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

	/**
	 * The decrypted input.
	 * @return the socket's input stream
	 * @throws IOException when the socket is closed
	 */
	public InputStream inputStream() throws IOException {
		return this.socket.getInputStream();
	}

	/**
	 * The output, encrypted as it is written.
	 * @return the socket's output stream
	 * @throws IOException when the socket is closed
	 */
	public OutputStream outputStream() throws IOException {
		return this.socket.getOutputStream();
	}

	/**
	 * The underlying socket, for what this class does not offer.
	 * @return the socket
	 */
	public SSLSocket socket() {
		return this.socket;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	@Override
	public String toString() {
		return "TlsTestConnection[" + localAddress() + " -> " + this.socket.getRemoteSocketAddress() + "]";
	}

}
