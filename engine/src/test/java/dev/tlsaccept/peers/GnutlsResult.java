package dev.tlsaccept.peers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code gnutls-cli} run printed, and what it means.
 *
 * <p>
 * Lines parsed (GnuTLS 3.7.9):
 * <ul>
 * <li>stdout {@code - Handshake was completed};</li>
 * <li>stdout
 * {@code - Description: (TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)}:
 * protocol (first group) and cipher (the group naming a bulk cipher);</li>
 * <li>stdout {@code - Application protocol: h2};</li>
 * <li>stdout {@code *** Received alert [70]: Error in protocol version};</li>
 * <li>stderr {@code *** Fatal error: A TLS fatal alert has been received.} (or another
 * reason), {@code *** Handshake has failed},
 * {@code *** Server has terminated the connection abnormally.};</li>
 * <li>stderr (debug level 4) {@code |<4>| HSK[...]: NEW SESSION TICKET (4) was received}:
 * the server accepted;</li>
 * <li>stdout after {@code - Simple Client Mode:}: the application data, followed by
 * {@code - Peer has closed the GnuTLS connection} when the server closed.</li>
 * </ul>
 */
public record GnutlsResult(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
		Duration elapsed) {

	static final String HANDSHAKE_COMPLETED = "- Handshake was completed";
	static final String SESSION_TICKET_RECEIVED = "NEW SESSION TICKET (4) was received";

	private static final String SIMPLE_MODE = "- Simple Client Mode:\n\n";

	private static final String PEER_CLOSED = "- Peer has closed the GnuTLS connection\n";

	private static final Pattern DESCRIPTION = Pattern.compile("(?m)^- Description: (\\S+)$");

	private static final Pattern ALPN = Pattern.compile("(?m)^- Application protocol: ([^\\n]+)$");

	private static final Pattern ALERT = Pattern.compile("\\*\\*\\* Received alert \\[(\\d+)\\]: ([^\\n]*)\\n?");

	private static final Pattern FATAL = Pattern.compile("(?m)^\\*\\*\\* Fatal error: ([^\\n]*)$");

	private static final Pattern CIPHER = Pattern.compile("^(AES|CHACHA|CAMELLIA|3DES|ARCFOUR|GOST|ARIA|NULL|SM4).*");

	public GnutlsResult {
		command = List.copyOf(command);
	}

	/** gnutls-cli finished the handshake and no fatal alert came back. */
	public boolean handshakeCompleted() {
		return clientFinished() && receivedAlert().map(a -> !a.isFatal()).orElse(true);
	}

	public boolean clientFinished() {
		return stdout.contains(HANDSHAKE_COMPLETED);
	}

	/**
	 * The raw description, e.g.
	 * {@code (TLS1.3-X.509)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)}.
	 */
	public Optional<String> description() {
		Matcher m = DESCRIPTION.matcher(stdout);
		return m.find() ? Optional.of(m.group(1)) : Optional.empty();
	}

	/** {@code TLSv1.3} / {@code TLSv1.2} (OpenSSL/JSSE spelling). */
	public Optional<String> protocol() {
		return groups().flatMap(g -> {
			String first = g[0];
			int dash = first.indexOf('-');
			String v = dash > 0 ? first.substring(0, dash) : first;
			return v.startsWith("TLS1.") ? Optional.of("TLSv" + v.substring(3)) : Optional.of(v);
		});
	}

	/** GnuTLS bulk cipher name, e.g. {@code AES-256-GCM}, {@code CHACHA20-POLY1305}. */
	public Optional<String> cipher() {
		return groups().flatMap(g -> {
			for (int i = 1; i < g.length; i++) {
				if (CIPHER.matcher(g[i]).matches()) {
					return Optional.of(g[i]);
				}
			}
			return Optional.empty();
		});
	}

	private Optional<String[]> groups() {
		return description().map(d -> {
			String s = d.startsWith("(") ? d.substring(1) : d;
			s = s.endsWith(")") ? s.substring(0, s.length() - 1) : s;
			return s.split("\\)-\\(");
		});
	}

	public Optional<String> alpn() {
		Matcher m = ALPN.matcher(stdout);
		return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
	}

	/**
	 * {@code *** Received alert [N]: ...}; fatal unless stderr says a warning alert was
	 * received.
	 */
	public Optional<Alert> receivedAlert() {
		Matcher m = ALERT.matcher(stdout + stderr);
		if (!m.find()) {
			return Optional.empty();
		}
		int level = stderr.contains("warning alert") && !stderr.contains("fatal alert") ? Alert.WARNING : Alert.FATAL;
		return Optional.of(new Alert(level, Integer.parseInt(m.group(1))));
	}

	/** {@code *** Fatal error: <reason>}. */
	public Optional<String> fatalError() {
		Matcher m = FATAL.matcher(stderr + "\n" + stdout);
		return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
	}

	public boolean peerClosed() {
		return stdout.contains(PEER_CLOSED);
	}

	/** Application data received after the handshake (gnutls-cli messages removed). */
	public byte[] received() {
		int i = stdout.indexOf(SIMPLE_MODE);
		if (i < 0) {
			return new byte[0];
		}
		String rest = stdout.substring(i + SIMPLE_MODE.length());
		rest = rest.replace(PEER_CLOSED, "");
		rest = ALERT.matcher(rest).replaceAll("");
		return rest.getBytes(StandardCharsets.ISO_8859_1);
	}

	public String receivedText() {
		return new String(received(), StandardCharsets.UTF_8);
	}

	public String describe() {
		return "gnutls-cli exit=" + exitCode + (timedOut ? " (timed out)" : "") + " completed=" + handshakeCompleted()
				+ " protocol=" + protocol().orElse("-") + " cipher=" + cipher().orElse("-") + " alpn="
				+ alpn().orElse("-") + " alert=" + receivedAlert().map(Alert::toString).orElse("-") + " fatal="
				+ fatalError().orElse("-");
	}

	@Override
	public String toString() {
		return describe() + "\n--- command: " + String.join(" ", command) + "\n--- stdout:\n" + stdout
				+ "\n--- stderr:\n" + stderr;
	}
}
