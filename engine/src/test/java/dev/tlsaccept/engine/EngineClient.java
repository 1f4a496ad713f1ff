package dev.tlsaccept.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * A JDK client {@link SSLEngine} over a plain socket, driven by hand so that a test can
 * send what an {@code SSLSocket} never would: a renegotiation ClientHello followed at
 * once by application data, or a record with a bit flipped. It decrypts what the server
 * answers, TLS 1.3 alerts included, and reports what it saw.
 */
final class EngineClient implements AutoCloseable {

	private final Socket socket;

	private final SSLEngine engine;

	private final InputStream in;

	private final OutputStream out;

	private final ByteBuffer inbound = ByteBuffer.allocate(64 * 1024);

	private final ByteBuffer plaintext = ByteBuffer.allocate(64 * 1024);

	private final Duration timeout;

	EngineClient(int port, SSLEngine engine, Duration timeout) throws IOException {
		this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
		this.socket.setSoTimeout((int) timeout.toMillis());
		this.engine = engine;
		this.in = this.socket.getInputStream();
		this.out = this.socket.getOutputStream();
		this.timeout = timeout;
	}

	/** Complete the handshake, bounded by the timeout. */
	void handshake() throws IOException {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		while (this.engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
			if (System.nanoTime() > deadline) {
				throw new IOException("handshake did not finish within " + this.timeout);
			}
			switch (this.engine.getHandshakeStatus()) {
				case NEED_TASK -> runTasks();
				case NEED_WRAP -> send(wrap(ByteBuffer.allocate(0)));
				default -> unwrapSome();
			}
		}
	}

	/**
	 * Wrap a record without sending it.
	 * @param data the plaintext, empty for a handshake message the engine wants to send
	 * @return the record, in read mode
	 */
	ByteBuffer wrap(ByteBuffer data) throws SSLException {
		ByteBuffer record = ByteBuffer.allocate(this.engine.getSession().getPacketBufferSize());
		this.engine.wrap(data, record);
		return record.flip();
	}

	/**
	 * Start a renegotiation: the ClientHello record, not sent yet.
	 * @return the record, in read mode
	 */
	ByteBuffer renegotiationHello() throws SSLException {
		this.engine.beginHandshake();
		return wrap(ByteBuffer.allocate(0));
	}

	void send(ByteBuffer... records) throws IOException {
		for (ByteBuffer record : records) {
			this.out.write(record.array(), record.position(), record.remaining());
		}
		this.out.flush();
	}

	/**
	 * Read and decrypt until the server closes, an alert arrives or the timeout passes.
	 * @return what the server's bytes said
	 */
	Answer readAnswer() {
		StringBuilder text = new StringBuilder();
		try {
			while (true) {
				if (!unwrapSome()) {
					return new Answer(text.toString(), null, true);
				}
				this.plaintext.flip();
				while (this.plaintext.hasRemaining()) {
					text.append((char) this.plaintext.get());
				}
				this.plaintext.clear();
				if (this.engine.isInboundDone()) {
					return new Answer(text.toString(), null, false);
				}
			}
		}
		catch (SSLException ex) {
			return new Answer(text.toString(), ex, false);
		}
		catch (IOException ex) {
			return new Answer(text.toString(), null, !(ex instanceof SocketTimeoutException));
		}
	}

	/**
	 * Unwrap buffered bytes, reading more when needed.
	 * @return {@code false} on EOF
	 */
	private boolean unwrapSome() throws IOException {
		if (this.inbound.position() == 0 && !readMore()) {
			return false;
		}
		this.inbound.flip();
		SSLEngineResult result = this.engine.unwrap(this.inbound, this.plaintext);
		this.inbound.compact();
		runTasks();
		if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
			return readMore();
		}
		return true;
	}

	private boolean readMore() throws IOException {
		byte[] bytes = new byte[8192];
		int count = this.in.read(bytes);
		if (count < 0) {
			return false;
		}
		this.inbound.put(bytes, 0, count);
		return true;
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * What the server answered.
	 *
	 * @param data the application data decrypted
	 * @param failure the client engine's failure (it names the alert received), if any
	 * @param closed whether the server closed the connection without an alert the engine
	 * reported
	 */
	record Answer(String data, @Nullable SSLException failure, boolean closed) {

	}

}
