package dev.tlsaccept.engine;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

import org.jspecify.annotations.Nullable;

/**
 * SNI host patterns: exact names and one-label wildcards ({@code *.example.com} matches
 * {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}).
 */
final class ServerNames {

	private ServerNames() {
	}

	static String normalizePattern(String pattern) {
		String normalized = pattern.trim().toLowerCase(Locale.ROOT);
		if (normalized.endsWith(".")) {
			normalized = normalized.substring(0, normalized.length() - 1);
		}
		String name = normalized.startsWith("*.") ? normalized.substring(2) : normalized;
		if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.contains("..")) {
			throw new TlsConfigException(TlsConfigException.Setting.SERVER_NAMES, "Server name '" + pattern
					+ "' is not a host name or a wildcard such as *.example.com (one leading '*.' only)");
		}
		return normalized;
	}

	/**
	 * The pattern that a requested host name matches: the exact name first, then its
	 * wildcard.
	 * @param patterns normalized patterns
	 * @param hostName the name the client asked for
	 * @return the matching pattern, or {@code null}
	 */
	static @Nullable String match(Collection<String> patterns, String hostName) {
		String name = hostName.toLowerCase(Locale.ROOT);
		if (patterns.contains(name)) {
			return name;
		}
		int dot = name.indexOf('.');
		if (dot > 0) {
			String wildcard = "*" + name.substring(dot);
			if (patterns.contains(wildcard)) {
				return wildcard;
			}
		}
		return null;
	}

	/**
	 * The host name a client asked for in the handshake in progress.
	 * @param session the handshake session
	 * @return the SNI host name, or {@code null}
	 */
	static @Nullable String requested(@Nullable SSLSession session) {
		if (session instanceof ExtendedSSLSession extended) {
			for (SNIServerName name : extended.getRequestedServerNames()) {
				if (name instanceof SNIHostName host) {
					return host.getAsciiName();
				}
			}
		}
		return null;
	}

	/**
	 * A matcher that accepts only the configured names: SunJSSE refuses any other
	 * requested host name with a fatal {@code unrecognized_name} alert.
	 * @param patterns normalized patterns
	 * @return the matchers to set on the engine's parameters
	 */
	static List<SNIMatcher> knownNamesOnly(Collection<String> patterns) {
		return List.of(new SNIMatcher(0) {

			@Override
			public boolean matches(SNIServerName serverName) {
				return serverName instanceof SNIHostName host && match(patterns, host.getAsciiName()) != null;
			}

		});
	}

}
