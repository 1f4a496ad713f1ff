package dev.tlsaccept.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven through the DevTools
 * protocol over {@link java.net.http.WebSocket}: a fresh profile in a directory of the
 * caller's, no network of its own (no sync, no component updates, no background
 * requests), the DevTools port chosen by Chromium and read from
 * {@code DevToolsActivePort}. {@link #close()} ends the browser and every process it
 * started.
 */
final class HeadlessChromium implements AutoCloseable {

	private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/lib/chromium/chromium",
			"/usr/bin/chromium-browser");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final int devToolsPort;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Page> pages = new ArrayList<>();

	private final Thread shutdownHook;

	private HeadlessChromium(Process process, int devToolsPort) {
		this.process = process;
		this.devToolsPort = devToolsPort;
		// should the test JVM be stopped before close(): no browser outlives it
		this.shutdownHook = new Thread(() -> destroyTree(process), "chromium-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * The installed Chromium, if any.
	 * @return its executable or {@code null}
	 */
	static @Nullable Path find() {
		for (String candidate : CANDIDATES) {
			Path path = Path.of(candidate);
			if (Files.isExecutable(path)) {
				return path;
			}
		}
		return null;
	}

	/**
	 * Start Chromium with a fresh profile and wait for its DevTools port.
	 * @param executable the Chromium executable
	 * @param directory an empty directory (the caller deletes it) for the profile, the
	 * browser's temporary files ({@code TMPDIR}) and its output ({@code chromium.log})
	 * @return the running browser
	 * @throws IOException if it cannot be started
	 */
	static HeadlessChromium start(Path executable, Path directory) throws IOException {
		Path profile = Files.createDirectories(directory.resolve("profile"));
		Path tmp = Files.createDirectories(directory.resolve("tmp"));
		Path log = directory.resolve("chromium.log");
		List<String> command = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
				"--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profile,
				"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		// its singleton socket and shared memory files go there, not to /tmp
		builder.environment().put("TMPDIR", tmp.toString());
		Process process = builder.start();
		Path activePort = profile.resolve("DevToolsActivePort");
		try {
			// the file's first line is the port Chromium bound, once it listens
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
							+ Files.readString(log, StandardCharsets.UTF_8));
				}
				return Files.isRegularFile(activePort) && Files.readAllLines(activePort).size() >= 2;
			});
			return new HeadlessChromium(process, Integer.parseInt(Files.readAllLines(activePort).get(0).trim()));
		}
		catch (RuntimeException ex) {
			destroyTree(process);
			throw ex;
		}
	}

	/**
	 * Open a new tab (a DevTools page target) and connect to it.
	 * @return the page
	 * @throws Exception if DevTools refuses
	 */
	Page openPage() throws Exception {
		HttpResponse<String> created = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.devToolsPort + "/json/new?about:blank"))
				.PUT(HttpRequest.BodyPublishers.noBody())
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (created.statusCode() != 200) {
			throw new IllegalStateException("DevTools /json/new: " + created.statusCode() + " " + created.body());
		}
		String webSocketUrl = JSON.readTree(created.body()).path("webSocketDebuggerUrl").asString();
		Page page = new Page();
		page.webSocket = this.http.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(20))
			.buildAsync(URI.create(webSocketUrl), page)
			.get(20, TimeUnit.SECONDS);
		this.pages.add(page);
		return page;
	}

	@Override
	public void close() {
		for (Page page : this.pages) {
			page.webSocket.abort();
		}
		destroyTree(this.process);
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs anyway
		}
	}

	/**
	 * End a process and its descendants (Chromium's zygote, renderer, GPU and utility
	 * processes, collected first: they are re-parented once the browser is gone). The
	 * browser first, which ends its children on SIGTERM; whatever is left after 10 s is
	 * killed.
	 */
	private static void destroyTree(Process process) {
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<ProcessHandle> left = new ArrayList<>(children);
		left.add(process.toHandle());
		left.removeIf((handle) -> !handle.isAlive());
		left.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : left) {
			try {
				handle.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// a process that survives SIGKILL for 10 s: nothing more to do
			}
		}
	}

	/**
	 * One tab: DevTools commands by id, events collected.
	 */
	static final class Page implements WebSocket.Listener, AutoCloseable {

		private final AtomicInteger ids = new AtomicInteger();

		private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

		private final List<JsonNode> events = new CopyOnWriteArrayList<>();

		private final StringBuilder partial = new StringBuilder();

		private WebSocket webSocket;

		/**
		 * Send a DevTools command and wait for its result.
		 * @param method e.g. {@code Page.navigate}
		 * @param params its parameters
		 * @return the {@code result} object
		 * @throws Exception on a DevTools error or after 30 s
		 */
		JsonNode call(String method, Map<String, Object> params) throws Exception {
			int id = this.ids.incrementAndGet();
			CompletableFuture<JsonNode> response = new CompletableFuture<>();
			this.calls.put(id, response);
			this.webSocket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
				.get(10, TimeUnit.SECONDS);
			JsonNode message = response.get(30, TimeUnit.SECONDS);
			if (message.has("error")) {
				throw new IllegalStateException(method + ": " + message.path("error"));
			}
			return message.path("result");
		}

		/**
		 * Evaluate a JavaScript expression in the page.
		 * @param expression the expression
		 * @return its value as JSON ({@code null} node when undefined)
		 * @throws Exception when it throws or DevTools fails
		 */
		JsonNode evaluate(String expression) throws Exception {
			JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
			if (result.has("exceptionDetails")) {
				throw new IllegalStateException(expression + ": " + result.path("exceptionDetails"));
			}
			return result.path("result").path("value");
		}

		/**
		 * Evaluate until the expression gives a non-empty string, at most
		 * {@code timeout}.
		 * @param expression the expression
		 * @param timeout how long at most
		 * @return the string
		 */
		String awaitString(String expression, Duration timeout) {
			return await().atMost(timeout)
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> evaluate(expression).asString(""), (value) -> !value.isEmpty());
		}

		/**
		 * A PNG of the viewport.
		 * @return the PNG bytes
		 * @throws Exception when DevTools fails
		 */
		byte[] screenshot() throws Exception {
			JsonNode result = call("Page.captureScreenshot", Map.of("format", "png"));
			return Base64.getDecoder().decode(result.path("data").asString());
		}

		/**
		 * Events received so far (messages without an id).
		 * @return the events
		 */
		List<JsonNode> events() {
			return this.events;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				JsonNode message = JSON.readTree(this.partial.toString());
				this.partial.setLength(0);
				if (message.has("id")) {
					CompletableFuture<JsonNode> call = this.calls.remove(message.path("id").asInt());
					if (call != null) {
						call.complete(message);
					}
				}
				else {
					this.events.add(message);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.calls.values().forEach((call) -> call.completeExceptionally(error));
		}

		@Override
		public void close() {
			this.webSocket.abort();
		}

	}

}
