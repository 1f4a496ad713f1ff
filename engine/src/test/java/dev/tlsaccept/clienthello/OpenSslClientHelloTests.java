package dev.tlsaccept.clienthello;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real ClientHellos from {@code openssl s_client}, captured by a plain server socket that
 * reads them and hangs up. What the collector reads is compared with what s_client's
 * {@code -trace} says it sent, and the JA4 fingerprint with one computed here,
 * independently, from that trace.
 */
class OpenSslClientHelloTests {

	private static final Path OPENSSL = Path.of("/usr/bin/openssl");

	private static final long TIMEOUT_SECONDS = 30;

	@BeforeAll
	static void requireOpenSsl() {
		assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed at " + OPENSSL);
	}

	@Test
	void tls13HelloWithServerNameAndAlpnMatchesTheTrace() throws Exception {
		Capture capture = capture("-tls1_3", "-servername", "example.com", "-alpn", "h2,http/1.1");
		ClientHelloSummary summary = capture.summary();
		Trace trace = capture.trace();
		assertThat(summary.parseError()).isNull();
		assertThat(summary.serverName()).isEqualTo("example.com");
		assertThat(summary.alpn()).containsExactly("h2", "http/1.1").isEqualTo(trace.alpn);
		assertThat(summary.supportedVersions()).containsExactly("TLSv1.3");
		assertThat(trace.versions).containsExactly(0x0304);
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1.3");
		assertThat(summary.supportedGroups()).startsWith("x25519", "secp256r1");
		assertThat(summary.cipherSuites()).contains(0x1301, 0x1302, 0x1303);
		assertMatchesTrace(summary, trace);
		assertThat(summary.ja4()).startsWith("t13d").contains("h2_").isEqualTo(trace.ja4());
	}

	@Test
	void tls12OnlyHelloMatchesTheTrace() throws Exception {
		// openssl 3.0 refuses "-tls1_2 -no_tls1_3" together ("Cannot supply both a
		// protocol flag
		// and '-no_<prot>'"): -tls1_2 alone offers TLS 1.2 and nothing else
		Capture capture = capture("-tls1_2");
		ClientHelloSummary summary = capture.summary();
		Trace trace = capture.trace();
		assertThat(summary.parseError()).isNull();
		assertThat(summary.serverName()).isNull();
		assertThat(summary.alpn()).isEmpty();
		assertThat(summary.supportedVersions()).isEmpty();
		assertThat(trace.versions).isEmpty();
		assertThat(summary.legacyVersion()).isEqualTo(0x0303);
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1.2");
		assertMatchesTrace(summary, trace);
		assertThat(summary.ja4()).startsWith("t12i").contains("00_").isEqualTo(trace.ja4());
	}

	@Test
	void helloWithoutTls13ButWithAlpnMatchesTheTrace() throws Exception {
		Capture capture = capture("-no_tls1_3", "-servername", "localhost", "-alpn", "http/1.1");
		ClientHelloSummary summary = capture.summary();
		Trace trace = capture.trace();
		assertThat(summary.parseError()).isNull();
		assertThat(summary.serverName()).isEqualTo("localhost");
		assertThat(summary.alpn()).containsExactly("http/1.1");
		assertThat(summary.protocolOffered()).isEqualTo("TLSv1.2");
		assertMatchesTrace(summary, trace);
		assertThat(summary.ja4()).startsWith("t12d").contains("h1_").isEqualTo(trace.ja4());
	}

	private static void assertMatchesTrace(ClientHelloSummary summary, Trace trace) {
		assertThat(summary.legacyVersion()).isEqualTo(trace.legacyVersion);
		assertThat(summary.cipherSuites()).isEqualTo(trace.ciphers);
		assertThat(summary.cipherSuiteNames()).isEqualTo(trace.cipherNames);
		assertThat(summary.extensions()).isEqualTo(trace.extensions);
		assertThat(summary.supportedGroups()).isEqualTo(trace.groups.stream().map(TlsNames::group).toList())
			.doesNotContain("0x001d", "0x0017");
		assertThat(summary.signatureAlgorithms()).isEqualTo(trace.signatureAlgorithmNames);
		assertThat(summary.alpn()).isEqualTo(trace.alpn);
		assertThat(summary.supportedVersions()).isEqualTo(trace.versions.stream().map(TlsNames::version).toList());
	}

