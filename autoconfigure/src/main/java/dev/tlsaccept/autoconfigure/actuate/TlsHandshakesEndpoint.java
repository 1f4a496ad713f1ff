package dev.tlsaccept.autoconfigure.actuate;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import dev.tlsaccept.clienthello.ClientHelloSummary;
import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.server.ProxyHeader;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/tlshandshakes}: the recent handshakes of every listener, newest first,
 * from the {@link HandshakeRepository}, with a summary (counts by code, error, alert and
 * protocol, duration percentiles); one handshake in full by id; {@code DELETE} forgets
 * them all.
 *
 * <p>
 * Read-only by default ({@code defaultAccess = READ_ONLY}, Spring Boot's endpoint access
 * model): {@code DELETE} exists only with
 * {@code management.endpoint.tlshandshakes.access=unrestricted}, which should go with
 * Spring Security rules that let only operators call it (or with
 * {@code management.endpoints.access.default=unrestricted}, which applies to every
 * endpoint; {@code management.endpoints.access.max-permitted} caps both).
 *
 * <p>
 * Peer addresses, SNI host names and client-certificate subjects and issuers are personal
 * data: they are shown as {@code management.endpoint.tlshandshakes.show-values} allows
 * ({@code never} by default), {@code ******} otherwise. No certificate or key is ever
 * shown.
 */
@Endpoint(id = "tlshandshakes", defaultAccess = Access.READ_ONLY)
public class TlsHandshakesEndpoint {

	private final HandshakeRepository repository;

	private final ShowValues showValues;

	private final Clock clock;

	/**
	 * Create an endpoint.
	 * @param repository where the handshakes are recorded
	 * @param showValues whether personal data is shown
	 * @param clock gives "now" for the validity of client certificates
	 */
	TlsHandshakesEndpoint(HandshakeRepository repository, ShowValues showValues, Clock clock) {
		this.repository = Objects.requireNonNull(repository, "repository must not be null");
		this.showValues = showValues;
		this.clock = clock;
	}

	/**
	 * The recent handshakes that match every filter given, newest first, and their
	 * summary.
	 * @param securityContext the caller
	 * @param listener only this listener's handshakes
	 * @param outcome {@code success}, {@code failure} or {@code health-check} (a load
	 * balancer's check, a PROXY protocol v2 {@code LOCAL} command: neither a success nor
	 * a failure)
	 * @param error only handshakes that ended with this error, e.g. {@code SYSCALL}
	 * @param limit at most this many handshakes (the summary covers every match)
	 * @return the handshakes and their summary
	 */
	@ReadOperation
	public HandshakesDescriptor handshakes(SecurityContext securityContext, @Nullable String listener,
			@Nullable String outcome, @Nullable String error, @Nullable Integer limit) {
		String wanted = outcome(outcome);
		String errorName = (error != null && !error.isBlank()) ? error.trim().toUpperCase(Locale.ROOT) : null;
		if (limit != null && limit < 0) {
			throw new InvalidEndpointRequestException("limit must not be negative, was " + limit,
					"limit must not be negative");
		}
		List<HandshakeRecord> matches = this.repository.findAll()
			.stream()
			.filter((record) -> listener == null || listener.isBlank() || record.listener().equals(listener))
			.filter((record) -> wanted == null || outcomeOf(record).equals(wanted))
			.filter((record) -> errorName == null || record.result().error().name().equals(errorName))
			.toList();
		ShowValues.Masker masker = this.showValues.forRequest(securityContext);
		Instant now = this.clock.instant();
		List<HandshakeDescriptor> handshakes = matches.stream()
			.limit((limit != null) ? limit : Long.MAX_VALUE)
			.map((record) -> HandshakeDescriptor.of(record, false, masker, now))
			.toList();
		return new HandshakesDescriptor(handshakes, SummaryDescriptor.of(matches));
	}

