package dev.tlsaccept.clienthello;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Reads one ClientHello handshake message (RFC 8446 4.1.2, RFC 5246 7.4.1.2), or as much
 * of it as has arrived, into a {@link ClientHelloSummary}. Everything it reads is bounded
 * twice: by the length of the vector that encloses it and by the bytes available. Never
 * throws on any input.
 */
final class ClientHelloParser {

	static final int HANDSHAKE_CLIENT_HELLO = 1;

	static final int HANDSHAKE_HEADER_LENGTH = 4;

	private static final int EXTENSION_SERVER_NAME = 0x0000;

	private static final int EXTENSION_SUPPORTED_GROUPS = 0x000a;

	private static final int EXTENSION_SIGNATURE_ALGORITHMS = 0x000d;

	private static final int EXTENSION_ALPN = 0x0010;

	private static final int EXTENSION_SESSION_TICKET = 0x0023;

	private static final int EXTENSION_PRE_SHARED_KEY = 0x0029;

	private static final int EXTENSION_SUPPORTED_VERSIONS = 0x002b;

	private static final int EXTENSION_PSK_KEY_EXCHANGE_MODES = 0x002d;

	private static final int EXTENSION_SIGNATURE_ALGORITHMS_CERT = 0x0032;

	private static final int EXTENSION_KEY_SHARE = 0x0033;

	private final byte[] buffer;

	/**
	 * Bytes of {@link #buffer} that hold data; fewer than the message needs when
	 * truncated.
	 */
	private final int available;

	private @Nullable String truncation;

	private int legacyVersion;

	private final List<Integer> cipherSuites = new ArrayList<>();

	private final List<Integer> extensions = new ArrayList<>();

	private @Nullable List<Integer> supportedVersions;

	private final List<Integer> supportedGroups = new ArrayList<>();

	private final List<Integer> signatureAlgorithms = new ArrayList<>();

	private final List<String> alpn = new ArrayList<>();

	private byte @Nullable [] firstAlpn;

	private @Nullable String serverName;

	private int sessionIdLength;

	private int sessionTicketLength;

	private ClientHelloParser(byte[] buffer, int available) {
		this.buffer = buffer;
		this.available = available;
	}

	/**
	 * Parse a ClientHello handshake message, 4-byte handshake header included.
	 * @param buffer the message, possibly followed by unused space
	 * @param length how many bytes of {@code buffer} hold the message, or as much of it
	 * as arrived: when fewer than the header declares, the summary is partial and says so
	 * @return the summary, never {@code null}; {@code parseError} is set unless the whole
	 * message was present and well formed
	 */
	static ClientHelloSummary parse(byte[] buffer, int length) {
		ClientHelloParser parser = new ClientHelloParser(buffer, Math.max(0, Math.min(length, buffer.length)));
		String error;
		try {
			parser.parseMessage();
			return parser.summary(null);
		}
		catch (Malformed ex) {
			error = ex.getMessage();
		}
		catch (RuntimeException ex) {
			error = "internal error while parsing the ClientHello: " + ex;
		}
		return parser.summary(error);
	}

	private void parseMessage() throws Malformed {
		Cursor message = new Cursor(0, this.available, "handshake message");
		if (this.available < HANDSHAKE_HEADER_LENGTH) {
			throw new Malformed(truncated(this.available, -1));
		}
		int type = message.u8("handshake type");
		if (type != HANDSHAKE_CLIENT_HELLO) {
			throw new Malformed("not a ClientHello (handshake type " + type + ")");
		}
		int length = message.u24("handshake length");
		int end = HANDSHAKE_HEADER_LENGTH + length;
		if (this.available < end) {
			this.truncation = truncated(this.available, end);
		}
		parseBody(new Cursor(HANDSHAKE_HEADER_LENGTH, end, "ClientHello"));
	}

	private static String truncated(int received, int total) {
		return (total >= 0) ? "truncated ClientHello (" + received + " of " + total + " bytes)"
				: "truncated ClientHello (" + received + " of at least " + HANDSHAKE_HEADER_LENGTH + " bytes)";
	}