	private static Capture capture(String... options) throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
			List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect",
					"127.0.0.1:" + server.getLocalPort(), "-trace"));
			command.addAll(List.of(options));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			try {
				CompletableFuture<String> output = CompletableFuture
					.supplyAsync(() -> readAll(process.getInputStream()));
				ClientHelloCollector collector = new ClientHelloCollector();
				try (Socket socket = server.accept()) {
					socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
					InputStream in = socket.getInputStream();
					byte[] buffer = new byte[512];
					int n;
					while (collector.summary() == null && (n = in.read(buffer)) >= 0) {
						collector.feed(buffer, 0, n);
					}
				}
				assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("s_client exited").isTrue();
				String trace = output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				assertThat(collector.isComplete()).as("ClientHello complete; s_client said:%n%s", trace).isTrue();
				return new Capture(collector.summarizeSoFar(), Trace.parse(trace));
			}
			finally {
				process.destroyForcibly();
			}
		}
	}

	private static String readAll(InputStream in) {
		try (in) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Capture(ClientHelloSummary summary, Trace trace) {
	}

	/**
	 * The first ClientHello in {@code openssl s_client -trace} output, and a JA4 computed
	 * from it without the production code: the trace's values, plain string sorting and
	 * joining.
	 */
	static final class Trace {

		private static final Pattern CLIENT_VERSION = Pattern.compile("^\\s*client_version=0x([0-9a-fA-F]+)");

		private static final Pattern CIPHER = Pattern
			.compile("^\\s*\\{0x([0-9A-Fa-f]{2}), 0x([0-9A-Fa-f]{2})\\} (\\S+)");

		private static final Pattern EXTENSION = Pattern.compile("^\\s*extension_type=(\\w+)\\((\\d+)\\), length=\\d+");

		private static final Pattern DECIMAL_CODE = Pattern.compile("\\((\\d+)\\)$");

		private static final Pattern SCHEME = Pattern.compile("^\\s*(\\S+) \\(0x([0-9a-f]{4})\\)$");

		int legacyVersion = -1;

		final List<Integer> ciphers = new ArrayList<>();

		final List<String> cipherNames = new ArrayList<>();

		final List<Integer> extensions = new ArrayList<>();

		final List<Integer> groups = new ArrayList<>();

		final List<Integer> signatureAlgorithms = new ArrayList<>();

		final List<String> signatureAlgorithmNames = new ArrayList<>();

		final List<String> alpn = new ArrayList<>();

		final List<Integer> versions = new ArrayList<>();

		boolean supportedVersionsPresent;

		static Trace parse(String output) {
			Trace trace = new Trace();
			int start = output.indexOf("ClientHello, Length=");
			assertThat(start).as("a ClientHello in the trace:%n%s", output).isGreaterThanOrEqualTo(0);
			String extension = "";
			for (String line : output.substring(start).split("\n")) {
				if (line.isBlank() || line.startsWith("Sent Record")) {
					break;
				}
				Matcher matcher;
				if ((matcher = CLIENT_VERSION.matcher(line)).find()) {
					trace.legacyVersion = Integer.parseInt(matcher.group(1), 16);
				}
				else if ((matcher = CIPHER.matcher(line)).find()) {
					trace.ciphers.add(Integer.parseInt(matcher.group(1) + matcher.group(2), 16));
					trace.cipherNames.add(matcher.group(3));
				}
				else if ((matcher = EXTENSION.matcher(line)).find()) {
					extension = matcher.group(1);
					trace.extensions.add(Integer.parseInt(matcher.group(2)));
					trace.supportedVersionsPresent |= extension.equals("supported_versions");
				}
				else if (extension.equals("supported_groups") && (matcher = DECIMAL_CODE.matcher(line.trim())).find()) {
					trace.groups.add(Integer.parseInt(matcher.group(1)));
				}
				else if (extension.equals("supported_versions")
						&& (matcher = DECIMAL_CODE.matcher(line.trim())).find()) {
					trace.versions.add(Integer.parseInt(matcher.group(1)));
				}
				else if (extension.equals("signature_algorithms") && (matcher = SCHEME.matcher(line)).find()) {
					trace.signatureAlgorithmNames.add(matcher.group(1));
					trace.signatureAlgorithms.add(Integer.parseInt(matcher.group(2), 16));
				}
				else if (extension.equals("application_layer_protocol_negotiation")) {
					trace.alpn.add(line.trim());
				}
			}
			return trace;
		}

		/**
		 * JA4 as the specification's prose describes it (openssl sends no GREASE, so
		 * there is none to drop).
		 */
		String ja4() throws Exception {
			int version = this.supportedVersionsPresent ? Collections.max(this.versions) : this.legacyVersion;
			Map<Integer, String> versionCodes = new LinkedHashMap<>();
			versionCodes.put(0x0304, "13");
			versionCodes.put(0x0303, "12");
			versionCodes.put(0x0302, "11");
			versionCodes.put(0x0301, "10");
			String a = "t" + versionCodes.getOrDefault(version, "00") + (this.extensions.contains(0) ? "d" : "i")
					+ twoDigits(this.ciphers.size()) + twoDigits(this.extensions.size()) + alpnChars();
			List<String> ciphers = new ArrayList<>();
			this.ciphers.forEach((code) -> ciphers.add(String.format("%04x", code)));
			Collections.sort(ciphers);
			List<String> extensions = new ArrayList<>();
			for (int type : this.extensions) {
				if (type != 0 && type != 16) {
					extensions.add(String.format("%04x", type));
				}
			}
			Collections.sort(extensions);
			List<String> schemes = new ArrayList<>();
			this.signatureAlgorithms.forEach((code) -> schemes.add(String.format("%04x", code)));
			String c = String.join(",", extensions) + (schemes.isEmpty() ? "" : "_" + String.join(",", schemes));
			return a + "_" + sha256Prefix(String.join(",", ciphers)) + "_" + sha256Prefix(c);
		}

		private String alpnChars() {
			if (this.alpn.isEmpty()) {
				return "00";
			}
			String first = this.alpn.get(0);
			return first.substring(0, 1) + first.substring(first.length() - 1);
		}

		private static String twoDigits(int count) {
			return (count < 10 ? "0" : "") + Math.min(count, 99);
		}

		private static String sha256Prefix(String text) throws Exception {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
			return String.format("%064x", new BigInteger(1, digest)).substring(0, 12);
		}

	}

}
