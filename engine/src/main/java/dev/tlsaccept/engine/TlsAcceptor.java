package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.tlsaccept.clienthello.ClientHelloCollector;
import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.clienthello.ServerHelloGroup;
import org.jspecify.annotations.Nullable;

/**
 * The server side of one TLS connection, under the contract of OpenSSL's
 * {@code SSL_accept()}: {@link #accept()} returns {@code 1} when the handshake is
 * complete, {@code 0} when the peer shut it down, {@code -1} otherwise, and an
 * {@link SslError} that says why, exactly as {@code SSL_get_error()} would.
 *
 * <ul>
 * <li>Over a blocking BIO, {@code accept()} returns only when the handshake has finished
 * or failed, bounded by the handshake timeout; it never returns {@code WANT_*}.</li>
 * <li>Over a non-blocking channel or a {@link BioPair}, it returns {@code -1 WANT_READ}
 * or {@code -1 WANT_WRITE} when the BIO cannot make progress; satisfy the need and call
 * it again. A caller that waits longer than {@link #deadlineNanos()} calls
 * {@link #timeOut()}.</li>
 * <li>After {@code 1}, {@code accept()} returns the same {@code 1} at once; after a
 * failure, the same failure.</li>
 * </ul>
 *
 * <p>
 * {@link #read}, {@link #write} and {@link #shutdown()} mirror {@code SSL_read},
 * {@code SSL_write} and {@code SSL_shutdown} for the data phase. Writes over a
 * non-blocking BIO may be partial (as with {@code SSL_MODE_ENABLE_PARTIAL_WRITE}).
 *
 * <p>
 * One state machine over {@link SSLEngine} serves every BIO. Like an {@code SSL*}, one
 * thread drives the handshake; once established, one thread may read while another writes
 * (full duplex: {@code read} and {@code write} take separate locks, as
 * {@code SSLEngine}'s unwrap and wrap do). {@link #close()} may be called from any
 * thread. The acceptor owns its transport: {@code close()} closes the socket or channel.
 */
public final class TlsAcceptor implements AutoCloseable {

	// The handshake lives here; the data phase in RecordChannel, the buffers in
	// RecordBuffers, the
	// engine's delegated tasks in DelegatedTasks. The lifecycle state below is the one
	// that gates them.

	private static final ByteBuffer EMPTY = RecordBuffers.EMPTY;

	private enum State {

		NEW, HANDSHAKING, ESTABLISHED, FAILED, CLOSED

	}

	private final TlsEngineContext context;

	/** How the engine's failures read in OpenSSL's terms. */
	private final FailureTranslator failures;

	private final SSLEngine engine;

	private final Bio bio;

	private final TlsConfig config;

	private final InboundRecords records = new InboundRecords();

	private final ClientHelloCollector clientHello = new ClientHelloCollector();

	private boolean clientHelloFed;

	/** The group the server chose, read off its plaintext hello. */
	private final ServerHelloGroup serverHello = new ServerHelloGroup();

	private volatile State state = State.NEW;

	/** netIn, netOut and appIn: grown on demand, given back when drained. */
	private final RecordBuffers buffers;

	private boolean producedOutput;

	/** The engine wrote a handshake record (its ServerHello), not only an alert. */
	private boolean serverHelloSent;

	/** The last wrap did not fit next to pending output: flush before wrapping again. */
	private boolean netOutFull;

	private boolean handshakeFinished;

	/**
	 * The engine was given a chance to write its post-handshake messages (session
	 * tickets).
	 */
	private boolean postHandshakeWrapped;

	private boolean peerClosedDuringHandshake;

	/** The ClientHello was checked before the first byte of the server's answer left. */
	private boolean helloChecked;

	private final AtomicBoolean released = new AtomicBoolean();

	private Instant startedAt = Instant.EPOCH;

	private long startNanos;

	private long deadlineNanos = Long.MAX_VALUE;

	private int wantReadTurns;

	private int wantWriteTurns;

	private @Nullable AcceptResult finished;

	private @Nullable SSLSession handshakeSession;

	private @Nullable SSLException startFailure;

	private final DelegatedTasks tasks;