	private static @Nullable String outcome(@Nullable String outcome) {
		if (outcome == null || outcome.isBlank()) {
			return null;
		}
		String wanted = outcome.trim().toLowerCase(Locale.ROOT);
		return switch (wanted) {
			case "success", "failure", "health-check" -> wanted;
			default -> throw new InvalidEndpointRequestException(
					"outcome must be success, failure or health-check, was '" + outcome + "'",
					"outcome must be success, failure or health-check");
		};
	}

	/**
	 * A record's outcome: {@code success}, {@code failure}, or {@code health-check}.
	 * @param record the record
	 * @return the outcome
	 */
	static String outcomeOf(HandshakeRecord record) {
		if (record.healthCheck()) {
			return "health-check";
		}
		return record.result().isSuccess() ? "success" : "failure";
	}

	/**
	 * One handshake in full, with everything the client offered in its ClientHello.
	 * @param securityContext the caller
	 * @param id the handshake id
	 * @return the handshake, or {@code null} (404) when it is not kept (any more)
	 */
	@ReadOperation
	public @Nullable HandshakeDescriptor handshake(SecurityContext securityContext, @Selector String id) {
		ShowValues.Masker masker = this.showValues.forRequest(securityContext);
		Instant now = this.clock.instant();
		return this.repository.findById(id)
			.map((record) -> HandshakeDescriptor.of(record, true, masker, now))
			.orElse(null);
	}

	/**
	 * Forget every recorded handshake. Not available unless
	 * {@code management.endpoint.tlshandshakes.access} is {@code unrestricted}.
	 */
	@DeleteOperation
	public void clear() {
		this.repository.clear();
	}

	/**
	 * The response of {@code GET /actuator/tlshandshakes}.
	 *
	 * @param handshakes the matching handshakes, newest first, up to {@code limit}
	 * @param summary the summary of every matching handshake
	 */
	public record HandshakesDescriptor(List<HandshakeDescriptor> handshakes,
			SummaryDescriptor summary) implements OperationResponseBody {

	}

	/**
	 * Counts and duration percentiles of a set of handshakes.
	 *
	 * @param total how many handshakes
	 * @param byOutcome counts by {@code success} / {@code failure} / {@code health-check}
	 * @param byCode counts by {@code SSL_accept()} code ({@code 1}, {@code 0},
	 * {@code -1})
	 * @param byError counts by error ({@code NONE}, {@code SSL}, {@code SYSCALL}...)
	 * @param byAlert counts by alert and direction, e.g. {@code protocol_version (sent)}
	 * @param byProtocol counts by negotiated protocol (successful handshakes)
	 * @param byGroup counts by key-exchange group the server chose
	 * @param resumed how many of the successful handshakes resumed a session (the others
	 * were full handshakes)
	 * @param durationMillis duration percentiles, nearest-rank
	 */
	public record SummaryDescriptor(int total, Map<String, Long> byOutcome, Map<String, Long> byCode,
			Map<String, Long> byError, Map<String, Long> byAlert, Map<String, Long> byProtocol,
			Map<String, Long> byGroup, long resumed, PercentilesDescriptor durationMillis) {

		static SummaryDescriptor of(List<HandshakeRecord> records) {
			List<AcceptResult> results = records.stream().map(HandshakeRecord::result).toList();
			Map<String, Long> byOutcome = new TreeMap<>();
			for (HandshakeRecord record : records) {
				byOutcome.merge(outcomeOf(record), 1L, Long::sum);
			}
			return new SummaryDescriptor(results.size(), byOutcome,
					count(results, (result) -> Integer.toString(result.code())),
					count(results, (result) -> result.error().name()),
					count(results, (result) -> (result.alert() != null) ? alertKey(result.alert()) : null),
					count(results, AcceptResult::protocol), count(results, AcceptResult::group),
					results.stream().filter((result) -> result.isSuccess() && result.resumed()).count(),
					PercentilesDescriptor.of(results));
		}

		private static String alertKey(TlsAlert alert) {
			return alert.name() + " (" + alert.direction().name().toLowerCase(Locale.ROOT) + ")";
		}

		private static Map<String, Long> count(List<AcceptResult> results,
				Function<AcceptResult, @Nullable String> key) {
			Map<String, Long> counts = new TreeMap<>();
			for (AcceptResult result : results) {
				String value = key.apply(result);
				if (value != null) {
					counts.merge(value, 1L, Long::sum);
				}
			}
			return counts;
		}

	}

