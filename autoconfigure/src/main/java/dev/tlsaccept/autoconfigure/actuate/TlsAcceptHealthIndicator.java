package dev.tlsaccept.autoconfigure.actuate;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.server.TlsServer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code tlsaccept} health contributor.
 *
 * <ul>
 * <li>{@code DOWN} when a listener {@code FAILED}, or is not running while the
 * application context is (it stopped unexpectedly, or never started);</li>
 * <li>{@code OUT_OF_SERVICE} when a certificate chain a listener serves (its default one
 * or one per server name) holds a certificate that is expired or not yet valid (as Spring
 * Boot's {@code ssl} indicator does), or listeners are stopping with the context;</li>
 * <li>else {@code UP}. A certificate that expires within
 * {@code tlsaccept.health.certificate-warning-threshold} is listed under
 * {@code expiringCertificates} without changing the status, like {@code expiringChains}
 * of the {@code ssl} indicator.</li>
 * </ul>
 * A failed key material reload (an SSL bundle was reloaded with material the listener
 * cannot use) leaves the status as it is: the listener still serves the material in use
 * before, whose certificates this indicator keeps checking; the listener's
 * {@code lastReload} says {@code FAILED} and it is named under {@code failedReloads}.
 * Details: {@code listeners} (state, port, status and {@code lastReload} by name),
 * {@code expiringCertificates}, {@code invalidCertificates}, {@code failedReloads}.
 * Certificate subjects follow the masking rule of {@code /actuator/tlslisteners}
 * ({@code management.endpoint.tlslisteners.show-values}): a health indicator does not
 * know its caller, so they are shown only when that is {@code always}.
 */
public class TlsAcceptHealthIndicator extends AbstractHealthIndicator {

	private final TlsListeners listeners;

	private final BooleanSupplier contextRunning;

	private final Duration warningThreshold;

	private final Clock clock;

	private final ShowValues.Masker masker;

	/**
	 * Create an indicator.
	 * @param listeners the listeners
	 * @param contextRunning whether the application context is running (so a stopped
	 * listener is unexpected)
	 * @param warningThreshold how long before expiry a certificate is listed as expiring
	 * @param clock gives "now"
	 * @param showSubjects whether certificate subjects are shown rather than masked
	 */
	public TlsAcceptHealthIndicator(TlsListeners listeners, BooleanSupplier contextRunning, Duration warningThreshold,
			Clock clock, boolean showSubjects) {
		super("TLS listeners health check failed");
		this.listeners = listeners;
		this.contextRunning = contextRunning;
		this.warningThreshold = warningThreshold;
		this.clock = clock;
		this.masker = new ShowValues.Masker(showSubjects);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		boolean contextRunning = this.contextRunning.getAsBoolean();
		Map<String, Map<String, Object>> listeners = new LinkedHashMap<>();
		List<CertificateStatus> expiring = new ArrayList<>();
		List<CertificateStatus> invalid = new ArrayList<>();
		List<String> failedReloads = new ArrayList<>();
		boolean down = false;
		boolean outOfService = false;
		for (TlsListener listener : this.listeners.all()) {
			TlsServer.State state = listener.getState();
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", state.name());
			details.put("port", listener.getPort());
			Status status = status(state, contextRunning);
			if (state == TlsServer.State.FAILED && listener.getServer().failure() != null) {
				details.put("failure", String.valueOf(listener.getServer().failure().getMessage()));
			}
			Map<@Nullable String, KeyMaterial> chains = new LinkedHashMap<>();
			TlsConfig config = listener.getContext().config();
			chains.put(null, config.keyMaterial());
			chains.putAll(config.serverNameKeyMaterial());
			for (Map.Entry<@Nullable String, KeyMaterial> chain : chains.entrySet()) {
				for (X509Certificate certificate : chain.getValue().certificateChain()) {
					CertificateDescriptor described = CertificateDescriptor.of(certificate, now, this.masker);
					CertificateStatus certificateStatus = new CertificateStatus(listener.getName(), chain.getKey(),
							described.subject(), described.serialNumber(), described.notAfter(), described.daysLeft(),
							described.validity());
					if (!"VALID".equals(described.validity())) {
						invalid.add(certificateStatus);
						if (status == Status.UP) {
							status = Status.OUT_OF_SERVICE;
						}
					}
					else if (now.plus(this.warningThreshold).isAfter(described.notAfter())) {
						expiring.add(certificateStatus);
					}
				}
			}
			TlsListener.KeyMaterialReload reload = listener.getLastReload();
			if (reload != null) {
				Map<String, Object> lastReload = new LinkedHashMap<>();
				lastReload.put("time", reload.time());
				lastReload.put("sslBundle", reload.sslBundle());
				lastReload.put("outcome", reload.outcome().name());
				if (reload.error() != null) {
					lastReload.put("error", reload.error());
				}
				details.put("lastReload", lastReload);
				if (reload.outcome() == TlsListener.KeyMaterialReload.Outcome.FAILED) {
					failedReloads.add(listener.getName());
				}
			}
			details.put("status", status.getCode());
			down |= status == Status.DOWN;
			outOfService |= status == Status.OUT_OF_SERVICE;
			listeners.put(listener.getName(), details);
		}
		builder.status(down ? Status.DOWN : outOfService ? Status.OUT_OF_SERVICE : Status.UP);
		builder.withDetail("listeners", listeners);
		builder.withDetail("expiringCertificates", expiring);
		builder.withDetail("invalidCertificates", invalid);
		builder.withDetail("failedReloads", failedReloads);
	}

	private static Status status(TlsServer.State state, boolean contextRunning) {
		return switch (state) {
			case RUNNING -> Status.UP;
			case FAILED -> Status.DOWN;
			case STARTING -> Status.UNKNOWN;
			case NEW -> contextRunning ? Status.DOWN : Status.UNKNOWN;
			case STOPPING, STOPPED -> contextRunning ? Status.DOWN : Status.OUT_OF_SERVICE;
		};
	}

	/**
	 * A certificate of a listener that is expiring or invalid.
	 *
	 * @param listener the listener name
	 * @param serverName the host pattern of the chain ({@code sni.bundles}), or
	 * {@code null} for the listener's default chain
	 * @param subject the certificate subject, {@code ******} unless shown
	 * @param serialNumber the serial number in hex
	 * @param notAfter end of validity
	 * @param daysLeft whole days until {@code notAfter}
	 * @param validity {@code VALID}, {@code EXPIRED} or {@code NOT_YET_VALID}
	 */
	public record CertificateStatus(String listener, @Nullable String serverName, @Nullable String subject,
			String serialNumber, Instant notAfter, long daysLeft, String validity) {

	}

}