	private void parseBody(Cursor body) throws Malformed {
		this.legacyVersion = body.u16("legacy_version");
		body.skip(32, "random");
		Cursor sessionId = body.vector8("legacy_session_id");
		if (sessionId.remaining() > 32) {
			throw malformed("legacy_session_id is " + sessionId.remaining() + " bytes, more than 32");
		}
		this.sessionIdLength = sessionId.remaining();
		sessionId.skip(sessionId.remaining(), "legacy_session_id");
		Cursor ciphers = body.vector16("cipher_suites");
		if (ciphers.remaining() < 2 || ciphers.remaining() % 2 != 0) {
			throw malformed("cipher_suites length " + ciphers.remaining() + " is not a positive even number");
		}
		while (ciphers.hasRemaining()) {
			int cipher = ciphers.u16("cipher suite");
			if (!TlsNames.isGrease(cipher)) {
				this.cipherSuites.add(cipher);
			}
		}
		Cursor compression = body.vector8("legacy_compression_methods");
		if (!compression.hasRemaining()) {
			throw malformed("no legacy_compression_methods");
		}
		compression.skip(compression.remaining(), "legacy_compression_methods");
		if (!body.hasRemaining()) {
			return; // a ClientHello without extensions (TLS 1.2 and earlier)
		}
		Cursor extensionList = body.vector16("extensions");
		if (body.hasRemaining()) {
			throw malformed(body.remaining() + " bytes after the extensions");
		}
		Set<Integer> seen = new HashSet<>();
		while (extensionList.hasRemaining()) {
			int type = extensionList.u16("extension type");
			Cursor data = extensionList.vector16("extension " + TlsNames.hex4(type));
			data.requireAvailable();
			if (TlsNames.isGrease(type)) {
				continue;
			}
			if (!seen.add(type)) {
				throw malformed("duplicate extension 0x" + TlsNames.hex4(type));
			}
			this.extensions.add(type);
			parseExtension(type, data);
		}
	}

	private void parseExtension(int type, Cursor data) throws Malformed {
		switch (type) {
			case EXTENSION_SERVER_NAME -> parseServerName(data);
			case EXTENSION_SUPPORTED_GROUPS -> parseCodes(data.vector16("supported_groups"), this.supportedGroups);
			case EXTENSION_SIGNATURE_ALGORITHMS ->
				parseCodes(data.vector16("signature_algorithms"), this.signatureAlgorithms);
			case EXTENSION_ALPN -> parseAlpn(data.vector16("application_layer_protocol_negotiation"));
			case EXTENSION_SUPPORTED_VERSIONS -> {
				List<Integer> versions = new ArrayList<>();
				this.supportedVersions = versions;
				parseCodes(data.vector8("supported_versions"), versions);
			}
			// read only to check their vectors, as OpenSSL 3 does: some engines skip them
			// unread
			case EXTENSION_SIGNATURE_ALGORITHMS_CERT ->
				parseCodes(data.vector16("signature_algorithms_cert"), new ArrayList<>());
			case EXTENSION_PSK_KEY_EXCHANGE_MODES -> {
				Cursor modes = data.vector8("psk_key_exchange_modes");
				modes.skip(modes.remaining(), "psk_key_exchange_modes");
			}
			case EXTENSION_KEY_SHARE -> parseKeyShares(data.vector16("client_shares"));
			case EXTENSION_SESSION_TICKET -> {
				this.sessionTicketLength = data.remaining();
				data.skip(data.remaining(), "session_ticket");
			}
			default -> data.skip(data.remaining(), "extension");
		}
		if (data.hasRemaining()) {
			throw malformed(data.remaining() + " unexpected bytes at the end of extension 0x" + TlsNames.hex4(type));
		}
	}

	private void parseServerName(Cursor data) throws Malformed {
		if (!data.hasRemaining()) {
			return;
		}
		Cursor names = data.vector16("server_name_list");
		while (names.hasRemaining()) {
			int nameType = names.u8("server name type");
			byte[] name = names.vector16("server name").bytes();
			if (nameType == 0 && this.serverName == null) {
				this.serverName = printable(name);
			}
		}
	}

	private static void parseKeyShares(Cursor shares) throws Malformed {
		while (shares.hasRemaining()) {
			shares.u16("key share group");
			Cursor key = shares.vector16("key_exchange");
			key.skip(key.remaining(), "key_exchange");
		}
	}

	private void parseAlpn(Cursor protocols) throws Malformed {
		while (protocols.hasRemaining()) {
			byte[] protocol = protocols.vector8("ALPN protocol").bytes();
			if (this.firstAlpn == null) {
				this.firstAlpn = protocol;
			}
			this.alpn.add(printable(protocol));
		}
	}

	private static void parseCodes(Cursor list, List<Integer> codes) throws Malformed {
		if (list.remaining() % 2 != 0) {
			throw new Malformed("malformed ClientHello: odd length " + list.remaining() + " of " + list.what);
		}
		while (list.hasRemaining()) {
			int code = list.u16(list.what);
			if (!TlsNames.isGrease(code)) {
				codes.add(code);
			}
		}
	}

