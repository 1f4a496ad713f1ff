package dev.tlsaccept.peers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code openssl s_client} run printed, and what it means.
 *
 * <p>
 * Lines parsed (OpenSSL 3.0.19, run with {@code -state}):
 * <ul>
 * <li>stdout {@code New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384} (or
 * {@code New, (NONE), Cipher is (NONE)} when no version was agreed): protocol and cipher.
 * This line is printed even when the handshake then fails, so it alone does not mean
 * success;</li>
 * <li>stdout {@code ALPN protocol: h2} (or {@code No ALPN negotiated});</li>
 * <li>stdout {@code Verify return code: 0 (ok)};</li>
 * <li>stderr {@code SSL_connect:SSLv3/TLS read finished} and
 * {@code SSL_connect:SSLv3/TLS write finished}: both Finished messages went through, the
 * client side finished (OpenSSL prints {@code SSL negotiation finished successfully} only
 * for TLS 1.3, so that line is not used);</li>
 * <li>stderr {@code SSL_connect:SSLv3/TLS read server session ticket}: the server sent a
 * ticket (accepted);</li>
 * <li>stderr {@code SSL3 alert read:fatal:unknown CA} / {@code SSL3 alert write:...}:
 * alerts with level;</li>
 * <li>stderr
 * {@code ...:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:...:SSL alert number 70}:
 * OpenSSL error lines; the reason ({@code tlsv1 alert protocol version}) and alert
 * number.</li>
 * </ul>
 */
