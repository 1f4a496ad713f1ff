package dev.tlsaccept.demo;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.peers.OpenSslClient;
import dev.tlsaccept.peers.OpenSslResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The demo's live page ({@code /actuator/tlspage}, on a separate management port here) in
 * a real headless Chromium: failed handshakes provoked by {@code openssl s_client} (TLS
 * 1.1 only) and by plaintext appear with their reason and alert, masked values read
 * {@code ******} as in the JSON ({@code show-values: never}), markup a client sends stays
 * text, the filters work, and the page raises no script or Content-Security-Policy error.
 * The screenshots are written to {@code target/tlspage/}: {@code tlspage.png} (the
 * README's picture) and {@code tlspage-dark.png} (dark colour scheme). Skipped when
 * Chromium is absent, except in CI (env {@code CI} set), where {@code .ci/run} installs
 * the Debian package {@code chromium}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "tlsaccept.listeners.demo.port=0",
		"tlsaccept.listeners.demo.address=127.0.0.1", "management.server.port=0" })
class LivePageBrowserTests {

	/**
	 * An ALPN protocol name that would run a script if the page wrote it as HTML.
	 */
	private static final String MARKUP = "<img src=x onerror=document.title=1>";

	@Value("${local.tlsaccept.demo.port}")
	int tlsPort;

	@Value("${local.management.port}")
	int managementPort;

