package dev.tlsaccept.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The demo listener's defaults audited by {@code testssl.sh} (Debian package
 * {@code testssl.sh}, {@code /usr/bin/testssl}): protocols, cipher suites and
 * vulnerabilities; no finding may be MEDIUM, HIGH or CRITICAL. Skipped when
 * {@code testssl} is absent, except in CI (env {@code CI} set), where {@code .ci/run}
 * installs it. The findings by severity are written to {@code target/testssl/summary.txt}
 * for README-reliability.md.
 *
 * <p>
 * Certificate findings are left out: the demo serves a self-signed development
 * certificate, which testssl rightly rates as an untrusted chain; that is about the key
 * material an application configures, not the listener's defaults.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "tlsaccept.listeners.demo.port=0", "tlsaccept.listeners.demo.address=127.0.0.1" })
class SecureDefaultsTestsslTests {

	static final List<String> BLOCKING = List.of("MEDIUM", "HIGH", "CRITICAL");

	/**
	 * Protocols ({@code -p}), standard cipher categories ({@code -s}), forward secrecy
	 * ({@code -f}), server preferences ({@code -P}), server defaults ({@code -S}) and
	 * every vulnerability check ({@code -U}); not the HTTP header check (the demo speaks
	 * a line protocol, not HTTP) nor the browser simulations, which take most of a full
	 * run's time.
	 */
	static final List<String> COMMAND = List.of("testssl", "--quiet", "--warnings", "off", "--color", "0", "--fast",
			"-p", "-s", "-f", "-P", "-S", "-U");

	@Value("${local.tlsaccept.demo.port}")
	int tlsPort;

	@Test
	@Timeout(value = 300, unit = TimeUnit.SECONDS)
	void testsslFindsNothingAboveLowSeverity(@TempDir Path temp) throws Exception {
		boolean installed = Files.isExecutable(Path.of("/usr/bin/testssl"));
		if (System.getenv("CI") == null) {
			assumeThat(installed).as("testssl installed (apt-get install testssl.sh)").isTrue();
		}
		assertThat(installed).as("testssl must be installed in CI: .ci/run installs testssl.sh").isTrue();
		Path json = temp.resolve("testssl.json");
		List<String> command = new ArrayList<>(COMMAND);
		command.addAll(List.of("--jsonfile-pretty", json.toString(), "127.0.0.1:" + this.tlsPort));
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(temp.resolve("testssl.out").toFile())
			.start();
		if (!process.waitFor(240, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("testssl did not finish in 240 s");
		}
		// testssl exits non-zero (e.g. 7) on success too: the JSON is the verdict
		assertThat(json)
			.as("testssl JSON, exit code " + process.exitValue() + ": "
					+ Files.readString(temp.resolve("testssl.out"), StandardCharsets.UTF_8))
			.exists();
		String report = Files.readString(json, StandardCharsets.UTF_8);
		List<Map<String, Object>> findings = JsonPath.read(report, "$..[?(@.severity)]");
		assertThat(findings).as("testssl findings").isNotEmpty();
		Map<String, Integer> bySeverity = new TreeMap<>();
		List<String> blocking = new ArrayList<>();
		for (Map<String, Object> finding : findings) {
			String id = String.valueOf(finding.get("id"));
			String severity = String.valueOf(finding.get("severity"));
			bySeverity.merge(severity, 1, Integer::sum);
			if (BLOCKING.contains(severity) && !isCertificateFinding(id)) {
				blocking.add(severity + " " + id + ": " + finding.get("finding"));
			}
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("bySeverity", bySeverity);
		summary.put("blocking", blocking);
		summary.put("certificateFindings",
				findings.stream()
					.filter((f) -> isCertificateFinding(String.valueOf(f.get("id")))
							&& BLOCKING.contains(String.valueOf(f.get("severity"))))
					.map((f) -> f.get("severity") + " " + f.get("id") + ": " + f.get("finding"))
					.toList());
		Path out = Path.of("target", "testssl");
		Files.createDirectories(out);
		Files.writeString(out.resolve("summary.txt"), summary.toString());
		Files.copy(json, out.resolve("testssl.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		System.out.println("testssl " + command + " took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
				+ " s: " + summary);
		// the protocol section was scanned: TLS 1.2 and 1.3 offered, nothing older
		assertThat(report).contains("\"id\"           : \"TLS1_2\"").contains("\"id\"           : \"TLS1_3\"");
		// strong suites only, no client-initiated renegotiation, no compression
		assertThat(
				JsonPath.<List<String>>read(report, "$.scanResult[0].ciphers[?(@.id != 'cipherlist_STRONG')].finding"))
			.isNotEmpty()
			.allMatch("not offered"::equals);
		assertThat(JsonPath.<List<String>>read(report,
				"$.scanResult[0].vulnerabilities[?(@.id in ['secure_client_renego', 'CRIME_TLS'])].severity"))
			.containsExactly("OK", "OK");
		assertThat(blocking).as("findings above LOW").isEmpty();
	}

	private static boolean isCertificateFinding(String id) {
		return id.startsWith("cert") || id.startsWith("intermediate_cert") || id.equals("chain_of_trust")
				|| id.startsWith("OCSP") || id.startsWith("DNS_CAArecord");
	}

}