	/** Where a resumption's task may run inline; {@code null}: never. */
	private final @Nullable InlineResumptions inlineResumptions;

	/** The first delegated task is yet to come: the only one a resumption has. */
	private boolean firstTask = true;

	/**
	 * A token of {@link #inlineResumptions} is held: given back once the server's hello
	 * shows the resumption.
	 */
	private boolean inlineTokenHeld;

	/** The data phase, once the handshake is done. */
	private final RecordChannel channel;

	TlsAcceptor(TlsEngineContext context, TlsConfig config, Bio bio) {
		this.context = context;
		this.failures = FailureTranslator.of(context);
		this.config = config;
		this.bio = bio;
		this.buffers = new RecordBuffers(bio);
		this.engine = context.newEngine(bio.remoteAddress());
		this.tasks = new DelegatedTasks(this.engine, this::releaseEngine);
		this.inlineResumptions = InlineResumptions.of(context);
		this.channel = new RecordChannel(this.engine, bio, this.buffers, this.tasks, new ChannelOwner());
	}

	/**
	 * Run the engine's delegated tasks (the signature, the key exchange: the expensive
	 * part of a handshake) on an executor instead of the thread that calls
	 * {@link #accept()}, as Netty's {@code SslHandler} can. While they run,
	 * {@code accept()} returns {@code -1 WANT_ASYNC}; when they are done,
	 * {@code whenDone} is called (on the executor's thread) and the caller calls
	 * {@code accept()} again. One exception: on an engine whose resumption costs less
	 * than the two thread hand-offs ({@code openssl}), a handshake whose ClientHello
	 * offers a session (a TLS 1.3 pre-shared key, a TLS 1.2 ticket or session ID) runs
	 * its task on the calling thread, never answering {@code WANT_ASYNC}; offers that
	 * turn out to be full handshakes (a ticket the server cannot decrypt) are bounded to
	 * a burst of 16 and 16 a second per context, after which tasks go to the executor
	 * again. Call before the first {@code accept()}.
	 * @param executor where the tasks run
	 * @param whenDone told when they are done; not called when the acceptor was closed
	 * meanwhile
	 */
	public void delegateTasks(Executor executor, Runnable whenDone) {
		this.tasks.delegateTo(executor, whenDone);
	}

	/**
	 * Drive the server side of the handshake, as {@code SSL_accept()} does.
	 * @return the result: {@code 1 NONE} once complete; {@code -1 WANT_READ/WANT_WRITE}
	 * when a non-blocking BIO cannot make progress; {@code 0} or {@code -1} with the
	 * reason otherwise
	 */
	public AcceptResult accept() {
		AcceptResult done = this.finished;
		if (done != null) {
			return done;
		}
		if (this.state == State.CLOSED) {
			return failure(-1, new Failure(SslError.SYSCALL, null, "acceptor closed", null));
		}
		if (this.tasks.isRunning()) {
			return wantAsync();
		}
		if (this.state == State.NEW) {
			start();
		}
		SSLException startFailure = this.startFailure;
		if (startFailure != null) {
			return engineFailure(startFailure);
		}
		try {
			return handshake();
		}
		catch (SSLException ex) {
			return engineFailure(ex);
		}
		catch (IOException ex) {
			return failure(-1, Failures.io(ex));
		}
		catch (RuntimeException ex) {
			return failure(-1, Failures.unexpected(ex));
		}
	}

	/**
	 * End a pending handshake whose deadline passed: {@code -1 SYSCALL}, "handshake timed
	 * out". A selector loop calls it when {@link #deadlineNanos()} is reached; a finished
	 * handshake keeps its result.
	 * @return the result of the handshake
	 */
	public AcceptResult timeOut() {
		AcceptResult done = this.finished;
		if (done != null) {
			return done;
		}
		if (this.state == State.NEW) {
			start();
		}
		return failure(-1, Failures.timedOut());
	}

	/**
	 * When the handshake times out, in {@link System#nanoTime()} terms;
	 * {@code Long.MAX_VALUE} before the first {@link #accept()} call.
	 * @return the deadline
	 */
	public long deadlineNanos() {
		return this.deadlineNanos;
	}