	/**
	 * Duration percentiles in milliseconds, by the nearest-rank method (each is the
	 * duration of one of the handshakes); {@code null} (left out) when there is no
	 * handshake.
	 *
	 * @param p50 the median
	 * @param p95 the 95th percentile
	 * @param p99 the 99th percentile
	 * @param max the longest
	 */
	public record PercentilesDescriptor(@Nullable Double p50, @Nullable Double p95, @Nullable Double p99,
			@Nullable Double max) {

		static PercentilesDescriptor of(List<AcceptResult> results) {
			if (results.isEmpty()) {
				return new PercentilesDescriptor(null, null, null, null);
			}
			long[] nanos = results.stream().mapToLong((result) -> result.duration().toNanos()).toArray();
			Arrays.sort(nanos);
			return new PercentilesDescriptor(rank(nanos, 50), rank(nanos, 95), rank(nanos, 99),
					millis(nanos[nanos.length - 1]));
		}

		private static double rank(long[] sorted, int percentile) {
			int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
			return millis(sorted[Math.max(rank, 1) - 1]);
		}

	}

	/**
	 * One handshake.
	 *
	 * @param id the id, for {@code /actuator/tlshandshakes/{id}}
	 * @param time when it finished
	 * @param listener the listener name
	 * @param engine the engine name
	 * @param bioMode the BIO mode ({@code blocking}, {@code non-blocking}, {@code pair})
	 * @param peer the peer's address and port, or {@code ******}
	 * @param outcome {@code success}, {@code failure} or {@code health-check}
	 * @param code {@code 1}, {@code 0} or {@code -1}
	 * @param error the error ({@code NONE}, {@code SSL}, {@code SYSCALL},
	 * {@code ZERO_RETURN})
	 * @param reason the human reason, in OpenSSL's words where it has one
	 * @param engineMessage the engine's own message
	 * @param alert the alert sent or received, if any
	 * @param protocol the negotiated protocol
	 * @param cipherSuite the negotiated cipher suite
	 * @param group the key-exchange group the server chose ({@code X25519MLKEM768},
	 * {@code x25519}), read off its hello; also for a handshake that failed after it
	 * @param resumed whether the server resumed a session (TLS 1.3 PSK, TLS 1.2 session
	 * ID or ticket) rather than running a full handshake
	 * @param serverName the SNI host name asked for, or {@code ******}
	 * @param applicationProtocol the negotiated ALPN protocol
	 * @param clientCertificates the client's certificate chain, leaf first, summarized
	 * @param durationMillis the handshake's duration in milliseconds
	 * @param wantReadTurns how many times {@code accept()} returned {@code WANT_READ}
	 * @param wantWriteTurns how many times {@code accept()} returned {@code WANT_WRITE}
	 * @param clientHello what the client offered: in full for one handshake, in short in
	 * lists
	 * @param proxy the trusted proxy the connection came through (masked like the peer),
	 * when it sent a PROXY protocol header; the peer is then the client it named
	 * @param proxyHeader what that header said, if one was sent
	 */
	public record HandshakeDescriptor(String id, Instant time, String listener, String engine, String bioMode,
			@Nullable String peer, String outcome, int code, String error, @Nullable String reason,
			@Nullable String engineMessage, @Nullable AlertDescriptor alert, @Nullable String protocol,
			@Nullable String cipherSuite, @Nullable String group, boolean resumed, @Nullable String serverName,
			@Nullable String applicationProtocol, List<CertificateDescriptor> clientCertificates, double durationMillis,
			int wantReadTurns, int wantWriteTurns, @Nullable ClientHelloDescriptor clientHello, @Nullable String proxy,
			@Nullable ProxyHeaderDescriptor proxyHeader) implements OperationResponseBody {

		static HandshakeDescriptor of(HandshakeRecord record, boolean full, ShowValues.Masker masker, Instant now) {
			AcceptResult result = record.result();
			List<CertificateDescriptor> certificates = new ArrayList<>();
			for (X509Certificate certificate : result.peerCertificates()) {
				certificates.add(CertificateDescriptor.of(certificate, now, masker));
			}
			TlsAlert alert = result.alert();
			ClientHelloSummary hello = result.clientHello();
			return new HandshakeDescriptor(record.id(), record.time(), record.listener(), record.engine(),
					record.bioMode().configName(), masker.mask(peer(record.peer())), outcomeOf(record), result.code(),
					result.error().name(), result.reason(), result.engineMessage(),
					(alert != null) ? AlertDescriptor.of(alert) : null, result.protocol(), result.cipherSuite(),
					result.group(), result.resumed(), masker.mask(result.serverName()), result.applicationProtocol(),
					certificates, millis(result.duration().toNanos()), result.wantReadTurns(), result.wantWriteTurns(),
					(hello != null) ? ClientHelloDescriptor.of(hello, full, masker) : null,
					masker.mask(peer(record.proxy())),
					(record.proxyHeader() != null) ? ProxyHeaderDescriptor.of(record.proxyHeader(), masker) : null);
		}

		static @Nullable String peer(@Nullable InetSocketAddress peer) {
			if (peer == null) {
				return null;
			}
			String host = (peer.getAddress() != null) ? peer.getAddress().getHostAddress() : peer.getHostString();
			return (host.contains(":") ? "[" + host + "]" : host) + ":" + peer.getPort();
		}

	}

