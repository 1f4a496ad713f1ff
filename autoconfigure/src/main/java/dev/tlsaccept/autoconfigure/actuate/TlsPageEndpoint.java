package dev.tlsaccept.autoconfigure.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.util.MimeType;

/**
 * {@code /actuator/tlspage}: a live view of the listeners and their handshakes, a
 * self-contained HTML page (with {@code /actuator/tlspage/tlspage.js} and
 * {@code tlspage.css}) that polls {@code /actuator/tlshandshakes} and
 * {@code /actuator/tlslisteners} with relative URLs.
 *
 * <p>
 * Off by default ({@code defaultAccess = NONE}, like {@code shutdown}): it exists with
 * {@code management.endpoint.tlspage.access=read-only} and the endpoint in
 * {@code management.endpoints.web.exposure.include}. The page holds no data of its own:
 * what it shows is what the two JSON endpoints return to the same browser, so their
 * exposure, access, {@code show-values} masking and security rules apply unchanged.
 */
@WebEndpoint(id = "tlspage", defaultAccess = Access.NONE)
public class TlsPageEndpoint {

	private static final String LOCATION = "dev/tlsaccept/autoconfigure/actuate/tlspage/";

	private static final Map<String, MimeType> ASSETS = Map.of("tlspage.js",
			MimeType.valueOf("text/javascript;charset=UTF-8"), "tlspage.css",
			MimeType.valueOf("text/css;charset=UTF-8"));

	TlsPageEndpoint() {
	}

	/**
	 * The page.
	 * @return the HTML page
	 */
	@ReadOperation(produces = "text/html;charset=UTF-8")
	public Resource page() {
		return new ClassPathResource(LOCATION + "tlspage.html", TlsPageEndpoint.class.getClassLoader());
	}

	/**
	 * The page's script or style sheet.
	 * @param name {@code tlspage.js} or {@code tlspage.css}
	 * @return the file, or {@code null} (404) for any other name
	 */
	@ReadOperation(produces = { "text/javascript;charset=UTF-8", "text/css;charset=UTF-8" })
	public @Nullable WebEndpointResponse<Resource> asset(@Selector String name) {
		MimeType type = ASSETS.get(name);
		if (type == null) {
			return null;
		}
		return new WebEndpointResponse<>(new ClassPathResource(LOCATION + name, TlsPageEndpoint.class.getClassLoader()),
				type);
	}

}
