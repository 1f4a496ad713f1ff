package dev.tlsaccept.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test fixtures made with the real {@code openssl} and {@code keytool} command-line
 * tools.
 */
final class Fixtures {

	/**
	 * A recognizable password that must never show up in a message, source or toString().
	 */
	static final String PASSWORD = "Zebra-Pa55phrase-7Q!";

	/**
	 * A second recognizable password, for keys protected differently from their store.
	 */
	static final String KEY_PASSWORD = "Walrus-KeyPa55-3X!";

	private final Path dir;

	Fixtures(Path dir) {
		this.dir = dir;
	}

	static void assumeOpenssl() {
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")) || onPath("openssl"), "openssl is not installed");
	}

	static void assumeKeytool() {
		assumeTrue(Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "keytool")),
				"keytool is not in java.home");
	}

	private static boolean onPath(String command) {
		for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(entry, command))) {
				return true;
			}
		}
		return false;
	}

	Path path(String name) {
		return this.dir.resolve(name);
	}

	/**
	 * Runs openssl with the arguments in the fixture directory and fails on a non-zero
	 * exit.
	 */
	Path openssl(String output, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(arguments));
		run(command);
		return path(output);
	}

	void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		run(command);
	}

	private void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).directory(this.dir.toFile())
				.redirectErrorStream(true)
				.start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
			assertThat(process.exitValue()).as("%s: %s", command, new String(output, StandardCharsets.UTF_8)).isZero();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Generates a key with {@code openssl genpkey}, as unencrypted PKCS#8. */
	Path genpkey(String name, String... algorithmOptions) {
		List<String> arguments = new ArrayList<>(List.of("genpkey"));
		arguments.addAll(List.of(algorithmOptions));
		arguments.addAll(List.of("-out", name));
		return openssl(name, arguments.toArray(new String[0]));
	}

	/** Creates a self-signed certificate for the key with {@code openssl req -x509}. */
	Path selfSigned(String name, String key, String commonName, int days) {
		return openssl(name, "req", "-x509", "-new", "-key", key, "-out", name, "-subj", "/CN=" + commonName, "-days",
				Integer.toString(days));
	}

	String read(String name) throws IOException {
		return Files.readString(path(name), StandardCharsets.US_ASCII);
	}

	Path write(String name, String... parts) throws IOException {
		return Files.writeString(path(name), String.join("", parts), StandardCharsets.US_ASCII);
	}

	/**
	 * Writes a BCFKS store with the Bouncy Castle API (a throw-away provider, never
	 * registered).
	 */
	Path bcfks(String name, String alias, PrivateKey key, Certificate[] chain, char[] storePassword, char[] keyPassword)
			throws Exception {
		KeyStore store = KeyStore.getInstance("BCFKS", new BouncyCastleProvider());
		store.load(null, null);
		store.setKeyEntry(alias, key, keyPassword, chain);
		try (OutputStream out = Files.newOutputStream(path(name))) {
			store.store(out, storePassword);
		}
		return path(name);
	}

}
