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
 * Fluent builder around a real {@code openssl s_client} process (OpenSSL 3.0 command
 * line).
 *
 * <pre>{@code
 * OpenSslResult r = new OpenSslClient().connect("127.0.0.1", port).tls12().alpn("h2").run();
 * assertThat(r.handshakeCompleted()).isTrue();
 * }</pre>
 *
 * <p>
 * How a run goes, so that it never hangs and never races:
 * <ol>
 * <li>{@code s_client} is started with {@code -state} (handshake events on stderr,
 * unbuffered), {@code -nocommands} (a line starting with Q or R is data, not a command),
 * through {@code stdbuf -o0} when available, with its stdin an open pipe;</li>
 * <li>wait until the connection summary is printed ({@code New, <proto>, Cipher is <c>}
 * and the following {@code ---}) or the process exits (handshake failure);</li>
 * <li>TLS 1.3 only: the server validates the client's certificate after the client
 * considers the handshake finished, so a rejection ({@code certificate_required},
 * {@code unknown_ca}) arrives <em>after</em> the summary. Wait until a session ticket was
 * read (the server accepted), the process exits (alert), or
 * {@link #postHandshakeWait(Duration)} passes (measured: closing stdin at once loses that
 * alert in about 1 run in 2);</li>
 * <li>write {@link #send(String)} data if any; with {@link #awaitReply(Duration)} keep
 * stdin open until reply bytes arrived (or the server closed, or the wait passed);</li>
 * <li>close stdin: {@code s_client} prints {@code DONE}, sends close_notify and
 * exits;</li>
 * <li>kill the process if it is still alive at {@link #timeout(Duration)} (default 10
 * s).</li>
 * </ol>
 * {@code -ign_eof} is not needed: stdin stays open for as long as a reply is awaited.
 * Certificate verification of the server is reported but never aborts the handshake
 * unless {@link #verifyReturnError()} is set.
 */
public final class OpenSslClient {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	public static final Duration DEFAULT_POST_HANDSHAKE_WAIT = Duration.ofSeconds(1);

	private String executable = "openssl";

	private String host = "127.0.0.1";

	private int port = -1;

	private List<String> versionArgs = List.of();

	private boolean lowSecurityLevel;

	private String cipher;

	private String ciphersuites;

	private String servername;

	private String alpn;

	private Path cert;

	private Path key;

	private Path caFile;

	private boolean verifyReturnError;

	private boolean noSessionResumption;

	private byte[] send;

	private Duration replyWait;

	private String replyMarker;

	private Duration timeout = DEFAULT_TIMEOUT;

	private Duration postHandshakeWait = DEFAULT_POST_HANDSHAKE_WAIT;

	private final List<String> extraArgs = new ArrayList<>();

	public OpenSslClient() {
	}

	/** True if an {@code openssl} executable is on the PATH. */
	public static boolean isAvailable() {
		return ToolProcess.onPath("openssl");
	}

	public OpenSslClient executable(String executable) {
		this.executable = Objects.requireNonNull(executable);
		return this;
	}

	public OpenSslClient connect(String host, int port) {
		this.host = Objects.requireNonNull(host);
		this.port = port;
		return this;
	}

	/** {@code -tls1_3}: offer TLS 1.3 only. */
	public OpenSslClient tls13() {
		versionArgs = List.of("-tls1_3");
		lowSecurityLevel = false;
		return this;
	}

	/** {@code -tls1_2}: offer TLS 1.2 only. */
	public OpenSslClient tls12() {
		versionArgs = List.of("-tls1_2");
		lowSecurityLevel = false;
		return this;
	}

	/**
	 * {@code -tls1_1 -cipher DEFAULT@SECLEVEL=0}: offer TLS 1.1 only (reference row c).
	 */
	public OpenSslClient tls11Only() {
		versionArgs = List.of("-tls1_1");
		lowSecurityLevel = true;
		return this;
	}

	/** {@code -cipher}: TLS 1.2-and-below cipher list, e.g. {@code AES128-SHA}. */
	public OpenSslClient ciphers(String cipherList) {
		this.cipher = Objects.requireNonNull(cipherList);
		return this;
	}

	/** {@code -ciphersuites}: TLS 1.3 suites, e.g. {@code TLS_AES_128_GCM_SHA256}. */
	public OpenSslClient ciphersuites(String suites) {
		this.ciphersuites = Objects.requireNonNull(suites);
		return this;
	}

	/** {@code -servername}: SNI (by default none is sent to an IP address). */
	public OpenSslClient servername(String name) {
		this.servername = Objects.requireNonNull(name);
		return this;
	}

	/** {@code -alpn}: comma-separated protocols, e.g. {@code h2,http/1.1}. */
	public OpenSslClient alpn(String protocols) {
		this.alpn = Objects.requireNonNull(protocols);
		return this;
	}

	/** {@code -cert/-key}: client certificate and its PKCS#8 key. */
	public OpenSslClient cert(Path certPem, Path keyPem) {
		this.cert = Objects.requireNonNull(certPem);
		this.key = Objects.requireNonNull(keyPem);
		return this;
	}

	/**
	 * {@code -CAfile}: trust anchors for verifying the server (otherwise
	 * {@code -no-CAfile}).
	 */
	public OpenSslClient caFile(Path caPem) {
		this.caFile = Objects.requireNonNull(caPem);
		return this;
	}

	/**
	 * {@code -verify_return_error}: abort the handshake when the server certificate does
	 * not verify.
	 */
	public OpenSslClient verifyReturnError() {
		this.verifyReturnError = true;
		return this;
	}

	/**
	 * One full handshake, no resumption: no {@code -reconnect}, no
	 * {@code -sess_in}/{@code -sess_out}. That is already how this builder runs; this
	 * makes it explicit and rejects those options in {@link #args(String...)}.
	 */
	public OpenSslClient noSessionResumption() {
		this.noSessionResumption = true;
		return this;
	}

	/** Data written to the connection once the handshake completed (UTF-8). */
	public OpenSslClient send(String data) {
		return send(data.getBytes(StandardCharsets.UTF_8));
	}

	public OpenSslClient send(byte[] data) {
		this.send = data.clone();
		return this;
	}

	/**
	 * After sending, keep the connection open until reply bytes arrived (plus a short
	 * settle of 100 ms), the server closed, or {@code maxWait} passed.
	 */
	public OpenSslClient awaitReply(Duration maxWait) {
		this.replyWait = Objects.requireNonNull(maxWait);
		return this;
	}

	/**
	 * As {@link #awaitReply(Duration)}, but until the received text contains
	 * {@code marker}.
	 */
	public OpenSslClient awaitReplyContaining(String marker, Duration maxWait) {
		this.replyMarker = Objects.requireNonNull(marker);
		this.replyWait = Objects.requireNonNull(maxWait);
		return this;
	}

	/** Whole-run limit; the process is killed when it passes (default 10 s). */
	public OpenSslClient timeout(Duration timeout) {
		this.timeout = Objects.requireNonNull(timeout);
		return this;
	}

	/**
	 * TLS 1.3: how long to wait for a post-handshake rejection when no session ticket
	 * arrives (default 1 s).
	 */
	public OpenSslClient postHandshakeWait(Duration wait) {
		this.postHandshakeWait = Objects.requireNonNull(wait);
		return this;
	}

	/** Extra raw {@code s_client} arguments, appended last. */
	public OpenSslClient args(String... args) {
		extraArgs.addAll(Arrays.asList(args));
		return this;
	}

	/** The command line {@link #run()} will execute. */
	public List<String> command() {
		if (port < 0) {
			throw new IllegalStateException("connect(host, port) not called");
		}
		if (noSessionResumption) {
			for (String a : extraArgs) {
				if (a.equals("-reconnect") || a.equals("-sess_in") || a.equals("-sess_out")) {
					throw new IllegalStateException(a + " contradicts noSessionResumption()");
				}
			}
		}
		List<String> cmd = new ArrayList<>();
		if (ToolProcess.onPath("stdbuf")) {
			// unbuffered stdout: s_client's summary/ticket text and the raw application
			// data it
			// writes with write(2) then reach the pipe in order (else a large TLS 1.3
			// ticket dump
			// is flushed in 4 KiB pieces around the data)
			cmd.add("stdbuf");
			cmd.add("-o0");
		}
		cmd.add(executable);
		cmd.add("s_client");
		cmd.add("-connect");
		cmd.add((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
		cmd.addAll(versionArgs);
		String cipherList = cipher;
		if (lowSecurityLevel) {
			cipherList = cipherList == null ? "DEFAULT@SECLEVEL=0" : cipherList + ":@SECLEVEL=0";
		}
		if (cipherList != null) {
			cmd.add("-cipher");
			cmd.add(cipherList);
		}
		if (ciphersuites != null) {
			cmd.add("-ciphersuites");
			cmd.add(ciphersuites);
		}
		if (servername != null) {
			cmd.add("-servername");
			cmd.add(servername);
		}
		if (alpn != null) {
			cmd.add("-alpn");
			cmd.add(alpn);
		}
		if (cert != null) {
			cmd.add("-cert");
			cmd.add(cert.toString());
			cmd.add("-key");
			cmd.add(key.toString());
		}
		if (caFile != null) {
			cmd.add("-CAfile");
			cmd.add(caFile.toString());
		}
		else {
			cmd.add("-no-CAfile");
		}
		cmd.add("-no-CApath");
		cmd.add("-no-CAstore");
		if (verifyReturnError) {
			cmd.add("-verify_return_error");
		}
		cmd.add("-state");
		cmd.add("-nocommands");
		cmd.addAll(extraArgs);
		return List.copyOf(cmd);
	}

	/**
	 * Runs {@code s_client} once and parses what it printed. Never blocks longer than the
	 * timeout (+ ~3 s to reap).
	 */
	public OpenSslResult run() {
		List<String> cmd = command();
		Instant start = Instant.now();
		Instant deadline = start.plus(timeout);
		boolean timedOut = false;
		try (ToolProcess p = ToolProcess.start(cmd)) {
			boolean summary = p.await(o -> OpenSslResult.summaryEnd(o.stdout()) >= 0, deadline);
			if (summary && p.isAlive()) {
				String protocol = new OpenSslResult(cmd, 0, false, p.output().stdout(), "", Duration.ZERO).protocol()
					.orElse("");
				if (protocol.equals("TLSv1.3")) {
					Instant until = min(deadline, Instant.now().plus(postHandshakeWait));
					p.await(o -> o.stderr().contains(OpenSslResult.SESSION_TICKET_READ), until);
				}
				if (send != null && p.isAlive()) {
					try {
						p.write(send);
					}
					catch (IOException e) {
						// s_client exited in between (server closed): what it printed
						// tells why
					}
					if (replyWait != null && p.isAlive()) {
						awaitReply(p, cmd, deadline);
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
			return new OpenSslResult(cmd, exit, timedOut, out.stdout(), out.stderr(),
					Duration.between(start, Instant.now()));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
		}
	}

	private void awaitReply(ToolProcess p, List<String> cmd, Instant deadline) {
		Instant until = min(deadline, Instant.now().plus(replyWait));
		if (replyMarker != null) {
			p.await(o -> received(cmd, o).contains(replyMarker), until);
			return;
		}
		boolean got = p.await(o -> !received(cmd, o).isEmpty(), until);
		if (got && p.isAlive()) {
			// settle: let the rest of a reply split over several records arrive
			p.await(o -> false, min(until, Instant.now().plus(Duration.ofMillis(100))));
		}
	}

	private static String received(List<String> cmd, ToolProcess.Output o) {
		return new OpenSslResult(cmd, 0, false, o.stdout(), "", Duration.ZERO).receivedText();
	}

	static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

}