	/**
	 * What a PROXY protocol header said, besides the client's address (the record's
	 * peer).
	 *
	 * @param version {@code 1} (text) or {@code 2} (binary)
	 * @param command {@code PROXY}, or {@code LOCAL} for the proxy's own connection (a
	 * health check)
	 * @param destination the address the client connected to on the proxy (masked like
	 * the peer)
	 * @param authority the v2 authority TLV: the server name the client asked the proxy
	 * for (masked like the SNI)
	 * @param alpn the v2 ALPN TLV
	 * @param uniqueId the v2 unique id TLV (masked like the peer: it can follow one
	 * client)
	 * @param ssl the v2 SSL TLV: the TLS the client spoke to the proxy, when the proxy
	 * terminated it
	 */
	public record ProxyHeaderDescriptor(int version, String command, @Nullable String destination,
			@Nullable String authority, @Nullable String alpn, @Nullable String uniqueId,
			@Nullable ProxySslDescriptor ssl) {

		static ProxyHeaderDescriptor of(ProxyHeader header, ShowValues.Masker masker) {
			ProxyHeader.Ssl ssl = header.ssl();
			return new ProxyHeaderDescriptor(header.version(), header.local() ? "LOCAL" : "PROXY",
					masker.mask(HandshakeDescriptor.peer(header.destination())), masker.mask(header.authority()),
					header.alpn(), masker.mask(header.uniqueId()),
					(ssl != null) ? ProxySslDescriptor.of(ssl, masker) : null);
		}

	}

	/**
	 * The PROXY protocol v2 {@code PP2_TYPE_SSL} TLV: the client's TLS connection to the
	 * proxy.
	 *
	 * @param tls whether the client connected over TLS
	 * @param certificateOnConnection whether it presented a certificate on this
	 * connection
	 * @param certificateInSession whether it presented one in this connection's TLS
	 * session
	 * @param verify {@code 0} when the proxy verified the client's certificate, else the
	 * proxy's verify result
	 * @param version the TLS version, e.g. {@code TLSv1.3}
	 * @param commonName the client certificate's subject common name (masked like a
	 * certificate subject)
	 * @param cipher the cipher suite
	 * @param signatureAlgorithm the client certificate's signature algorithm
	 * @param keyAlgorithm the client certificate's key algorithm
	 */
	public record ProxySslDescriptor(boolean tls, boolean certificateOnConnection, boolean certificateInSession,
			long verify, @Nullable String version, @Nullable String commonName, @Nullable String cipher,
			@Nullable String signatureAlgorithm, @Nullable String keyAlgorithm) {

		static ProxySslDescriptor of(ProxyHeader.Ssl ssl, ShowValues.Masker masker) {
			return new ProxySslDescriptor(ssl.tls(), ssl.certificateOnConnection(), ssl.certificateInSession(),
					ssl.verify(), ssl.version(), masker.mask(ssl.commonName()), ssl.cipher(), ssl.signatureAlgorithm(),
					ssl.keyAlgorithm());
		}

	}

