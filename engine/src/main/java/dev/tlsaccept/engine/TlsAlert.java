package dev.tlsaccept.engine;

import java.util.Map;
import java.util.Set;

/**
 * A TLS alert seen during a handshake: its IANA number and name, its level, and whether
 * this side sent it or received it from the peer.
 *
 * @param number the alert description number (RFC 8446 section 6), e.g. {@code 70}
 * @param name the alert name as RFC 8446 spells it, e.g. {@code protocol_version}
 * @param level the alert level
 * @param direction whether the server sent or received it
 */
public record TlsAlert(int number, String name, Level level, Direction direction) {

	/**
	 * Alert level. TLS 1.3 treats every alert but close_notify and user_canceled as
	 * fatal.
	 */
	public enum Level {

		/** Level 1. */
		WARNING,

		/** Level 2. */
		FATAL

	}

	/** Who sent the alert, seen from the server. */
	public enum Direction {

		/** The server sent the alert to the client. */
		SENT,

		/** The server received the alert from the client. */
		RECEIVED

	}

	private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(0, "close_notify"),
			Map.entry(10, "unexpected_message"), Map.entry(20, "bad_record_mac"), Map.entry(21, "decryption_failed"),
			Map.entry(22, "record_overflow"), Map.entry(30, "decompression_failure"),
			Map.entry(40, "handshake_failure"), Map.entry(41, "no_certificate"), Map.entry(42, "bad_certificate"),
			Map.entry(43, "unsupported_certificate"), Map.entry(44, "certificate_revoked"),
			Map.entry(45, "certificate_expired"), Map.entry(46, "certificate_unknown"),
			Map.entry(47, "illegal_parameter"), Map.entry(48, "unknown_ca"), Map.entry(49, "access_denied"),
			Map.entry(50, "decode_error"), Map.entry(51, "decrypt_error"), Map.entry(60, "export_restriction"),
			Map.entry(70, "protocol_version"), Map.entry(71, "insufficient_security"), Map.entry(80, "internal_error"),
			Map.entry(86, "inappropriate_fallback"), Map.entry(90, "user_canceled"), Map.entry(100, "no_renegotiation"),
			Map.entry(109, "missing_extension"), Map.entry(110, "unsupported_extension"),
			Map.entry(111, "certificate_unobtainable"), Map.entry(112, "unrecognized_name"),
			Map.entry(113, "bad_certificate_status_response"), Map.entry(114, "bad_certificate_hash_value"),
			Map.entry(115, "unknown_psk_identity"), Map.entry(116, "certificate_required"),
			Map.entry(120, "no_application_protocol"));

	/**
	 * Alerts that OpenSSL's reason strings prefix with "sslv3 alert" (defined by SSL
	 * 3.0).
	 */
	private static final Set<Integer> SSLV3_ALERTS = Set.of(10, 20, 30, 40, 41, 42, 43, 44, 45, 46, 47);

	/**
	 * Create an alert from its number, naming it from the IANA registry.
	 * @param number the alert description number
	 * @param level the alert level
	 * @param direction sent or received
	 * @return the alert
	 */
	public static TlsAlert of(int number, Level level, Direction direction) {
		return new TlsAlert(number, nameOf(number), level, direction);
	}

	/**
	 * Create a fatal alert from its name as RFC 8446 spells it
	 * ({@code handshake_failure}).
	 * @param name the alert name
	 * @param direction sent or received
	 * @return the alert, or {@code null} when the name is not a known alert
	 */
	static @org.jspecify.annotations.Nullable TlsAlert fatal(String name, Direction direction) {
		for (Map.Entry<Integer, String> entry : NAMES.entrySet()) {
			if (entry.getValue().equals(name)) {
				return new TlsAlert(entry.getKey(), name, Level.FATAL, direction);
			}
		}
		return null;
	}

	/**
	 * The IANA name of an alert number.
	 * @param number the alert description number
	 * @return its name, or {@code unknown(N)}
	 */
	public static String nameOf(int number) {
		return NAMES.getOrDefault(number, "unknown(" + number + ")");
	}

	/**
	 * What OpenSSL's error queue says when it receives this alert, e.g.
	 * {@code sslv3 alert handshake failure} or {@code tlsv13 alert certificate required}.
	 * @return OpenSSL's reason string for a received alert
	 */
	public String openSslReason() {
		String words = this.name.replace('_', ' ');
		if (this.number == 116) {
			return "tlsv13 alert " + words;
		}
		if (SSLV3_ALERTS.contains(this.number)) {
			return "sslv3 alert " + words;
		}
		return switch (this.number) {
			case 90 -> "tlsv1 alert user cancelled";
			case 110, 111, 112, 113, 114 -> "tlsv1 " + words;
			default -> "tlsv1 alert " + words;
		};
	}

	@Override
	public String toString() {
		return (this.direction == Direction.SENT ? "sent " : "received ") + this.level.name().toLowerCase() + " "
				+ this.name + " (" + this.number + ")";
	}

}
