package dev.tlsaccept.engine;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * How an established TLS 1.2 connection refuses a client-initiated renegotiation (a
 * ClientHello after the handshake), as OpenSSL 3 does by default: a warning
 * no_renegotiation alert, and the connection carries on (RFC 5246 section 7.2.2, RFC 5746
 * section 4.4). Engines differ in what they can do:
 * <ul>
 * <li>BCJSSE refuses by itself, with exactly that warning: tlsaccept lets it write the
 * alert.</li>
 * <li>BoringSSL refuses by itself with a <em>fatal</em> no_renegotiation alert: the
 * connection ends.</li>
 * <li>SunJSSE would renegotiate, and has no way to send an alert of our choice: tlsaccept
 * does not run the new handshake's tasks and closes the connection without an alert. Not
 * close_notify: a renegotiating client would take it for an orderly close, and scanners
 * (testssl.sh's {@code echo R | openssl s_client}) for a renegotiation that went through;
 * without an alert the client's renegotiation fails ("unexpected eof").</li>
 * </ul>
 * The record of a ClientHello on a connection is a handshake record (content type 22) in
 * the data phase: its content type is visible in TLS 1.2 even though the record is
 * encrypted.
 */
final class RenegotiationRefusal {

	/** What tlsaccept says in {@code read()} when the refusal ended the connection. */
	static final String REASON = "no renegotiation";

	private static final TlsAlert WARNING = TlsAlert.of(100, TlsAlert.Level.WARNING, TlsAlert.Direction.SENT);

	private static final TlsAlert FATAL = TlsAlert.of(100, TlsAlert.Level.FATAL, TlsAlert.Direction.SENT);

	private RenegotiationRefusal() {
	}

	/**
	 * The refusal of one renegotiation attempt.
	 *
	 * @param alert the alert sent: warning or fatal no_renegotiation; {@code null} when
	 * none could be (SunJSSE)
	 * @param connectionKept whether the connection carries on
	 */
	record Outcome(@Nullable TlsAlert alert, boolean connectionKept) {

	}

	/**
	 * Whether the record about to be unwrapped starts a renegotiation: a handshake record
	 * on an established connection that does not speak TLS 1.3 (whose post-handshake
	 * messages, KeyUpdate, are the engine's to answer).
	 * @param netIn the network input, in write mode, the next record at index 0
	 * @param engine the engine, asked for the negotiated protocol only for a handshake
	 * record, not on every application data record
	 * @return {@code true} for a client-initiated renegotiation
	 */
	static boolean isRenegotiation(ByteBuffer netIn, SSLEngine engine) {
		return netIn.position() > 0 && netIn.get(0) == InboundRecords.CONTENT_HANDSHAKE
				&& !"TLSv1.3".equals(engine.getSession().getProtocol());
	}

	/**
	 * Refuse the renegotiation the engine just unwrapped the ClientHello of, writing the
	 * alert to {@code netOut}.
	 * @param engine the engine
	 * @param status the handshake status after the unwrap
	 * @param engineWarns whether the engine refuses by itself with a warning (BCJSSE)
	 * @param netOut where the alert goes, in write mode, with room for a record
	 * @return what was sent and whether the connection carries on
	 */
	static Outcome refuse(SSLEngine engine, HandshakeStatus status, boolean engineWarns, ByteBuffer netOut) {
		if (status == HandshakeStatus.NEED_TASK) {
			// SunJSSE started the new handshake in a delegated task it has not run yet:
			// never run it,
			// and close without a word it would not let us choose
			return new Outcome(null, false);
		}
		wrapAll(engine, netOut);
		if (engineWarns && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
			return new Outcome(WARNING, true);
		}
		return new Outcome(FATAL, false);
	}

	/**
	 * Let the engine write what it queued; an engine that failed after its alert has
	 * nothing more.
	 */
	private static void wrapAll(SSLEngine engine, ByteBuffer netOut) {
		try {
			for (int i = 0; i < 4; i++) {
				SSLEngineResult result = engine.wrap(RecordBuffers.EMPTY, netOut);
				if (result.bytesProduced() == 0 || result.getStatus() != SSLEngineResult.Status.OK) {
					return;
				}
			}
		}
		catch (SSLException | RuntimeException ex) {
			// the alert, if any, is in netOut already
		}
	}

}