	/**
	 * Printable ASCII as is; any other byte as {@code \xNN}, so that a hostile name
	 * cannot forge log lines or terminal output.
	 */
	private static String printable(byte[] bytes) {
		StringBuilder text = new StringBuilder(bytes.length);
		for (byte b : bytes) {
			int c = b & 0xff;
			if (c >= 0x20 && c < 0x7f && c != '\\') {
				text.append((char) c);
			}
			else {
				text.append(String.format("\\x%02x", c));
			}
		}
		return text.toString();
	}

	private ClientHelloSummary summary(@Nullable String error) {
		String parseError = (error != null) ? error : this.truncation;
		List<String> versionNames = (this.supportedVersions != null)
				? this.supportedVersions.stream().map(TlsNames::version).toList() : List.of();
		String ja4 = "";
		if (parseError == null) {
			int version = Ja4.version(this.legacyVersion, this.supportedVersions);
			ja4 = Ja4.fingerprint(version, this.cipherSuites, this.extensions, this.firstAlpn,
					this.signatureAlgorithms);
		}
		return new ClientHelloSummary(this.legacyVersion, versionNames, this.cipherSuites,
				this.cipherSuites.stream().map(TlsNames::cipherSuite).toList(), this.extensions,
				this.supportedGroups.stream().map(TlsNames::group).toList(),
				this.signatureAlgorithms.stream().map(TlsNames::signatureScheme).toList(), this.alpn, this.serverName,
				ja4, parseError, resumptionOffer());
	}

	private ResumptionOffer resumptionOffer() {
		if (this.extensions.contains(EXTENSION_PRE_SHARED_KEY)) {
			return ResumptionOffer.PRE_SHARED_KEY;
		}
		if (this.sessionTicketLength > 0) {
			return ResumptionOffer.SESSION_TICKET;
		}
		boolean offersTls13 = this.supportedVersions != null && this.supportedVersions.contains(TlsNames.TLS13);
		return (this.sessionIdLength > 0 && !offersTls13) ? ResumptionOffer.SESSION_ID : ResumptionOffer.NONE;
	}

	private Malformed malformed(String detail) {
		return new Malformed("malformed ClientHello: " + detail);
	}

	/**
	 * A read position inside one length-prefixed vector: reads stop at the vector's end
	 * (malformed) and at the end of the available bytes (truncated).
	 */
	private final class Cursor {

		private int position;

		private final int end;

		final String what;

		Cursor(int position, int end, String what) {
			this.position = position;
			this.end = end;
			this.what = what;
		}

		int remaining() {
			return this.end - this.position;
		}

		boolean hasRemaining() {
			return this.position < this.end;
		}

		int u8(String field) throws Malformed {
			require(1, field);
			return ClientHelloParser.this.buffer[this.position++] & 0xff;
		}

		int u16(String field) throws Malformed {
			require(2, field);
			int value = ((ClientHelloParser.this.buffer[this.position] & 0xff) << 8)
					| (ClientHelloParser.this.buffer[this.position + 1] & 0xff);
			this.position += 2;
			return value;
		}

		int u24(String field) throws Malformed {
			require(3, field);
			int value = u8(field) << 16;
			return value | u16(field);
		}

		void skip(int count, String field) throws Malformed {
			require(count, field);
			this.position += count;
		}

		byte[] bytes() throws Malformed {
			require(remaining(), this.what);
			byte[] bytes = new byte[remaining()];
			System.arraycopy(ClientHelloParser.this.buffer, this.position, bytes, 0, bytes.length);
			this.position = this.end;
			return bytes;
		}

		Cursor vector8(String field) throws Malformed {
			return vector(u8(field + " length"), field);
		}

		Cursor vector16(String field) throws Malformed {
			return vector(u16(field + " length"), field);
		}

		/**
		 * Require the whole rest of this vector to be available, so that a truncated
		 * message stops before a field that only partly arrived.
		 */
		void requireAvailable() throws Malformed {
			require(remaining(), this.what);
		}

		private Cursor vector(int length, String field) throws Malformed {
			if (length > remaining()) {
				throw malformed(
						field + " length " + length + " exceeds the " + remaining() + " bytes left in " + this.what);
			}
			Cursor vector = new Cursor(this.position, this.position + length, field);
			this.position += length;
			return vector;
		}

		private void require(int count, String field) throws Malformed {
			if (count > remaining()) {
				throw malformed(field + " runs past the end of " + this.what);
			}
			if (this.position + count > ClientHelloParser.this.available) {
				String truncation = ClientHelloParser.this.truncation;
				throw new Malformed((truncation != null) ? truncation
						: "malformed ClientHello: " + field + " runs past the end of the message");
			}
		}

	}

	/**
	 * Why parsing stopped; cheap, as it carries no stack trace.
	 */
	private static final class Malformed extends Exception {

		private static final long serialVersionUID = 1L;

		Malformed(String message) {
			super(message, null, false, false);
		}

	}

}
