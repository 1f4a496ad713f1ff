package dev.tlsaccept.clienthello;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a client offered in its ClientHello: versions, cipher suites, extensions, groups,
 * signature algorithms, ALPN protocols, server name, and its JA4 fingerprint. GREASE
 * values (RFC 8701) are left out of every list. Everything here was chosen by the client,
 * so treat it as untrusted input: names are printable ASCII, with any other byte written
 * as {@code \xNN}.
 * <p>
 * A summary of a ClientHello that was incomplete or malformed holds what could be read
 * before the problem, and says what the problem was in {@link #parseError()}; its
 * {@link #ja4()} is empty.
 *
 * @param legacyVersion the legacy_version field, e.g. {@code 0x0303}; {@code 0} if not
 * read
 * @param supportedVersions the supported_versions extension in the order offered, e.g.
 * {@code ["TLSv1.3", "TLSv1.2"]}; empty if the extension is absent (see
 * {@link #protocolOffered()}); an unknown version is written as {@code 0x7f1c}
 * @param cipherSuites the cipher suite codes in the order offered
 * @param cipherSuiteNames the IANA names of {@code cipherSuites}, in the same order, e.g.
 * {@code TLS_AES_128_GCM_SHA256}; an unknown suite is written as {@code 0x1306}
 * @param extensions the extension types in the order offered
 * @param supportedGroups the supported_groups extension, e.g.
 * {@code ["x25519", "secp256r1"]}
 * @param signatureAlgorithms the signature_algorithms extension, e.g.
 * {@code ["ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"]}
 * @param alpn the ALPN protocols in the order offered, e.g. {@code ["h2", "http/1.1"]}
 * @param serverName the host name of the server_name (SNI) extension, or {@code null} if
 * none
 * @param ja4 the JA4 fingerprint, e.g. {@code t13d1516h2_8daaf6152771_e5627efa2ab1};
 * empty when {@code parseError} is set
 * @param parseError why the ClientHello could not be read in full, or {@code null} if it
 * was
 * @param resumptionOffered what the client offered to resume (a TLS 1.3 pre-shared key, a
 * TLS 1.2 ticket or session ID), {@link ResumptionOffer#NONE} for none: beside the
 * record's {@code resumed}, an offer the server did not take (a ticket from an instance
 * with other ticket keys, or an expired one) shows why a client paid a full handshake
 */
public record ClientHelloSummary(int legacyVersion, List<String> supportedVersions, List<Integer> cipherSuites,
		List<String> cipherSuiteNames, List<Integer> extensions, List<String> supportedGroups,
		List<String> signatureAlgorithms, List<String> alpn, @Nullable String serverName, String ja4,
		@Nullable String parseError, ResumptionOffer resumptionOffered) {

	/**
	 * A summary; the lists are copied, so that the summary is immutable.
	 * @param legacyVersion the legacy_version field
	 * @param supportedVersions the supported_versions extension, as version names
	 * @param cipherSuites the cipher suite codes
	 * @param cipherSuiteNames the cipher suite names
	 * @param extensions the extension types
	 * @param supportedGroups the supported group names
	 * @param signatureAlgorithms the signature scheme names
	 * @param alpn the ALPN protocols
	 * @param serverName the SNI host name, if any
	 * @param ja4 the JA4 fingerprint, or empty
	 * @param parseError why the ClientHello could not be read in full, if it could not
	 * @param resumptionOffered what the client offered to resume
	 */
	public ClientHelloSummary {
		supportedVersions = List.copyOf(supportedVersions);
		cipherSuites = List.copyOf(cipherSuites);
		cipherSuiteNames = List.copyOf(cipherSuiteNames);
		extensions = List.copyOf(extensions);
		supportedGroups = List.copyOf(supportedGroups);
		signatureAlgorithms = List.copyOf(signatureAlgorithms);
		alpn = List.copyOf(alpn);
		Objects.requireNonNull(ja4, "ja4 must not be null; use an empty string when there is no fingerprint");
		Objects.requireNonNull(resumptionOffered,
				"resumptionOffered must not be null; use ResumptionOffer.NONE when the client offered no session");
	}

	/**
	 * A summary of a ClientHello that offered no session to resume.
	 * @param legacyVersion the legacy_version field
	 * @param supportedVersions the supported_versions extension, as version names
	 * @param cipherSuites the cipher suite codes
	 * @param cipherSuiteNames the cipher suite names
	 * @param extensions the extension types
	 * @param supportedGroups the supported group names
	 * @param signatureAlgorithms the signature scheme names
	 * @param alpn the ALPN protocols
	 * @param serverName the SNI host name, if any
	 * @param ja4 the JA4 fingerprint, or empty
	 * @param parseError why the ClientHello could not be read in full, if it could not
	 */
	public ClientHelloSummary(int legacyVersion, List<String> supportedVersions, List<Integer> cipherSuites,
			List<String> cipherSuiteNames, List<Integer> extensions, List<String> supportedGroups,
			List<String> signatureAlgorithms, List<String> alpn, @Nullable String serverName, String ja4,
			@Nullable String parseError) {
		this(legacyVersion, supportedVersions, cipherSuites, cipherSuiteNames, extensions, supportedGroups,
				signatureAlgorithms, alpn, serverName, ja4, parseError, ResumptionOffer.NONE);
	}

	/**
	 * Summarize a ClientHello handshake message. Never throws on any content: a message
	 * that is truncated, malformed or not a ClientHello gives a summary with
	 * {@link #parseError()} set.
	 * @param handshakeMessage the ClientHello handshake message including its 4-byte
	 * handshake header (type {@code 1}, 24-bit length), without the 5-byte record header;
	 * bytes after the length that the header declares are ignored
	 * @return the summary
	 */
	public static ClientHelloSummary parse(byte[] handshakeMessage) {
		Objects.requireNonNull(handshakeMessage, "handshakeMessage must not be null");
		return ClientHelloParser.parse(handshakeMessage, handshakeMessage.length);
	}

	/**
	 * A summary of a stream that carried no readable ClientHello: only {@code parseError}
	 * is set.
	 */
	static ClientHelloSummary failed(String parseError) {
		return new ClientHelloSummary(0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
				null, "", parseError);
	}

	/**
	 * The highest protocol version the client offered: the highest known version of
	 * {@link #supportedVersions()} if any, else the {@link #legacyVersion()} (a client
	 * without the supported_versions extension offers that version and the ones below
	 * it).
	 * @return the version, e.g. {@code TLSv1.3}, or {@code null} if the ClientHello did
	 * not get as far as its version
	 */
	public @Nullable String protocolOffered() {
		String highest = null;
		int highestCode = -1;
		for (String version : this.supportedVersions) {
			int code = TlsNames.versionCode(version);
			if (code > highestCode) {
				highest = version;
				highestCode = code;
			}
		}
		if (highest != null) {
			return highest;
		}
		return (this.legacyVersion != 0) ? TlsNames.version(this.legacyVersion) : null;
	}

}
