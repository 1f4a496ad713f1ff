package dev.tlsaccept.autoconfigure.actuate;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code tlslisteners} endpoint,
 * {@code management.endpoint.tlslisteners.*}, like that of {@code env} and
 * {@code configprops}.
 */
@ConfigurationProperties("management.endpoint.tlslisteners")
public class TlsListenersEndpointProperties {

	/**
	 * When to show the subjects, issuers and subject alternative names of the listeners'
	 * certificates (their own, per server name and trusted) instead of masking them. Also
	 * applies to the subjects in the tlsaccept health details, where only 'always' shows
	 * them (a health indicator does not know its caller).
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to be shown certificate
	 * subjects and issuers. When empty, all authenticated users are authorized.
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
