package dev.tlsaccept.peers;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A TLS alert as seen on the wire: level (1 warning, 2 fatal) and description number,
 * with the IANA name in snake form ({@code protocol_version}, {@code unknown_ca}, ...).
 *
 * <p>
 * Used by every peer in this package: {@link OpenSslResult#receivedAlert()},
 * {@link GnutlsResult#receivedAlert()} and {@link RawClient#plaintextAlertIn(byte[])}.
 */
public record Alert(int level, int description) {

	public static final int WARNING = 1;

	public static final int FATAL = 2;

	private static final Map<Integer, String> NAMES = new TreeMap<>();

	static {
		NAMES.put(0, "close_notify");
		NAMES.put(10, "unexpected_message");
		NAMES.put(20, "bad_record_mac");
		NAMES.put(21, "decryption_failed");
		NAMES.put(22, "record_overflow");
		NAMES.put(30, "decompression_failure");
		NAMES.put(40, "handshake_failure");
		NAMES.put(41, "no_certificate");
		NAMES.put(42, "bad_certificate");
		NAMES.put(43, "unsupported_certificate");
		NAMES.put(44, "certificate_revoked");
		NAMES.put(45, "certificate_expired");
		NAMES.put(46, "certificate_unknown");
		NAMES.put(47, "illegal_parameter");
		NAMES.put(48, "unknown_ca");
		NAMES.put(49, "access_denied");
		NAMES.put(50, "decode_error");
		NAMES.put(51, "decrypt_error");
		NAMES.put(60, "export_restriction");
		NAMES.put(70, "protocol_version");
		NAMES.put(71, "insufficient_security");
		NAMES.put(80, "internal_error");
		NAMES.put(86, "inappropriate_fallback");
		NAMES.put(90, "user_canceled");
		NAMES.put(100, "no_renegotiation");
		NAMES.put(109, "missing_extension");
		NAMES.put(110, "unsupported_extension");
		NAMES.put(111, "certificate_unobtainable");
		NAMES.put(112, "unrecognized_name");
		NAMES.put(113, "bad_certificate_status_response");
		NAMES.put(114, "bad_certificate_hash_value");
		NAMES.put(115, "unknown_psk_identity");
		NAMES.put(116, "certificate_required");
		NAMES.put(120, "no_application_protocol");
	}

	public Alert {
		if (description < 0 || description > 255) {
			throw new IllegalArgumentException("alert description out of range: " + description);
		}
	}

	public static Alert fatal(int description) {
		return new Alert(FATAL, description);
	}

	public static Alert warning(int description) {
		return new Alert(WARNING, description);
	}

	/**
	 * IANA name in snake form, e.g. {@code protocol_version}; {@code unknown(N)} if
	 * unassigned.
	 */
	public String name() {
		return nameOf(description);
	}

	public boolean isFatal() {
		return level == FATAL;
	}

	public String levelName() {
		return switch (level) {
			case WARNING -> "warning";
			case FATAL -> "fatal";
			default -> "level" + level;
		};
	}

	public static String nameOf(int description) {
		String name = NAMES.get(description);
		return name != null ? name : "unknown(" + description + ")";
	}

	/**
	 * Description number for a name in IANA snake form ({@code unknown_ca}) or in
	 * OpenSSL's long text form ({@code "unknown CA"}, {@code "close notify"}); empty when
	 * unknown.
	 */
	public static Optional<Integer> numberOf(String name) {
		String key = name.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
		for (Map.Entry<Integer, String> e : NAMES.entrySet()) {
			if (e.getValue().equals(key)) {
				return Optional.of(e.getKey());
			}
		}
		return Optional.empty();
	}

	@Override
	public String toString() {
		return levelName() + " " + name() + "(" + description + ")";
	}
}
