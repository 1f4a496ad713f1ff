package dev.tlsaccept.peers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command-line tool run as a child process with its stdin kept as an open pipe and
 * stdout and stderr captured by two pump threads. Every wait is bounded by a deadline.
 *
 * <p>
 * Text is decoded as ISO-8859-1 so that {@code stdout().getBytes(ISO_8859_1)} gives back
 * exactly the bytes the tool wrote.
 */
final class ToolProcess implements AutoCloseable {

	/** What the tool wrote so far. */
	record Output(String stdout, String stderr) {
	}

	private final Process process;

	private final Object lock = new Object();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private final Thread outPump;

	private final Thread errPump;

	private boolean stdinClosed;

	private ToolProcess(Process process, String name) {
		this.process = process;
		this.outPump = pump(process.getInputStream(), out, name + "-stdout");
		this.errPump = pump(process.getErrorStream(), err, name + "-stderr");
	}

	static ToolProcess start(List<String> command) throws IOException {
		ProcessBuilder pb = new ProcessBuilder(command);
		pb.redirectInput(ProcessBuilder.Redirect.PIPE);
		return new ToolProcess(pb.start(), Path.of(command.get(0)).getFileName().toString());
	}

	/** True if {@code executable} is found on the PATH (or is an executable path). */
	static boolean onPath(String executable) {
		if (executable.contains("/")) {
			return Files.isExecutable(Path.of(executable));
		}
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
				return true;
			}
		}
		return false;
	}

	private Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
		Thread t = new Thread(() -> {
			byte[] buf = new byte[8192];
			try (in) {
				int n;
				while ((n = in.read(buf)) >= 0) {
					synchronized (lock) {
						sink.write(buf, 0, n);
						lock.notifyAll();
					}
				}
			}
			catch (IOException ignored) {
				// stream closed because the process was killed
			}
			finally {
				synchronized (lock) {
					lock.notifyAll();
				}
			}
		}, name);
		t.setDaemon(true);
		t.start();
		return t;
	}

	Output output() {
		synchronized (lock) {
			return new Output(out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
		}
	}

	boolean isAlive() {
		return process.isAlive();
	}

	/**
	 * Waits until {@code condition} holds on the output, the process exits, or
	 * {@code deadline} passes. Returns whether the condition held.
	 */
	boolean await(Predicate<Output> condition, Instant deadline) {
		synchronized (lock) {
			while (true) {
				if (condition.test(output())) {
					return true;
				}
				if (!process.isAlive()) {
					// let the pumps drain what the process wrote before exiting
					drainPumps(Duration.ofSeconds(2));
					return condition.test(output());
				}
				long remaining = Duration.between(Instant.now(), deadline).toMillis();
				if (remaining <= 0) {
					return false;
				}
				try {
					lock.wait(Math.min(remaining, 25));
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
	}

	void write(byte[] data) throws IOException {
		OutputStream stdin = process.getOutputStream();
		stdin.write(data);
		stdin.flush();
	}

	void closeStdin() {
		if (stdinClosed) {
			return;
		}
		stdinClosed = true;
		try {
			process.getOutputStream().close();
		}
		catch (IOException ignored) {
			// the process already exited
		}
	}

	/** Waits for the process to exit until {@code deadline}; returns whether it did. */
	boolean waitForExit(Instant deadline) {
		long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
		try {
			boolean exited = process.waitFor(remaining, TimeUnit.MILLISECONDS);
			if (exited) {
				drainPumps(Duration.ofSeconds(2));
			}
			return exited;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	int exitCode() {
		return process.exitValue();
	}

	/** Terminates the process (SIGTERM, then SIGKILL after 1 s) and drains its output. */
	void kill() {
		if (process.isAlive()) {
			process.destroy();
			try {
				if (!process.waitFor(1, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					process.waitFor(2, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		drainPumps(Duration.ofSeconds(1));
	}

	private void drainPumps(Duration max) {
		Instant deadline = Instant.now().plus(max);
		for (Thread t : new Thread[] { outPump, errPump }) {
			if (Thread.currentThread() == t) {
				continue;
			}
			long remaining = Duration.between(Instant.now(), deadline).toMillis();
			if (remaining <= 0) {
				return;
			}
			// Called with or without the lock: the pumps take the lock per chunk, so
			// release it
			// while joining when we hold it.
			if (Thread.holdsLock(lock)) {
				long until = System.currentTimeMillis() + remaining;
				while (t.isAlive() && System.currentTimeMillis() < until) {
					try {
						lock.wait(Math.max(1, Math.min(25, until - System.currentTimeMillis())));
					}
					catch (InterruptedException e) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
			else {
				try {
					t.join(remaining);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public void close() {
		closeStdin();
		kill();
	}

}