	@Test
	@Timeout(value = 90, unit = TimeUnit.SECONDS)
	void failedHandshakesAppearLiveWithTheirReasonAndMaskedValues(@TempDir Path temp) throws Exception {
		Path chromium = HeadlessChromium.find();
		if (System.getenv("CI") == null) {
			assumeThat(chromium).as("chromium installed (apt-get install chromium; .ci/run installs it)").isNotNull();
			assumeThat(OpenSslClient.isAvailable()).as("openssl installed").isTrue();
		}
		assertThat(chromium).as("chromium must be installed in CI: .ci/run installs it").isNotNull();
		String page = "http://127.0.0.1:" + this.managementPort + "/actuator/tlspage";
		assertServedFromTheJar(page);
		try (HeadlessChromium browser = HeadlessChromium.start(chromium, temp);
				HeadlessChromium.Page tab = browser.openPage()) {
			tab.call("Runtime.enable", Map.of());
			tab.call("Log.enable", Map.of());
			tab.call("Emulation.setDeviceMetricsOverride",
					Map.of("width", 1360, "height", 900, "deviceScaleFactor", 1, "mobile", false));
			tab.call("Page.navigate", Map.of("url", page));
			assertThat(tab.awaitString("document.querySelector('[data-listener=demo] h3 .badge')?.textContent ?? ''",
					Duration.ofSeconds(20)))
				.isEqualTo("RUNNING");

			OpenSslResult success = new OpenSslClient().connect("127.0.0.1", this.tlsPort)
				.tls13()
				.servername("localhost")
				.alpn("h2," + MARKUP)
				.postHandshakeWait(Duration.ofMillis(100))
				.run();
			assertThat(success.handshakeCompleted()).as(success.describe()).isTrue();
			plaintextHttpToTheTlsPort();
			OpenSslResult failure = new OpenSslClient().connect("127.0.0.1", this.tlsPort)
				.tls11Only()
				.servername("localhost")
				.run();
			assertThat(failure.handshakeCompleted()).as(failure.describe()).isFalse();

			String reason = tab.awaitString(
					"[...document.querySelectorAll('tr[data-outcome=failure] td.reason')]"
							+ ".map((td) => td.firstChild.textContent).find((r) => r === 'unsupported protocol') ?? ''",
					Duration.ofSeconds(15));
			assertThat(reason).isEqualTo("unsupported protocol");
			JsonNode row = tab.evaluate(rowCells("unsupported protocol"));
			assertThat(row.path("alert").asString()).isEqualTo("protocol_version (70) sent");
			assertThat(row.path("protocol").asString()).isEqualTo("offered TLSv1.1");
			assertThat(row.path("ja4").asString()).startsWith("t11");
			// show-values: never: the page gets what the JSON gives, masked
			assertThat(row.path("peer").asString()).isEqualTo("******");
			assertThat(row.path("sni").asString()).isEqualTo("******");
			assertThat(tab.evaluate("document.querySelector('[data-listener=demo] dd.subject').textContent").asString())
				.isEqualTo("******");
			assertThat(tab.awaitString(rowCells("http request") + ".reason ?? ''", Duration.ofSeconds(5)))
				.isEqualTo("http request");
			assertThat(tab.awaitString("document.querySelector('tr[data-outcome=success] td.sni')?.textContent ?? ''",
					Duration.ofSeconds(5)))
				.isEqualTo("******");
			assertThat(tab.evaluate("document.getElementById('chart-desc').textContent").asString())
				.contains("1 succeeded, 2 failed");
			// what clients send is text, never markup (the ALPN list is not masked)
			assertThat(tab.evaluate("document.querySelector('tr[data-outcome=success] td.sni').title").asString())
				.isEqualTo("ALPN offered: h2, " + MARKUP);
			assertThat(tab.evaluate("document.images.length + ' ' + document.title").asString())
				.isEqualTo("0 tlsaccept · live handshakes");
			// the picture without the fading highlight of new rows (the page honours
			// reduced motion)
			tab.call("Emulation.setEmulatedMedia",
					Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
			Files.createDirectories(Path.of("target", "tlspage"));
			Files.write(Path.of("target", "tlspage", "tlspage.png"), tab.screenshot());
			tab.call("Emulation.setEmulatedMedia",
					Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"),
							Map.of("name", "prefers-color-scheme", "value", "dark"))));
			Files.write(Path.of("target", "tlspage", "tlspage-dark.png"), tab.screenshot());

			tab.evaluate("(() => { const s = document.getElementById('filter-outcome'); s.value = 'failure';"
					+ " s.dispatchEvent(new Event('change')); })()");
			assertThat(tab.evaluate("[...document.querySelectorAll('#rows tr')].map((tr) => tr.dataset.outcome)"))
				.extracting(JsonNode::asString)
				.containsOnly("failure")
				.hasSize(2);
			tab.evaluate("(() => { const s = document.getElementById('filter-outcome'); s.value = '';"
					+ " const t = document.getElementById('filter-text'); t.value = 'protocol_version';"
					+ " t.dispatchEvent(new Event('input')); })()");
			assertThat(tab.evaluate("[...document.querySelectorAll('#rows tr')].map((tr) => tr.dataset.outcome)"))
				.extracting(JsonNode::asString)
				.containsExactly("failure");

			List<String> errors = tab.events().stream().filter((event) -> switch (event.path("method").asString()) {
				case "Runtime.exceptionThrown" -> true;
				case "Runtime.consoleAPICalled" -> "error".equals(event.path("params").path("type").asString());
				case "Log.entryAdded" -> "error".equals(event.path("params").path("entry").path("level").asString());
				default -> false;
			}).map(JsonNode::toString).toList();
			assertThat(errors).as("script, console and CSP errors").isEmpty();
		}
	}

	/**
	 * The cells of the first row whose reason is {@code reason}, by class.
	 */
	private static String rowCells(String reason) {
		return "(() => { const tr = [...document.querySelectorAll('#rows tr')]"
				+ ".find((r) => r.querySelector('td.reason')?.firstChild?.textContent === '" + reason + "');"
				+ " if (!tr) return {}; const c = (name) => tr.querySelector('td.' + name).textContent;"
				+ " return { reason: tr.querySelector('td.reason').firstChild.textContent, alert: c('alert'),"
				+ " protocol: c('protocol'), sni: c('sni'), ja4: c('ja4'), peer: c('peer') }; })()";
	}

	private static void assertServedFromTheJar(String page) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create(page)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(html.statusCode()).isEqualTo(200);
		assertThat(html.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(html.body()).contains("Content-Security-Policy")
			.doesNotContain("http://")
			.doesNotContain("https://");
		// no second URL for the page: relative URLs resolve next to it
		assertThat(http
			.send(HttpRequest.newBuilder(URI.create(page + "/")).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(404);
		HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(page + "/tlspage.js")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(script.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/javascript"));
		assertThat(http
			.send(HttpRequest.newBuilder(URI.create(page + "/tlspage.html")).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(404);
	}

	private void plaintextHttpToTheTlsPort() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.tlsPort)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			while (in.read() != -1) {
				// until the listener closes
			}
		}
		catch (SocketException ex) {
			// reset by the listener: fine
		}
	}

}
