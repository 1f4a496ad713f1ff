package dev.tlsaccept.autoconfigure.actuate;

import java.nio.charset.StandardCharsets;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page is opt-in ({@code management.endpoint.tlspage.access}, {@code none} by
 * default, and exposure), serves only its three files from the jar, and holds no data:
 * its script reads the two JSON endpoints next to it and writes every value as text. The
 * page in a browser: {@code LivePageBrowserTests} in the demo.
 */
class TlsPageEndpointTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, SslAutoConfiguration.class,
				TlsAcceptAutoConfiguration.class, TlsAcceptEndpointAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.setConversionService((ApplicationConversionService) ApplicationConversionService.getSharedInstance()))
		.withPropertyValues("management.endpoints.web.exposure.include=*");

	@Test
	void offByDefaultEvenWhenEveryEndpointIsExposed() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(TlsListenersEndpoint.class)
			.doesNotHaveBean(TlsPageEndpoint.class));
	}

	@Test
	void onWithReadOnlyAccess() {
		this.contextRunner.withPropertyValues("management.endpoint.tlspage.access=read-only")
			.run((context) -> assertThat(context).hasSingleBean(TlsPageEndpoint.class));
	}

	@Test
	void offWhenNotExposed() {
		this.contextRunner
			.withPropertyValues("management.endpoint.tlspage.access=read-only",
					"management.endpoints.web.exposure.include=tlshandshakes,tlslisteners")
			.run((context) -> assertThat(context).doesNotHaveBean(TlsPageEndpoint.class));
	}

	@Test
	void maxPermittedAccessNoneTurnsItOff() {
		this.contextRunner
			.withPropertyValues("management.endpoint.tlspage.access=read-only",
					"management.endpoints.access.max-permitted=none")
			.run((context) -> assertThat(context).doesNotHaveBean(TlsPageEndpoint.class));
	}

	@Test
	void servesThePageItsScriptAndItsStyleSheetOnly() throws Exception {
		TlsPageEndpoint endpoint = new TlsPageEndpoint();
		String html = endpoint.page().getContentAsString(StandardCharsets.UTF_8);
		assertThat(html).contains("src=\"tlspage/tlspage.js\"", "href=\"tlspage/tlspage.css\"",
				"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self';"
						+ " connect-src 'self';");
		WebEndpointResponse<Resource> script = endpoint.asset("tlspage.js");
		assertThat(script).isNotNull();
		assertThat(script.getContentType()).hasToString("text/javascript;charset=UTF-8");
		assertThat(script.getBody().exists()).isTrue();
		WebEndpointResponse<Resource> style = endpoint.asset("tlspage.css");
		assertThat(style).isNotNull();
		assertThat(style.getContentType()).hasToString("text/css;charset=UTF-8");
		assertThat(endpoint.asset("tlspage.html")).isNull();
		assertThat(endpoint.asset("..")).isNull();
		assertThat(endpoint.asset("TlsPageEndpoint.class")).isNull();
	}

	@Test
	void theScriptReadsOnlyTheJsonEndpointsNextToItAndWritesText() throws Exception {
		WebEndpointResponse<Resource> response = new TlsPageEndpoint().asset("tlspage.js");
		assertThat(response).isNotNull();
		String script = response.getBody().getContentAsString(StandardCharsets.UTF_8);
		assertThat(script).contains("'tlshandshakes?limit=200'", "'tlslisteners'")
			.doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")
			.doesNotContain("localStorage", "sessionStorage", "XMLHttpRequest", "WebSocket")
			.doesNotContainPattern("fetch\\((?!url)");
		String html = new TlsPageEndpoint().page().getContentAsString(StandardCharsets.UTF_8);
		assertThat(html + script).doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
	}

}
