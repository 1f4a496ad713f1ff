package dev.tlsaccept.peers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * Raw TCP client behaviours from {@code openssl-reference.md} (rows e–m): each connects
 * to host:port, does one thing, and reports what the server did ({@link RawResult}).
 *
 * <p>
 * Reading stops at EOF, at a reset, or when the read timeout (a total budget per
 * behaviour, default 5 s) passes. Behaviours that "close" use
 * {@link Socket#shutdownOutput()} (FIN) and then keep reading, so that the server's
 * answer to the FIN (an alert, a reset, a close) is observed.
 *
 * <p>
 * ClientHello bytes are real ones, produced by a JDK client {@link SSLEngine}
 * ({@link #clientHello(String...)}).
 */
public final class RawClient {

	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

	public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** A TLS record as found in received bytes. */
	public record Record(int contentType, int version, byte[] fragment) {

		public static final int CHANGE_CIPHER_SPEC = 20;

		public static final int ALERT = 21;

		public static final int HANDSHAKE = 22;

		public static final int APPLICATION_DATA = 23;

		public Record {
			fragment = fragment.clone();
		}

		@Override
		public byte[] fragment() {
			return fragment.clone();
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof Record r && r.contentType == contentType && r.version == version
					&& Arrays.equals(r.fragment, fragment);
		}

		@Override
		public int hashCode() {
			return Objects.hash(contentType, version, Arrays.hashCode(fragment));
		}

		@Override
		public String toString() {
			return "Record[type=" + contentType + ", version=0x" + Integer.toHexString(version) + ", length="
					+ fragment.length + "]";
		}
	}

	private static final byte[] HTTP_GET = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	private static final Map<String, byte[]> HELLO_CACHE = new ConcurrentHashMap<>();

	private final Duration readTimeout;

	public RawClient() {
		this(DEFAULT_READ_TIMEOUT);
	}

	public RawClient(Duration readTimeout) {
		this.readTimeout = Objects.requireNonNull(readTimeout);
	}

	public Duration readTimeout() {
		return readTimeout;
	}

	// ---------------------------------------------------------------- behaviours

	/**
	 * Connects, writes {@code bytes}, reads until EOF/reset/{@code readTimeout}. No FIN
	 * is sent.
	 */
	public RawResult sendAndRead(String host, int port, byte[] bytes, Duration readTimeout) {
		try (Socket s = connect(host, port)) {
			Reader r = new Reader(s, readTimeout);
			if (!r.write(bytes)) {
				return r.result();
			}
			r.readUntilEnd();
			return r.result();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Row e: plaintext {@code GET / HTTP/1.1}. OpenSSL answers with no alert, then the
	 * client sees a reset.
	 */
	public RawResult plaintextHttp(String host, int port) {
		return sendAndRead(host, port, HTTP_GET, readTimeout);
	}

	/** Row f: connect, then FIN without sending a byte; read the server's answer. */
	public RawResult connectAndClose(String host, int port) {
		return thenFin(host, port, new byte[0], false);
	}

	/**
	 * Row g: the first half of a real ClientHello (TLS 1.3 + 1.2), then FIN; read the
	 * answer.
	 */
	public RawResult halfClientHelloThenClose(String host, int port) {
		return thenFin(host, port, halfClientHello(), false);
	}

	/**
	 * Row h: a full ClientHello, read the server's first flight (≥ 1 full record), then
	 * FIN; read the rest.
	 */
	public RawResult fullClientHelloReadFlightThenClose(String host, int port) {
		return thenFin(host, port, clientHello(), true);
	}

	/**
	 * As {@link #fullClientHelloReadFlightThenClose(String, int)} with a ClientHello
	 * offering only {@code protocols}.
	 */
	public RawResult fullClientHelloReadFlightThenClose(String host, int port, String... protocols) {
		return thenFin(host, port, clientHello(protocols), true);
	}

	/**
	 * Rows i and j: a full ClientHello, read some of the server's flight (≥ 1 full
	 * record), then the plaintext alert record
	 * {@code 15 03 03 00 02 <level> <description>}; read until EOF/timeout. close_notify
	 * = (1, 0), fatal handshake_failure = (2, 40).
	 */
	public RawResult fullClientHelloThenAlert(String host, int port, byte level, byte description) {
		try (Socket s = connect(host, port)) {
			Reader r = new Reader(s, readTimeout);
			if (!r.write(clientHello())) {
				return r.result();
			}
			if (!r.readFullRecord()) {
				return r.result();
			}
			if (!r.write(alertRecord(level, description))) {
				return r.result();
			}
			r.readUntilEnd();
			return r.result();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Row k: record header {@code 16 03 01 ff ff} (65535 bytes claimed) then 64 garbage
	 * bytes.
	 */
	public RawResult oversizedRecord(String host, int port) {
		byte[] bytes = new byte[5 + 64];
		bytes[0] = 0x16;
		bytes[1] = 0x03;
		bytes[2] = 0x01;
		bytes[3] = (byte) 0xff;
		bytes[4] = (byte) 0xff;
		for (int i = 5; i < bytes.length; i++) {
			bytes[i] = (byte) (0xA5 ^ i);
		}
		return sendAndRead(host, port, bytes, readTimeout);
	}

	/**
	 * Row l: send {@code 16 03 01} then nothing, holding the socket open for {@code hold}
	 * while reading. {@code timedOut} = the server waited at least that long;
	 * {@code eof}/{@code reset} = it gave up first (e.g. its handshake timeout).
	 */
	public RawResult stall(String host, int port, Duration hold) {
		return sendAndRead(host, port, new byte[] { 0x16, 0x03, 0x01 }, hold);
	}

	/**
	 * Row m: the first half of a ClientHello, then {@code SO_LINGER {on, 0}} and close,
	 * which sends a TCP RST. Nothing is read: the result reports the bytes (if any)
	 * already waiting when the reset was sent, with reset/eof/timedOut false.
	 */
	public RawResult halfClientHelloThenReset(String host, int port) {
		try (Socket s = connect(host, port)) {
			Reader r = new Reader(s, readTimeout);
			if (!r.write(halfClientHello())) {
				return r.result();
			}
			byte[] pending = r.drainAvailable();
			s.setSoLinger(true, 0); // the close at the end of this try sends RST instead
									// of FIN
			return new RawResult(pending, false, false, false);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private RawResult thenFin(String host, int port, byte[] bytes, boolean readRecordFirst) {
		try (Socket s = connect(host, port)) {
			Reader r = new Reader(s, readTimeout);
			if (bytes.length > 0 && !r.write(bytes)) {
				return r.result();
			}
			if (readRecordFirst && !r.readFullRecord()) {
				return r.result();
			}
			try {
				s.shutdownOutput();
			}
			catch (SocketException e) {
				r.failed(e);
				return r.result();
			}
			r.readUntilEnd();
			return r.result();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private Socket connect(String host, int port) throws IOException {
		Socket s = new Socket();
		s.setTcpNoDelay(true);
		s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
		return s;
	}

	// ---------------------------------------------------------------- reading

	/** Accumulates what the server sends within one total time budget. */
	private static final class Reader {

		private final Socket socket;

		private final InputStream in;

		private final Instant deadline;

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		private boolean reset;

		private boolean eof;

		private boolean timedOut;

		Reader(Socket socket, Duration budget) throws IOException {
			this.socket = socket;
			this.in = socket.getInputStream();
			this.deadline = Instant.now().plus(budget);
		}

		boolean write(byte[] bytes) {
			try {
				socket.getOutputStream().write(bytes);
				socket.getOutputStream().flush();
				return true;
			}
			catch (IOException e) {
				failed(e);
				return false;
			}
		}

		void failed(IOException e) {
			String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
			if (msg.contains("reset") || msg.contains("broken pipe")) {
				reset = true;
			}
			else {
				throw new UncheckedIOException(e);
			}
		}

		/** Reads once; false when the connection ended or the budget passed. */
		private boolean readSome() {
			long remaining = Duration.between(Instant.now(), deadline).toMillis();
			if (remaining <= 0) {
				timedOut = true;
				return false;
			}
			try {
				socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining)));
				byte[] buf = new byte[16384];
				int n = in.read(buf);
				if (n < 0) {
					eof = true;
					return false;
				}
				received.write(buf, 0, n);
				return true;
			}
			catch (SocketTimeoutException e) {
				timedOut = true;
				return false;
			}
			catch (IOException e) {
				failed(e);
				return false;
			}
		}

		void readUntilEnd() {
			while (readSome()) {
				// keep reading
			}
		}

		/**
		 * Reads until at least one complete record is in; false if the connection ended
		 * first.
		 */
		boolean readFullRecord() {
			while (!hasFullRecord(received.toByteArray())) {
				if (!readSome()) {
					return false;
				}
			}
			return true;
		}

		/** What is already readable without blocking. */
		byte[] drainAvailable() {
			try {
				while (in.available() > 0) {
					byte[] buf = new byte[in.available()];
					int n = in.read(buf);
					if (n <= 0) {
						break;
					}
					received.write(buf, 0, n);
				}
			}
			catch (IOException ignored) {
				// nothing more to report
			}
			return received.toByteArray();
		}

		RawResult result() {
			return new RawResult(received.toByteArray(), reset, eof, timedOut);
		}

	}

	private static boolean hasFullRecord(byte[] b) {
		if (b.length < 5) {
			return false;
		}
		int len = ((b[3] & 0xff) << 8) | (b[4] & 0xff);
		return b.length >= 5 + len;
	}

	// ---------------------------------------------------------------- TLS bytes

	/** A plaintext alert record {@code 15 03 03 00 02 <level> <description>}. */
	public static byte[] alertRecord(byte level, byte description) {
		return new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, level, description };
	}

	/**
	 * A real ClientHello record offering TLSv1.3 and TLSv1.2 (JDK defaults otherwise, SNI
	 * localhost).
	 */
	public static byte[] clientHello() {
		return clientHello("TLSv1.3", "TLSv1.2");
	}

	/**
	 * A real ClientHello record (as the first flight of a JDK {@link SSLEngine} in client
	 * mode, SNI {@code localhost}) offering exactly {@code protocols}, e.g.
	 * {@code "TLSv1.2"}. Cached per protocol list (the random is therefore fixed within a
	 * JVM, which servers do not care about).
	 */
	public static byte[] clientHello(String... protocols) {
		String[] p = protocols.length == 0 ? new String[] { "TLSv1.3", "TLSv1.2" } : protocols.clone();
		return HELLO_CACHE.computeIfAbsent(String.join(",", p), k -> makeClientHello(p)).clone();
	}

	/** The first half of {@link #clientHello()}. */
	public static byte[] halfClientHello() {
		byte[] hello = clientHello();
		return Arrays.copyOf(hello, hello.length / 2);
	}

	private static byte[] makeClientHello(String[] protocols) {
		try {
			SSLContext ctx = SSLContext.getInstance("TLS");
			ctx.init(null, null, null);
			SSLEngine engine = ctx.createSSLEngine("localhost", 443);
			engine.setUseClientMode(true);
			engine.setEnabledProtocols(protocols);
			engine.beginHandshake();
			ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
			SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
			if (r.bytesProduced() == 0) {
				throw new IllegalStateException("SSLEngine produced no ClientHello: " + r);
			}
			out.flip();
			byte[] bytes = new byte[out.remaining()];
			out.get(bytes);
			engine.closeOutbound();
			if (bytes[0] != 0x16 || !hasFullRecord(bytes)) {
				throw new IllegalStateException("not a handshake record");
			}
			return bytes;
		}
		catch (GeneralSecurityException | IOException e) {
			throw new IllegalStateException("cannot build ClientHello for " + Arrays.toString(protocols), e);
		}
	}

	/**
	 * The TLS records in {@code received}, in order, up to the first incomplete one or
	 * the first byte that is not a plausible record header (content type 20–24, major
	 * version 3).
	 */
	public static List<Record> records(byte[] received) {
		List<Record> records = new ArrayList<>();
		int o = 0;
		while (o + 5 <= received.length) {
			int type = received[o] & 0xff;
			int version = ((received[o + 1] & 0xff) << 8) | (received[o + 2] & 0xff);
			int len = ((received[o + 3] & 0xff) << 8) | (received[o + 4] & 0xff);
			if (type < 20 || type > 24 || (version >> 8) != 3 || o + 5 + len > received.length) {
				break;
			}
			records.add(new Record(type, version, Arrays.copyOfRange(received, o + 5, o + 5 + len)));
			o += 5 + len;
		}
		return records;
	}

	/**
	 * The first plaintext alert record (content type 21, length 2) in what a server sent,
	 * walking the records from the start. An alert sent after TLS 1.3 encryption started
	 * is an application_data record (type 23) and is not found; use a TLS 1.2 ClientHello
	 * to see alerts in clear.
	 */
	public static Optional<Alert> plaintextAlertIn(byte[] received) {
		for (Record r : records(received)) {
			byte[] f = r.fragment;
			if (r.contentType == Record.ALERT && f.length == 2) {
				return Optional.of(new Alert(f[0] & 0xff, f[1] & 0xff));
			}
		}
		return Optional.empty();
	}

}
