package dev.tlsaccept.autoconfigure.actuate;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code tlshandshakes} endpoint,
 * {@code management.endpoint.tlshandshakes.*}, like that of {@code env} and
 * {@code configprops}.
 */
@ConfigurationProperties("management.endpoint.tlshandshakes")
public class TlsHandshakesEndpointProperties {

	/**
	 * When to show personal data (peer addresses, SNI host names, certificate subjects
	 * and issuers) instead of masking it.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to be shown personal data.
	 * When empty, all authenticated users are authorized.
	 */
	private final Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
