package dev.tlsaccept.test;

import java.security.cert.X509Certificate;
import java.util.Objects;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.engine.TlsAlert;
import dev.tlsaccept.record.HandshakeRecord;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on one {@link HandshakeRecord}: the outcome, the alert, and what was
 * negotiated. Alerts are named as RFC 8446 spells them ({@code protocol_version},
 * {@code handshake_failure}, {@code certificate_required}...), as the records and
 * {@code /actuator/tlshandshakes} show them.
 */
public final class HandshakeRecordAssert extends AbstractAssert<HandshakeRecordAssert, HandshakeRecord> {

	HandshakeRecordAssert(HandshakeRecord record) {
		super(record, HandshakeRecordAssert.class);
	}

	/**
	 * The handshake completed ({@code accept()} returned 1).
	 * @return these assertions
	 */
	public HandshakeRecordAssert succeeded() {
		isNotNull();
		if (!result().isSuccess()) {
			failWithMessage("%nExpecting the handshake to have succeeded but: %s", describe(this.actual));
		}
		return this;
	}

	/**
	 * The handshake did not complete.
	 * @return these assertions
	 */
	public HandshakeRecordAssert failed() {
		isNotNull();
		if (result().isSuccess()) {
			failWithMessage("%nExpecting the handshake to have failed but: %s", describe(this.actual));
		}
		return this;
	}

	/**
	 * The handshake failed with that alert, sent or received.
	 * @param alertName the alert, e.g. {@code protocol_version}
	 * @return these assertions
	 */
	public HandshakeRecordAssert failedWithAlert(String alertName) {
		return failed().alert(alertName);
	}

	/**
	 * The alert seen was that one, sent or received.
	 * @param alertName the alert, e.g. {@code handshake_failure}
	 * @return these assertions
	 */
	public HandshakeRecordAssert alert(String alertName) {
		return alert(alertName, null);
	}

	/**
	 * The server sent that alert.
	 * @param alertName the alert, e.g. {@code certificate_required}
	 * @return these assertions
	 */
	public HandshakeRecordAssert alertSent(String alertName) {
		return alert(alertName, TlsAlert.Direction.SENT);
	}

	/**
	 * The server received that alert from the client.
	 * @param alertName the alert, e.g. {@code bad_certificate}
	 * @return these assertions
	 */
	public HandshakeRecordAssert alertReceived(String alertName) {
		return alert(alertName, TlsAlert.Direction.RECEIVED);
	}

	private HandshakeRecordAssert alert(String alertName, TlsAlert.@Nullable Direction direction) {
		isNotNull();
		Objects.requireNonNull(alertName, "alertName must not be null");
		TlsAlert alert = result().alert();
		if (alert == null || !alert.name().equals(alertName) || (direction != null && alert.direction() != direction)) {
			String expected = ((direction == null) ? "" : direction.name().toLowerCase() + " ") + alertName;
			failWithMessage("%nExpecting alert %s but: %s", expected, describe(this.actual));
		}
		return this;
	}

	/**
	 * The error, as {@code SSL_get_error()} would report it.
	 * @param error the error, e.g. {@code SslError.SSL}
	 * @return these assertions
	 */
	public HandshakeRecordAssert error(SslError error) {
		return fact("error", error, result().error());
	}

	/**
	 * The reason contains that text.
	 * @param text the text, e.g. {@code unsupported protocol}
	 * @return these assertions
	 */
	public HandshakeRecordAssert reasonContains(String text) {
		isNotNull();
		String reason = result().reason();
		if (reason == null || !reason.contains(text)) {
			failWithMessage("%nExpecting a reason containing %s but: %s", text, describe(this.actual));
		}
		return this;
	}

	/**
	 * The negotiated protocol.
	 * @param protocol e.g. {@code TLSv1.3}
	 * @return these assertions
	 */
	public HandshakeRecordAssert protocol(String protocol) {
		return fact("protocol", protocol, result().protocol());
	}

	/**
	 * The negotiated cipher suite.
	 * @param cipherSuite e.g. {@code TLS_AES_128_GCM_SHA256}
	 * @return these assertions
	 */
	public HandshakeRecordAssert cipherSuite(String cipherSuite) {
		return fact("cipher suite", cipherSuite, result().cipherSuite());
	}

	/**
	 * The key-exchange group the server chose.
	 * @param group e.g. {@code x25519}, {@code X25519MLKEM768}
	 * @return these assertions
	 */
	public HandshakeRecordAssert group(String group) {
		return fact("group", group, result().group());
	}

	/**
	 * The SNI host name the client asked for.
	 * @param serverName the host name
	 * @return these assertions
	 */
	public HandshakeRecordAssert serverName(String serverName) {
		return fact("server name", serverName, result().serverName());
	}

	/**
	 * The ALPN protocol negotiated.
	 * @param applicationProtocol e.g. {@code h2}
	 * @return these assertions
	 */
	public HandshakeRecordAssert applicationProtocol(String applicationProtocol) {
		return fact("application protocol", applicationProtocol, result().applicationProtocol());
	}

	/**
	 * The listener that accepted the connection.
	 * @param listener the listener name
	 * @return these assertions
	 */
	public HandshakeRecordAssert listener(String listener) {
		return fact("listener", listener, this.actual.listener());
	}

	/**
	 * The subject of the client's certificate (also recorded when the server refused it).
	 * @param subject the distinguished name as RFC 2253 writes it, e.g.
	 * {@code CN=test client}
	 * @return these assertions
	 */
	public HandshakeRecordAssert clientCertificateSubject(String subject) {
		isNotNull();
		String actualSubject = result().peerCertificates()
			.stream()
			.findFirst()
			.map(X509Certificate::getSubjectX500Principal)
			.map((principal) -> principal.getName())
			.orElse(null);
		return fact("client certificate subject", subject, actualSubject);
	}

	private HandshakeRecordAssert fact(String name, Object expected, @Nullable Object actualValue) {
		isNotNull();
		if (!expected.equals(actualValue)) {
			failWithMessage("%nExpecting %s %s but was %s in: %s", name, expected, actualValue, describe(this.actual));
		}
		return this;
	}

	private AcceptResult result() {
		return this.actual.result();
	}

	static String describe(HandshakeRecord record) {
		AcceptResult result = record.result();
		StringBuilder text = new StringBuilder("#").append(record.id())
			.append(" listener '")
			.append(record.listener())
			.append("' from ")
			.append(record.peer())
			.append(": ");
		if (result.isSuccess()) {
			text.append("succeeded ").append(result.protocol()).append(' ').append(result.cipherSuite());
		}
		else {
			text.append("failed (").append(result.code()).append(", ").append(result.error()).append(')');
			if (result.alert() != null) {
				text.append(", ").append(result.alert());
			}
			if (result.reason() != null) {
				text.append(", reason '").append(result.reason()).append('\'');
			}
			if (result.protocol() != null) {
				text.append(", ").append(result.protocol());
			}
		}
		return text.toString();
	}

}
