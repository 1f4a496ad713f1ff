package dev.tlsaccept.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tlsaccept.autoconfigure.TlsListener;
import dev.tlsaccept.autoconfigure.TlsListeners;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds a {@code tlsaccept} key to {@code /actuator/info}: each listener's state, port,
 * engine, BIO mode and protocols. Nothing personal: no certificate subject, no peer.
 */
public class TlsAcceptInfoContributor implements InfoContributor {

	private final TlsListeners listeners;

	/**
	 * Create a contributor.
	 * @param listeners the listeners
	 */
	public TlsAcceptInfoContributor(TlsListeners listeners) {
		this.listeners = listeners;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (TlsListener listener : this.listeners.all()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", listener.getState().name());
			details.put("port", listener.getPort());
			details.put("engine", listener.getContext().engineName());
			details.put("bioMode", listener.getServer().settings().bioMode().configName());
			details.put("protocols", listener.getContext().enabledProtocols());
			listeners.put(listener.getName(), details);
		}
		builder.withDetail("tlsaccept", Map.of("listeners", listeners));
	}

}
