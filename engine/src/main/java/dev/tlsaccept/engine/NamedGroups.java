package dev.tlsaccept.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks configured key-exchange groups against what an engine supports: one vocabulary,
 * the IANA names ({@code X25519MLKEM768}, {@code x25519}, {@code secp256r1}), matched
 * without regard to case, for every engine.
 */
final class NamedGroups {

	private NamedGroups() {
	}

	/**
	 * The configured groups in the engine's spelling of their IANA names, in configured
	 * order.
	 * @param configured the groups of {@link TlsConfig#groups()}
	 * @param supported the groups the engine supports, by IANA name
	 * @param engineName the TLS implementation, for the message
	 * @return the groups, each once
	 * @throws TlsConfigException with {@link TlsConfigException.Setting#GROUPS} naming
	 * the first unsupported group and the supported ones
	 */
	static List<String> select(List<String> configured, List<String> supported, String engineName) {
		List<String> selected = new ArrayList<>();
		for (String group : configured) {
			String match = null;
			for (String candidate : supported) {
				if (candidate.toLowerCase(Locale.ROOT).equals(group.strip().toLowerCase(Locale.ROOT))) {
					match = candidate;
					break;
				}
			}
			if (match == null) {
				throw new TlsConfigException(TlsConfigException.Setting.GROUPS, "Key-exchange group '" + group
						+ "' is not supported by " + engineName + ": use one of " + String.join(", ", supported));
			}
			if (!selected.contains(match)) {
				selected.add(match);
			}
		}
		return List.copyOf(selected);
	}

}