public record OpenSslResult(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
		Duration elapsed) {

	static final String SESSION_TICKET_READ = "SSL_connect:SSLv3/TLS read server session ticket";
	static final String READ_FINISHED = "SSL_connect:SSLv3/TLS read finished";
	static final String WRITE_FINISHED = "SSL_connect:SSLv3/TLS write finished";

	private static final Pattern NEW_LINE = Pattern.compile("(?m)^(?:New|Reused), ([^,\\n]+), Cipher is ([^\\n]+)$");

	private static final Pattern SUMMARY_END = Pattern.compile("(?m)^---\\n");

	private static final Pattern ALPN = Pattern.compile("(?m)^ALPN protocol: ([^\\n]+)$");

	private static final Pattern VERIFY = Pattern.compile("(?m)^ *Verify return code: (\\d+)");

	private static final Pattern ALERT_NUMBER = Pattern.compile("SSL alert number (\\d+)");

	private static final Pattern STATE_ALERT = Pattern
		.compile("(?m)^SSL3 alert (read|write):(fatal|warning):([^\\n]*)$");

	private static final Pattern ERROR_LINE = Pattern
		.compile("(?m)^[0-9A-F]+:error:[0-9A-F]+:([^:\\n]*):([^:\\n]*):([^:\\n]*):");

	private static final String TICKET_HEADER = "---\nPost-Handshake New Session Ticket arrived:\n";

	private static final Pattern TICKET_BLOCK = Pattern
		.compile("---\\nPost-Handshake New Session Ticket arrived:\\nSSL-Session:\\n(?:    [^\\n]*\\n|\\n)*---\\n");

	public OpenSslResult {
		command = List.copyOf(command);
	}

	/**
	 * The handshake completed from both sides' point of view: the client finished it, a
	 * protocol and cipher were agreed, and no fatal alert came back (for TLS 1.3 a server
	 * rejecting the client certificate answers the client's Finished with an alert).
	 */
	public boolean handshakeCompleted() {
		return clientFinished() && protocol().isPresent() && cipher().isPresent()
				&& receivedAlert().map(a -> !a.isFatal()).orElse(true);
	}

	/**
	 * {@code s_client} read the server's Finished and wrote its own ({@code -state}
	 * lines).
	 */
	public boolean clientFinished() {
		return stderr.contains(READ_FINISHED) && stderr.contains(WRITE_FINISHED);
	}

	/**
	 * {@code TLSv1.3}, {@code TLSv1.2}, ...; empty when none was agreed ({@code (NONE)}).
	 */
	public Optional<String> protocol() {
		Matcher m = NEW_LINE.matcher(stdout);
		if (m.find() && !m.group(1).equals("(NONE)")) {
			return Optional.of(m.group(1).trim());
		}
		return Optional.empty();
	}

	/**
	 * OpenSSL cipher name, e.g. {@code TLS_AES_256_GCM_SHA384},
	 * {@code ECDHE-ECDSA-AES256-GCM-SHA384}.
	 */
	public Optional<String> cipher() {
		Matcher m = NEW_LINE.matcher(stdout);
		if (m.find() && !m.group(2).trim().equals("(NONE)")) {
			return Optional.of(m.group(2).trim());
		}
		return Optional.empty();
	}

	/** Negotiated ALPN protocol ({@code ALPN protocol: h2}). */
	public Optional<String> alpn() {
		Matcher m = ALPN.matcher(stdout);
		return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
	}

	/**
	 * Server certificate verification result, 0 = ok (meaningful with {@code caFile}).
	 */
	public OptionalInt verifyReturnCode() {
		Matcher m = VERIFY.matcher(stdout);
		return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
	}

	/**
	 * The alert the server sent: the fatal one if any ({@code SSL alert number N}, level
	 * from the {@code SSL3 alert read:} line), else the first warning (e.g. close_notify
	 * after the data).
	 */
	public Optional<Alert> receivedAlert() {
		Matcher n = ALERT_NUMBER.matcher(stderr);
		if (n.find()) {
			return Optional.of(new Alert(Alert.FATAL, Integer.parseInt(n.group(1))));
		}
		List<Alert> read = stateAlerts("read");
		return read.stream().filter(Alert::isFatal).findFirst().or(() -> read.stream().findFirst());
	}

	/**
	 * The first alert {@code s_client} itself sent ({@code SSL3 alert write:fatal:...}).
	 */
	public Optional<Alert> sentAlert() {
		List<Alert> written = stateAlerts("write");
		return written.stream().filter(Alert::isFatal).findFirst().or(() -> written.stream().findFirst());
	}

	private List<Alert> stateAlerts(String direction) {
		List<Alert> alerts = new ArrayList<>();
		Matcher m = STATE_ALERT.matcher(stderr);
		while (m.find()) {
			if (m.group(1).equals(direction)) {
				int level = m.group(2).equals("fatal") ? Alert.FATAL : Alert.WARNING;
				// OpenSSL 3.0 prints "unknown" for numbers it has no text for (e.g. 116)
				Alert.numberOf(m.group(3)).ifPresent(d -> alerts.add(new Alert(level, d)));
			}
		}
		return alerts;
	}

	/**
	 * Reasons of OpenSSL error lines on stderr, e.g. {@code tlsv1 alert unknown ca},
	 * {@code unexpected eof while reading}.
	 */
	public List<String> errors() {
		List<String> reasons = new ArrayList<>();
		Matcher m = ERROR_LINE.matcher(stderr);
		while (m.find()) {
			reasons.add(m.group(3));
		}
		return reasons;
	}

	/**
	 * The server closed the TCP connection without an alert
	 * ({@code unexpected eof while reading}).
	 */
	public boolean unexpectedEof() {
		return errors().contains("unexpected eof while reading");
	}

	/**
	 * The connection was reset ({@code errno=104} / {@code Connection reset by peer}).
	 */
	public boolean connectionReset() {
		return stderr.contains("errno=104") || stderr.contains("Connection reset by peer");
	}

	/**
	 * Application data received after the handshake, exact bytes (s_client chatter
	 * removed).
	 */
	public byte[] received() {
		int start = summaryEnd(stdout);
		if (start < 0) {
			return new byte[0];
		}
		String rest = stdout.substring(start);
		rest = TICKET_BLOCK.matcher(rest).replaceAll("");
		// a ticket dump still being written (output read while s_client runs): not data
		int partial = rest.indexOf(TICKET_HEADER);
		if (partial >= 0) {
			rest = rest.substring(0, partial);
		}
		rest = rest.replace("read R BLOCK\n", "");
		if (rest.endsWith("closed\n")) {
			rest = rest.substring(0, rest.length() - "closed\n".length());
		}
		return rest.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** {@link #received()} as UTF-8 text. */
	public String receivedText() {
		return new String(received(), StandardCharsets.UTF_8);
	}

	/** Index just after the {@code ---} line that ends the connection summary, or -1. */
	static int summaryEnd(String stdout) {
		Matcher m = NEW_LINE.matcher(stdout);
		if (!m.find()) {
			return -1;
		}
		Matcher end = SUMMARY_END.matcher(stdout);
		return end.find(m.end()) ? end.end() : -1;
	}

	/** One-line description for assertion messages. */
	public String describe() {
		return "s_client exit=" + exitCode + (timedOut ? " (timed out)" : "") + " completed=" + handshakeCompleted()
				+ " protocol=" + protocol().orElse("-") + " cipher=" + cipher().orElse("-") + " alpn="
				+ alpn().orElse("-") + " alert=" + receivedAlert().map(Alert::toString).orElse("-") + " errors="
				+ errors();
	}

	@Override
	public String toString() {
		return describe() + "\n--- command: " + String.join(" ", command) + "\n--- stdout:\n" + stdout
				+ "\n--- stderr:\n" + stderr;
	}
}
