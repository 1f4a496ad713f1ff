package dev.tlsaccept.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fluent builder around a real {@code gnutls-cli} process (GnuTLS 3.7), non-interactive.
 * {@link #isAvailable()} is false when {@code gnutls-cli} is not installed: tests use
 * {@code assumeTrue(GnutlsClient.isAvailable())}.
 *
 * <p>
 * Same run discipline as {@link OpenSslClient}: stdin is an open pipe; wait for
 * {@code - Handshake was completed} or exit; for TLS 1.3 wait until a session ticket
 * arrived (logged on stderr thanks to {@code -d 4}), the process exits (alert), or
 * {@link #postHandshakeWait(Duration)} (default 1 s) passes; send data; close stdin
 * (gnutls-cli then sends close_notify and reads until the server closes); kill at the
 * timeout. Server certificate verification never aborts unless {@link #caFile(Path)} is
 * given ({@code --insecure} otherwise).
 */
public final class GnutlsClient {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	public static final Duration DEFAULT_POST_HANDSHAKE_WAIT = Duration.ofSeconds(1);

	public static final String TLS13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

	public static final String TLS12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

	private String executable = "gnutls-cli";

	private String host = "127.0.0.1";

	private int port = -1;

	private String priority;

	private final List<String> alpn = new ArrayList<>();

	private String sniHostname;

	private Path cert;

	private Path key;

	private Path caFile;

	private byte[] send;

	private Duration replyWait;

	private String replyMarker;

	private Duration timeout = DEFAULT_TIMEOUT;

	private Duration postHandshakeWait = DEFAULT_POST_HANDSHAKE_WAIT;

	private final List<String> extraArgs = new ArrayList<>();

	public GnutlsClient() {
	}

	/** True if {@code gnutls-cli} is on the PATH. */
	public static boolean isAvailable() {
		return ToolProcess.onPath("gnutls-cli");
	}

	public GnutlsClient executable(String executable) {
		this.executable = Objects.requireNonNull(executable);
		return this;
	}

	public GnutlsClient connect(String host, int port) {
		this.host = Objects.requireNonNull(host);
		this.port = port;
		return this;
	}

	/** {@code --priority NORMAL:-VERS-ALL:+VERS-TLS1.3}. */
	public GnutlsClient tls13() {
		return priority(TLS13);
	}

	/** {@code --priority NORMAL:-VERS-ALL:+VERS-TLS1.2}. */
	public GnutlsClient tls12() {
		return priority(TLS12);
	}

	/** {@code --priority}: any GnuTLS priority string. */
	public GnutlsClient priority(String priority) {
		this.priority = Objects.requireNonNull(priority);
		return this;
	}

	/** {@code --alpn} once per protocol; accepts {@code "h2,http/1.1"}. */
	public GnutlsClient alpn(String protocols) {
		for (String p : protocols.split(",")) {
			if (!p.isBlank()) {
				alpn.add(p.trim());
			}
		}
		return this;
	}

	/** {@code --sni-hostname}. */
	public GnutlsClient servername(String name) {
		this.sniHostname = Objects.requireNonNull(name);
		return this;
	}

	/** {@code --x509certfile/--x509keyfile}. */
	public GnutlsClient cert(Path certPem, Path keyPem) {
		this.cert = Objects.requireNonNull(certPem);
		this.key = Objects.requireNonNull(keyPem);
		return this;
	}

	/**
	 * {@code --x509cafile}; without it {@code --insecure}. Verification is against the
	 * connect host.
	 */
	public GnutlsClient caFile(Path caPem) {
		this.caFile = Objects.requireNonNull(caPem);
		return this;
	}

	public GnutlsClient send(String data) {
		return send(data.getBytes(StandardCharsets.UTF_8));
	}

	public GnutlsClient send(byte[] data) {
		this.send = data.clone();
		return this;
	}

	/**
	 * After sending, keep stdin open until reply bytes arrived (+100 ms), the server
	 * closed, or {@code maxWait}.
	 */
	public GnutlsClient awaitReply(Duration maxWait) {
		this.replyWait = Objects.requireNonNull(maxWait);
		return this;
	}

	public GnutlsClient awaitReplyContaining(String marker, Duration maxWait) {
		this.replyMarker = Objects.requireNonNull(marker);
		this.replyWait = Objects.requireNonNull(maxWait);
		return this;
	}

	public GnutlsClient timeout(Duration timeout) {
		this.timeout = Objects.requireNonNull(timeout);
		return this;
	}

	public GnutlsClient postHandshakeWait(Duration wait) {
		this.postHandshakeWait = Objects.requireNonNull(wait);
		return this;
	}

	public GnutlsClient args(String... args) {
		extraArgs.addAll(Arrays.asList(args));
		return this;
	}

	public List<String> command() {
		if (port < 0) {
			throw new IllegalStateException("connect(host, port) not called");
		}
		List<String> cmd = new ArrayList<>();
		cmd.add(executable);
		cmd.add(host);
		cmd.add("--port");
		cmd.add(Integer.toString(port));
		if (caFile != null) {
			cmd.add("--x509cafile");
			cmd.add(caFile.toString());
		}
		else {
			cmd.add("--insecure");
		}
		if (priority != null) {
			cmd.add("--priority");
			cmd.add(priority);
		}
		for (String a : alpn) {
			cmd.add("--alpn");
			cmd.add(a);
		}
		if (sniHostname != null) {
			cmd.add("--sni-hostname");
			cmd.add(sniHostname);
		}
		if (cert != null) {
			cmd.add("--x509certfile");
			cmd.add(cert.toString());
			cmd.add("--x509keyfile");
			cmd.add(key.toString());
		}
		// debug level 4 logs "NEW SESSION TICKET (4) was received" on stderr as it
		// happens: the
		// signal that a TLS 1.3 server accepted the client (stdout is unaffected)
		cmd.add("-d");
		cmd.add("4");
		cmd.addAll(extraArgs);
		return List.copyOf(cmd);
	}

	public GnutlsResult run() {
		if (!isAvailable() && executable.equals("gnutls-cli")) {
			throw new IllegalStateException("gnutls-cli is not installed (check GnutlsClient.isAvailable())");
		}
		List<String> cmd = command();
		Instant start = Instant.now();
		Instant deadline = start.plus(timeout);
		boolean timedOut = false;
		try (ToolProcess p = ToolProcess.start(cmd)) {
			boolean done = p.await(o -> o.stdout().contains(GnutlsResult.HANDSHAKE_COMPLETED), deadline);
			if (done && p.isAlive()) {
				GnutlsResult now = new GnutlsResult(cmd, 0, false, p.output().stdout(), "", Duration.ZERO);
				if (now.protocol().orElse("").equals("TLSv1.3")) {
					p.await(o -> o.stderr().contains(GnutlsResult.SESSION_TICKET_RECEIVED),
							OpenSslClient.min(deadline, Instant.now().plus(postHandshakeWait)));
				}
				if (send != null && p.isAlive()) {
					try {
						p.write(send);
					}
					catch (IOException e) {
						// gnutls-cli exited in between
					}
					if (replyWait != null && p.isAlive()) {
						Instant until = OpenSslClient.min(deadline, Instant.now().plus(replyWait));
						if (replyMarker != null) {
							p.await(o -> received(cmd, o).contains(replyMarker), until);
						}
						else if (p.await(o -> !received(cmd, o).isEmpty(), until) && p.isAlive()) {
							p.await(o -> false, OpenSslClient.min(until, Instant.now().plus(Duration.ofMillis(100))));
						}
					}
				}
			}
			p.closeStdin();
			if (!p.waitForExit(deadline)) {
				timedOut = true;
				p.kill();
			}
			ToolProcess.Output out = p.output();
			int exit = p.isAlive() ? -1 : p.exitCode();
			return new GnutlsResult(cmd, exit, timedOut, out.stdout(), out.stderr(),
					Duration.between(start, Instant.now()));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
		}
	}

	private static String received(List<String> cmd, ToolProcess.Output o) {
		return new GnutlsResult(cmd, 0, false, o.stdout(), "", Duration.ZERO).receivedText();
	}

}
