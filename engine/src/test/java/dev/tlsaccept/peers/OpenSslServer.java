package dev.tlsaccept.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Throwaway {@code openssl s_server} for this package's own tests: listens on 127.0.0.1
 * on a free port, serves connections one after the other, killed on {@link #close()}. Its
 * stdin stays an open pipe (s_server stops at stdin EOF). Ready once it printed
 * {@code ACCEPT}.
 */
final class OpenSslServer implements AutoCloseable {

	private final ToolProcess process;

	private final int port;

	private OpenSslServer(ToolProcess process, int port) {
		this.process = process;
		this.port = port;
	}

	static OpenSslServer start(Path cert, Path key, String... extraArgs) {
		IOException last = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			int port = freePort();
			List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
					cert.toString(), "-key", key.toString(), "-no-CAfile", "-no-CApath", "-no-CAstore"));
			cmd.addAll(Arrays.asList(extraArgs));
			try {
				ToolProcess p = ToolProcess.start(cmd);
				if (p.await(o -> o.stdout().contains("ACCEPT\n"), Instant.now().plusSeconds(5)) && p.isAlive()) {
					return new OpenSslServer(p, port);
				}
				ToolProcess.Output out = p.output();
				p.close();
				last = new IOException("s_server did not start: " + out.stdout() + out.stderr());
			}
			catch (IOException e) {
				last = e;
			}
		}
		throw new UncheckedIOException(last);
	}

	static int freePort() {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	int port() {
		return port;
	}

	/** Everything s_server printed so far (stdout then stderr). */
	String output() {
		ToolProcess.Output o = process.output();
		return o.stdout() + o.stderr();
	}

	/** Waits until s_server printed {@code text}; returns whether it did. */
	boolean awaitOutput(String text, Duration max) {
		return process.await(o -> (o.stdout() + o.stderr()).contains(text), Instant.now().plus(max));
	}

	@Override
	public void close() {
		process.close();
	}

}
