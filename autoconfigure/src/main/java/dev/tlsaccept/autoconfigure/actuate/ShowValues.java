package dev.tlsaccept.autoconfigure.actuate;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Whether personal data (peer addresses, SNI host names, certificate subjects and
 * issuers) is shown by an endpoint, following
 * {@code management.endpoint.<id>.show-values} and {@code roles} the way {@code env} and
 * {@code configprops} do; masked values read {@value #MASK}.
 *
 * @param show the configured policy
 * @param roles the roles that may see values when the policy is {@code WHEN_AUTHORIZED}
 */
record ShowValues(Show show, Set<String> roles) {

	/** What a hidden value reads. */
	static final String MASK = "******";

	ShowValues {
		roles = Set.copyOf(roles);
	}

	/**
	 * The values of one request. Over JMX ({@link SecurityContext#NONE})
	 * {@code WHEN_AUTHORIZED} shows values, as it does for {@code env} and
	 * {@code configprops}: JMX access is authorized by the JMX connector.
	 * @param securityContext the request's security context
	 * @return a masker for that request
	 */
	Masker forRequest(@Nullable SecurityContext securityContext) {
		boolean shown = (securityContext != null && securityContext != SecurityContext.NONE)
				? this.show.isShown(securityContext, this.roles) : this.show.isShown(true);
		return new Masker(shown);
	}

	/**
	 * Masks values unless they may be shown.
	 *
	 * @param shown whether values are shown
	 */
	record Masker(boolean shown) {

		@Nullable String mask(@Nullable String value) {
			return (value == null || this.shown) ? value : MASK;
		}

	}

}