	/**
	 * A TLS alert.
	 *
	 * @param name the RFC 8446 name, e.g. {@code protocol_version}
	 * @param number the alert number, e.g. {@code 70}
	 * @param direction {@code SENT} (by the server) or {@code RECEIVED} (from the client)
	 * @param level {@code FATAL} or {@code WARNING}
	 */
	public record AlertDescriptor(String name, int number, String direction, String level) {

		static AlertDescriptor of(TlsAlert alert) {
			return new AlertDescriptor(alert.name(), alert.number(), alert.direction().name(), alert.level().name());
		}

	}

	/**
	 * What the client offered in its ClientHello. In lists, only the JA4 fingerprint, the
	 * highest protocol offered, the SNI host name, the ALPN protocols and any parse error
	 * are shown; the rest ({@code null} there) in the view of one handshake.
	 *
	 * @param ja4 the JA4 fingerprint (empty when the hello could not be read in full)
	 * @param protocolOffered the highest protocol version offered
	 * @param serverName the SNI host name, or {@code ******}
	 * @param alpn the ALPN protocols offered
	 * @param resumptionOffered what the client offered to resume: {@code PRE_SHARED_KEY}
	 * (TLS 1.3), {@code SESSION_TICKET} or {@code SESSION_ID} (TLS 1.2), {@code NONE};
	 * offered but not {@code resumed}: a ticket the server could not use
	 * @param parseError why the hello could not be read in full
	 * @param legacyVersion the legacy_version field, e.g. {@code TLSv1.2}
	 * @param supportedVersions the supported_versions extension
	 * @param cipherSuites the cipher suites offered, by IANA name
	 * @param extensions the extension types offered, in order
	 * @param supportedGroups the supported groups offered
	 * @param signatureAlgorithms the signature algorithms offered
	 */
	public record ClientHelloDescriptor(String ja4, @Nullable String protocolOffered, @Nullable String serverName,
			List<String> alpn, String resumptionOffered, @Nullable String parseError, @Nullable String legacyVersion,
			@Nullable List<String> supportedVersions, @Nullable List<String> cipherSuites,
			@Nullable List<Integer> extensions, @Nullable List<String> supportedGroups,
			@Nullable List<String> signatureAlgorithms) {

		static ClientHelloDescriptor of(ClientHelloSummary hello, boolean full, ShowValues.Masker masker) {
			String serverName = masker.mask(hello.serverName());
			if (!full) {
				return new ClientHelloDescriptor(hello.ja4(), hello.protocolOffered(), serverName, hello.alpn(),
						hello.resumptionOffered().name(), hello.parseError(), null, null, null, null, null, null);
			}
			return new ClientHelloDescriptor(hello.ja4(), hello.protocolOffered(), serverName, hello.alpn(),
					hello.resumptionOffered().name(), hello.parseError(), legacyVersion(hello.legacyVersion()),
					hello.supportedVersions(), hello.cipherSuiteNames(), hello.extensions(), hello.supportedGroups(),
					hello.signatureAlgorithms());
		}

		private static @Nullable String legacyVersion(int version) {
			if (version == 0) {
				return null;
			}
			return switch (version) {
				case 0x0300 -> "SSLv3";
				case 0x0301 -> "TLSv1";
				case 0x0302 -> "TLSv1.1";
				case 0x0303 -> "TLSv1.2";
				case 0x0304 -> "TLSv1.3";
				default -> String.format(Locale.ROOT, "0x%04x", version);
			};
		}

	}

	static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

}