	private void start() {
		this.state = State.HANDSHAKING;
		this.startedAt = this.config.clock().instant();
		this.startNanos = System.nanoTime();
		long timeout = this.config.handshakeTimeout().toNanos();
		this.deadlineNanos = this.startNanos + timeout;
		try {
			this.engine.beginHandshake();
		}
		catch (SSLException ex) {
			this.startFailure = ex;
		}
	}

	private AcceptResult handshake() throws IOException {
		while (true) {
			rememberHandshakeSession();
			if (System.nanoTime() - this.deadlineNanos >= 0) {
				return failure(-1, Failures.timedOut());
			}
			HandshakeStatus status = this.engine.getHandshakeStatus();
			// a whole flight goes out in one write: flush only before waiting for the
			// peer, at the
			// end, or when the next record does not fit (one write per record met Nagle
			// and delayed
			// ACKs: ~40 ms per TLS 1.3 handshake over a blocking socket)
			boolean flightComplete = status != HandshakeStatus.NEED_WRAP && status != HandshakeStatus.NEED_TASK;
			if (!this.helloChecked && this.buffers.netOut.position() > 0) {
				this.helloChecked = true;
				AcceptResult refused = refuseMalformedHello();
				if (refused != null) {
					return refused;
				}
			}
			if ((flightComplete || this.netOutFull) && !this.buffers.flush()) {
				return wantWrite();
			}
			this.netOutFull = false;
			if (this.handshakeFinished && status == HandshakeStatus.NOT_HANDSHAKING) {
				if (!this.postHandshakeWrapped) {
					this.postHandshakeWrapped = true;
					if (wrapPostHandshakeMessages()) {
						continue;
					}
				}
				return success();
			}
			switch (status) {
				case NEED_TASK -> {
					if (runsInline()) {
						this.tasks.runHere();
					}
					else if (this.tasks.run()) {
						return wantAsync();
					}
				}
				case NEED_WRAP -> wrapHandshake();
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					if (!unwrapHandshake()) {
						AcceptResult waiting = readHandshake();
						if (waiting != null) {
							return waiting;
						}
					}
				}
				case FINISHED, NOT_HANDSHAKING -> {
					if (!this.producedOutput) {
						// a server handshake always sends ServerHello: an engine that
						// stopped before is broken
						throw new SSLException("the engine stopped handshaking before sending ServerHello");
					}
					this.handshakeFinished = true;
				}
			}
		}
	}

	/**
	 * Whether this handshake's first delegated task runs here although tasks are
	 * delegated: the client offers a session the engine can resume cheaply, and few such
	 * guesses were wrong lately (see {@link InlineResumptions}).
	 */
	private boolean runsInline() {
		boolean first = this.firstTask;
		this.firstTask = false;
		InlineResumptions inline = this.inlineResumptions;
		ClientHelloSummary offered = this.clientHello.summary();
		if (!first || inline == null || !this.tasks.delegates() || offered == null || !offersResumableSession(offered)
				|| !inline.tryAcquire()) {
			return false;
		}
		this.inlineTokenHeld = true;
		return true;
	}

	/** Whether the client offers a session of the protocol the server will choose. */
	private boolean offersResumableSession(ClientHelloSummary offered) {
		boolean tls13 = offered.supportedVersions().contains("TLSv1.3") && this.config.protocols().contains("TLSv1.3");
		return switch (offered.resumptionOffered()) {
			case PRE_SHARED_KEY -> tls13;
			case SESSION_TICKET, SESSION_ID -> !tls13;
			case NONE -> false;
		};
	}

	private AcceptResult wantAsync() {
		return AcceptResult.retry(SslError.WANT_ASYNC, this.startedAt, elapsed(), this.wantReadTurns,
				this.wantWriteTurns);
	}

	/**
	 * An engine may go on past a ClientHello that tlsaccept's parser finds malformed (an
	 * extension it does not read, such as ALPN when the server offers none): refuse it
	 * before the server's first flight leaves, with decode_error as OpenSSL 3 does.
	 * @return the failure, or {@code null} when the hello is well formed
	 */
	private @Nullable AcceptResult refuseMalformedHello() {
		if (!isMalformedHello()) {
			return null;
		}
		this.buffers.netOut.clear();
		Failure refused = Failures.malformedHello();
		sendPlaintextAlert(refused.alert());
		return failure(-1, refused);
	}

	/** The whole ClientHello arrived and tlsaccept's parser rejected it. */
	private boolean isMalformedHello() {
		ClientHelloSummary summary = this.clientHello.summary();
		return this.clientHello.isComplete() && summary != null && summary.parseError() != null;
	}

	private void wrapHandshake() throws SSLException {
		this.buffers.ensureNetOut(this.engine);
		int start = this.buffers.netOut.position();
		SSLEngineResult result = this.engine.wrap(EMPTY, this.buffers.netOut);
		if (result.bytesProduced() > 0) {
			this.producedOutput = true;
			if (this.buffers.netOut.get(start) == InboundRecords.CONTENT_HANDSHAKE) {
				this.serverHelloSent = true;
			}
			this.serverHello.feed(this.buffers.netOut.array(), this.buffers.netOut.arrayOffset() + start,
					result.bytesProduced());
			InlineResumptions inline = this.inlineResumptions;
			if (this.inlineTokenHeld && inline != null && this.serverHello.resumed()) {
				this.inlineTokenHeld = false;
				inline.release();
			}
		}
		switch (result.getStatus()) {
			case BUFFER_OVERFLOW -> {
				if (this.buffers.netOut.position() == 0) {
					this.buffers.netOut = RecordBuffers.grow(this.buffers.netOut, packetSize());
				}
				else {
					this.netOutFull = true;
				}
			}
			case CLOSED -> {
				if (result.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING || !this.handshakeFinished) {
					throw new SSLException("engine closed during the handshake");
				}
			}
			default -> {
			}
		}
		if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
			this.handshakeFinished = true;
		}
	}

	/**
	 * Unwrap buffered network bytes.
	 * @return {@code true} when the engine made progress, {@code false} when it needs
	 * more input
	 */
	private boolean unwrapHandshake() throws SSLException {
		if (!this.tasks.unwrapDue(this.buffers)) {
			return false;
		}
		this.buffers.ensureAppIn(256);
		SSLEngineResult result = this.buffers.unwrap(this.engine, this.buffers.appIn);
		if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
			this.handshakeFinished = true;
		}
		switch (result.getStatus()) {
			case BUFFER_UNDERFLOW -> {
				this.buffers.roomForRecord(packetSize());
				return false;
			}
			case BUFFER_OVERFLOW -> {
				this.buffers.ensureAppIn(applicationSize());
				return true;
			}
			case CLOSED -> {
				this.peerClosedDuringHandshake = true;
				return false;
			}
			default -> {
				return true;
			}
		}
	}

	/**
	 * Read more bytes for the handshake.
	 * @return {@code null} when bytes arrived, else the result to return
	 */
	private @Nullable AcceptResult readHandshake() throws IOException {
		if (this.peerClosedDuringHandshake) {
			Failure received = Failures.receivedDuringHandshake(this.records.receivedAlert());
			return failure((received.error() == SslError.ZERO_RETURN) ? 0 : -1, received);
		}
		if (!this.buffers.netIn.hasRemaining()) {
			this.buffers.netIn = RecordBuffers.grow(this.buffers.netIn, this.buffers.netIn.capacity() * 2);
		}
		int from = this.buffers.netIn.position();
		long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.deadlineNanos - System.nanoTime()));
		int count = this.bio.read(this.buffers.netIn, remainingMillis);
		if (count == 0) {
			return wantRead();
		}
		if (count < 0) {
			return failure(0, Failures.eof());
		}
		if (this.clientHello.summary() == null) {
			this.clientHello.feed(this.buffers.netIn.array(), this.buffers.netIn.arrayOffset() + from, count);
			this.clientHelloFed = true;
		}
		InboundRecords.Verdict verdict = this.records.scan(this.buffers.netIn, from, from + count,
				this.buffers.netInBase + from, !this.producedOutput);
		return switch (verdict) {
			case NONE -> null;
			case HTTP_REQUEST -> failure(-1, Failures.httpRequest());
			case HTTPS_PROXY_REQUEST -> failure(-1, Failures.httpsProxyRequest());
			case OVERSIZED_RECORD -> {
				Failure overflow = Failures.oversizedRecord();
				sendPlaintextAlert(overflow.alert());
				yield failure(-1, overflow);
			}
			case PEER_ALERT -> {
				// the engine processes what came before the alert, never the alert itself
				this.buffers.netIn.position((int) (this.records.stopOffset() - this.buffers.netInBase));
				this.peerClosedDuringHandshake = true;
				yield null;
			}
		};
	}

	private void sendPlaintextAlert(@Nullable TlsAlert alert) {
		if (alert == null) {
			return;
		}
		this.buffers.ensureNetOut(this.engine);
		this.buffers.netOut.put(new byte[] { InboundRecords.CONTENT_ALERT, 3, 3, 0, 2,
				(byte) ((alert.level() == TlsAlert.Level.WARNING) ? 1 : 2), (byte) alert.number() });
		this.buffers.flushQuietly();
	}

	private AcceptResult engineFailure(SSLException failure) {
		String protocol = handshakeProtocol();
		TlsAlert received = this.records.receivedAlert();
		if (received == null) {
			received = this.failures.receivedAlert(failure);
		}
		TlsAlert alert = received;
		if (received == null) {
			alert = drainAlert(failure, protocol);
		}
		Failure translated = this.failures.translate(failure, alert, isMalformedHello());
		return failure(-1, noSharedGroup(alert) ? Failures.noSharedGroup(translated, offersTls13()) : translated);
	}

	/**
	 * Whether the server refused the hello because none of the client's groups is
	 * configured: read from the facts (configured groups, offered groups,
	 * handshake_failure before any ServerHello), the same on every engine, whatever each
	 * engine's message says.
	 */
	private boolean noSharedGroup(@Nullable TlsAlert alert) {
		ClientHelloSummary offered = this.clientHello.summary();
		return !this.config.groups().isEmpty() && !this.serverHelloSent && offered != null
				&& offered.parseError() == null && alert != null && alert.number() == 40
				&& alert.direction() == TlsAlert.Direction.SENT
				&& this.config.groups()
					.stream()
					.noneMatch((group) -> offered.supportedGroups()
						.stream()
						.anyMatch((candidate) -> candidate.equalsIgnoreCase(group.strip())));
	}

	/** Whether client and server both offer TLS 1.3. */
	private boolean offersTls13() {
		ClientHelloSummary offered = this.clientHello.summary();
		return offered != null && offered.supportedVersions().contains("TLSv1.3")
				&& this.config.protocols().contains("TLSv1.3");
	}

	/**
	 * Let the engine produce the alert it queued for a failure, send it, and tell which
	 * it was.
	 */
	private @Nullable TlsAlert drainAlert(SSLException failure, @Nullable String protocol) {
		this.buffers.ensureNetOut(this.engine);
		int start = this.buffers.netOut.position();
		try {
			for (int i = 0; i < 4; i++) {
				SSLEngineResult result = this.engine.wrap(EMPTY, this.buffers.netOut);
				if (result.bytesProduced() == 0) {
					break;
				}
			}
		}
		catch (SSLException | RuntimeException ex) {
			// the engine has nothing more to say
		}
		ByteBuffer produced = this.buffers.netOut.duplicate();
		produced.flip();
		produced.position(start);
		TlsAlert alert = null;
		if (produced.hasRemaining()) {
			alert = InboundRecords.plaintextAlert(produced, TlsAlert.Direction.SENT);
			if (alert == null && InboundRecords.hasEncryptedAlert(produced)) {
				alert = this.failures.encryptedAlert(failure, protocol);
			}
			if (alert == null && InboundRecords.onlyHandshakeRecords(produced)) {
				// SunJSSE 17 writes the TLS 1.2 flight up to the message that failed
				// (ServerHello, Certificate; then "No supported signature algorithm"),
				// and no alert: send the one it raised after it, in clear as the flight
				this.serverHelloSent = true;
				this.serverHello.feed(produced.array(), produced.arrayOffset() + produced.position(),
						produced.remaining());
				TlsAlert unwritten = "TLSv1.3".equals(this.serverHello.protocol()) ? null
						: this.failures.unwrittenAlert(failure);
				if (unwritten != null) {
					sendPlaintextAlert(unwritten);
					return unwritten;
				}
			}
		}
		else if (!this.producedOutput) {
			// nothing sent yet, and the engine wrote nothing now: send the alert it
			// raised without
			// writing it (BCJSSE before a valid ClientHello), or decode_error for a
			// ClientHello that
			// tlsaccept's parser rejected too (SunJSSE 17 writes nothing when a delegated
			// task fails)
			alert = this.failures.unwrittenAlert(failure);
			if (alert == null && isMalformedHello()) {
				alert = TlsAlert.of(50, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);
			}
			if (alert != null) {
				sendPlaintextAlert(alert);
				return alert;
			}
		}
		this.buffers.flushQuietly();
		return alert;
	}

	/**
	 * The protocol the engine chose, once its ServerHello went out: before, engines
	 * report a default ({@code TLSv1.2}: BCJSSE) or nothing ({@code ""}: BoringSSL) for
	 * hellos they refused.
	 */
	private @Nullable String handshakeProtocol() {
		if (!this.serverHelloSent) {
			return null;
		}
		// what the ServerHello said: after a failure SunJSSE and BoringSSL no longer have
		// a handshake session to ask
		if (this.serverHello.protocol() != null) {
			return this.serverHello.protocol();
		}
		try {
			SSLSession session = this.engine.getHandshakeSession();
			if (session != null && session.getProtocol() != null && !session.getProtocol().isEmpty()
					&& !session.getProtocol().startsWith("NONE")) {
				return session.getProtocol();
			}
		}
		catch (RuntimeException ex) {
			// no session yet
		}
		return null;
	}

	private AcceptResult wantRead() {
		if (this.bio.isBlocking()) {
			throw new IllegalStateException("a blocking BIO must not report WANT_READ");
		}
		this.wantReadTurns++;
		return AcceptResult.retry(SslError.WANT_READ, this.startedAt, elapsed(), this.wantReadTurns,
				this.wantWriteTurns);
	}

	private AcceptResult wantWrite() {
		this.wantWriteTurns++;
		return AcceptResult.retry(SslError.WANT_WRITE, this.startedAt, elapsed(), this.wantReadTurns,
				this.wantWriteTurns);
	}

	/**
	 * Let the engine write what it queued after the handshake: BoringSSL holds its TLS
	 * 1.3 NewSessionTicket until the next wrap, and a client that waits for the ticket
	 * before it writes ({@code gnutls-cli --waitresumption}) would wait forever. Other
	 * engines write nothing here.
	 * @return {@code true} when bytes were produced (the loop flushes them)
	 */
	private boolean wrapPostHandshakeMessages() throws SSLException {
		this.buffers.ensureNetOut(this.engine);
		SSLEngineResult result = this.engine.wrap(EMPTY, this.buffers.netOut);
		return result.bytesProduced() > 0;
	}

	/**
	 * Hold on to the handshake session: it keeps a refused client chain after the engine
	 * failed.
	 */
	private void rememberHandshakeSession() {
		if (this.handshakeSession == null && this.state == State.HANDSHAKING) {
			try {
				this.handshakeSession = this.engine.getHandshakeSession();
			}
			catch (RuntimeException ex) {
				// none yet
			}
		}
	}

	private AcceptResult success() {
		SSLSession session = this.engine.getSession();
		String serverName = ServerNames.requested(session);
		String alpn = this.engine.getApplicationProtocol();
		List<X509Certificate> peers = new ArrayList<>();
		// without client authentication there is no chain: skip the exception (its stack
		// trace) that getPeerCertificates() would throw on every handshake
		if (this.engine.getNeedClientAuth() || this.engine.getWantClientAuth()) {
			try {
				for (Certificate certificate : session.getPeerCertificates()) {
					if (certificate instanceof X509Certificate x509) {
						peers.add(x509);
					}
				}
			}
			catch (SSLPeerUnverifiedException ex) {
				// no client certificate
			}
		}
		AcceptResult result = AcceptResult.builder(1, SslError.NONE)
			.startedAt(this.startedAt)
			.duration(elapsed())
			.turns(this.wantReadTurns, this.wantWriteTurns)
			.protocol(session.getProtocol())
			.cipherSuite(session.getCipherSuite())
			.serverName(serverName)
			.applicationProtocol((alpn == null || alpn.isEmpty()) ? null : alpn)
			.peerCertificates(peers)
			.clientHello(clientHelloSummary())
			.group(this.serverHello.group())
			.resumed(this.serverHello.resumed())
			.build();
		this.finished = result;
		this.state = State.ESTABLISHED;
		this.buffers.trimInbound();
		this.buffers.trimOutbound();
		this.tasks.runInlineFromNow();
		return result;
	}

	private AcceptResult failure(int code, Failure failure) {
		String serverName = null;
		try {
			serverName = ServerNames.requested(this.engine.getHandshakeSession());
		}
		catch (RuntimeException ex) {
			// no handshake session
		}
		ClientHelloSummary offered = clientHelloSummary();
		if (serverName == null && offered != null) {
			serverName = offered.serverName();
		}
		AcceptResult result = AcceptResult.builder(code, failure.error())
			.startedAt(this.startedAt)
			.duration(elapsed())
			.turns(this.wantReadTurns, this.wantWriteTurns)
			.protocol(handshakeProtocol())
			.serverName(serverName)
			.peerCertificates(RefusedChainTrustManager.refusedChain(this.handshakeSession))
			.alert(failure.alert())
			.engineMessage(failure.engineMessage())
			.reason(failure.reason())
			.clientHello(offered)
			.group(this.serverHello.group())
			.resumed(this.serverHello.resumed())
			.build();
		this.finished = result;
		if (this.state != State.CLOSED) {
			this.state = State.FAILED;
		}
		release();
		return result;
	}

	private @Nullable ClientHelloSummary clientHelloSummary() {
		ClientHelloSummary summary = this.clientHello.summary();
		if (summary == null && this.clientHelloFed) {
			summary = this.clientHello.summarizeSoFar();
		}
		return summary;
	}

	private Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	// ---- data phase: the record channel
	// -------------------------------------------------

	/**
	 * Read application data, as {@code SSL_read()} does.
	 * @param dst the buffer to fill, in write mode
	 * @return the number of bytes read ({@code > 0}); {@code -1 WANT_READ/WANT_WRITE};
	 * {@code 0
	 * ZERO_RETURN} once the peer sent close_notify; {@code 0 SYSCALL} on EOF without
	 * close_notify; {@code -1 SSL} or {@code -1 SYSCALL} on failure
	 */
	public IoResult read(ByteBuffer dst) {
		IoResult notReady = requireEstablished();
		return (notReady != null) ? notReady : this.channel.read(dst);
	}

	/**
	 * Read application data into an array.
	 * @param bytes the array
	 * @param offset where to start
	 * @param length at most how many bytes
	 * @return as {@link #read(ByteBuffer)}
	 */
	public IoResult read(byte[] bytes, int offset, int length) {
		return read(ByteBuffer.wrap(bytes, offset, length));
	}

	/**
	 * Write application data, as {@code SSL_write()} does.
	 * @param src the bytes to write, in read mode; its position advances by the count
	 * written
	 * @return the number of bytes written (all of them over a blocking BIO, possibly
	 * fewer over a non-blocking one); {@code -1 WANT_WRITE} when nothing could be
	 * written; {@code -1 SSL} or {@code -1 SYSCALL} on failure
	 */
	public IoResult write(ByteBuffer src) {
		IoResult notReady = requireEstablished();
		return (notReady != null) ? notReady : this.channel.write(src);
	}

	/**
	 * Write application data from an array.
	 * @param bytes the array
	 * @param offset where to start
	 * @param length how many bytes
	 * @return as {@link #write(ByteBuffer)}
	 */
	public IoResult write(byte[] bytes, int offset, int length) {
		return write(ByteBuffer.wrap(bytes, offset, length));
	}

	/**
	 * Shut the TLS connection down, as {@code SSL_shutdown()} does: the first call sends
	 * close_notify and returns {@code 0}, or {@code 1} when the peer's close_notify was
	 * already received; a later call waits for the peer's close_notify and returns
	 * {@code 1}.
	 * @return {@code 1}, {@code 0}, or {@code -1} with {@code WANT_READ/WANT_WRITE} or a
	 * failure
	 */
	public IoResult shutdown() {
		if (this.state != State.ESTABLISHED) {
			return new IoResult(-1, SslError.SSL, "shutdown while in init");
		}
		return this.channel.shutdown();
	}

	/**
	 * Whether encrypted bytes wait for the BIO to take them (a non-blocking socket that
	 * was full).
	 * @return {@code true} when the next {@link #write} (even of nothing) must flush
	 * first
	 */
	public boolean hasPendingOutput() {
		return this.channel.hasPendingOutput();
	}

	private @Nullable IoResult requireEstablished() {
		return switch (this.state) {
			case ESTABLISHED -> null;
			case NEW, HANDSHAKING -> new IoResult(-1, SslError.SSL, "handshake not complete: call accept() first");
			case FAILED, CLOSED -> new IoResult(-1, SslError.SSL, "connection failed or closed");
		};
	}

	/** What the record channel tells its acceptor. */
	private final class ChannelOwner implements RecordChannel.Owner {

		@Override
		public void failed() {
			TlsAcceptor.this.state = State.FAILED;
		}

		@Override
		public @Nullable TlsAlert sendAlertFor(SSLException failure) {
			return drainAlert(failure, TlsAcceptor.this.engine.getSession().getProtocol());
		}

		@Override
		public FailureTranslator failures() {
			return TlsAcceptor.this.failures;
		}

		@Override
		public boolean refusesRenegotiationWithWarning() {
			return TlsAcceptor.this.context.refusesRenegotiationWithWarning();
		}

		@Override
		public void renegotiationRefused(@Nullable TlsAlert alert) {
			if (TlsAcceptor.this.context instanceof RefusalCounter counter) {
				counter.renegotiationRefused(alert);
			}
		}

	}

	// ---- buffers
	// -----------------------------------------------------------------------

	private int packetSize() {
		return this.engine.getSession().getPacketBufferSize();
	}

	private int applicationSize() {
		return this.engine.getSession().getApplicationBufferSize();
	}

	// ---- lifecycle -------------------------------------------------------------------

	/**
	 * The BIO mode this acceptor runs in.
	 * @return the mode
	 */
	public BioMode mode() {
		return this.bio.mode();
	}

	/**
	 * The peer's address, when the BIO knows it.
	 * @return the address or {@code null}
	 */
	public @Nullable InetSocketAddress peerAddress() {
		return this.bio.remoteAddress();
	}

	/**
	 * The result of the finished handshake.
	 * @return the result, or {@code null} while the handshake is pending
	 */
	public @Nullable AcceptResult result() {
		return this.finished;
	}

	/**
	 * The acceptor's whole state in one line, for logs and debugging: lifecycle,
	 * handshake and shutdown flags, the buffers and whether delegated tasks run.
	 */
	@Override
	public String toString() {
		return "TlsAcceptor[" + this.state + ", " + mode().configName()
				+ (this.handshakeFinished ? ", handshake finished" : "")
				+ (this.peerClosedDuringHandshake ? ", peer closed during handshake" : "")
				+ (this.channel.isInboundClosed() ? ", inbound closed" : "")
				+ (this.channel.isOutboundClosed() ? ", outbound closed" : "") + ", netIn "
				+ this.buffers.netIn.position() + "/" + this.buffers.netIn.capacity() + ", netOut "
				+ this.buffers.netOut.position() + "/" + this.buffers.netOut.capacity() + ", appIn "
				+ this.buffers.appIn.position() + "/" + this.buffers.appIn.capacity()
				+ (this.tasks.isRunning() ? ", delegated tasks running" : "") + "]";
	}

	/**
	 * Release the engine and close the transport. Does not send close_notify: call
	 * {@link #shutdown()} first for an orderly close. Idempotent, callable from any
	 * thread.
	 */
	@Override
	public void close() {
		this.state = State.CLOSED;
		release();
		this.bio.close();
	}

	private void release() {
		this.tasks.releaseNowOrWhenDone();
	}

	private void releaseEngine() {
		if (this.released.compareAndSet(false, true)) {
			this.context.release(this.engine);
		}
	}

}
