package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Parsing of s_client / gnutls-cli output captured on this machine (OpenSSL 3.0.19,
 * GnuTLS 3.7.9).
 */
class ResultParsingTests {

	private static final String SUMMARY_13 = """
			CONNECTED(00000003)
			---
			SSL handshake has read 760 bytes and written 305 bytes
			---
			New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384
			No ALPN negotiated
			Early data was not sent
			Verify return code: 21 (unable to verify the first certificate)
			---
			""";

	private static final String TICKET = """
			---
			Post-Handshake New Session Ticket arrived:
			SSL-Session:
			    Protocol  : TLSv1.3
			    TLS session ticket:
			    0000 - fe 83 e9 6f d5 83 11 23-64 71 ab 07 f8 23 33 5d   ...o...#dq...#3]

			    Start Time: 1796076388
			    Max Early Data: 0
			---
			""";

	private static OpenSslResult openssl(String stdout, String stderr) {
		return new OpenSslResult(List.of("openssl"), 0, false, stdout, stderr, Duration.ZERO);
	}

	@Test
	void receivedDataSkipsTicketDumpsReadBlocksAndClosed() {
		OpenSslResult r = openssl(SUMMARY_13 + TICKET + "read R BLOCK\nhello" + TICKET + " world\nclosed\n", "");
		assertThat(r.receivedText()).isEqualTo("hello world\n");
		assertThat(r.protocol()).contains("TLSv1.3");
		assertThat(r.cipher()).contains("TLS_AES_256_GCM_SHA384");
		assertThat(r.verifyReturnCode()).hasValue(21);
	}

	@Test
	void aTicketDumpStillBeingWrittenIsNotData() {
		String partial = TICKET.substring(0, TICKET.indexOf("TLS session ticket:"));
		assertThat(openssl(SUMMARY_13 + "abc" + partial, "").receivedText()).isEqualTo("abc");
		assertThat(openssl(SUMMARY_13 + partial, "").received()).isEmpty();
	}

	@Test
	void noSummaryMeansNoHandshake() {
		OpenSslResult r = openssl("CONNECTED(00000003)\n", "SSL_connect:SSLv3/TLS write client hello\n");
		assertThat(r.handshakeCompleted()).isFalse();
		assertThat(r.received()).isEmpty();
		assertThat(OpenSslResult.summaryEnd(SUMMARY_13)).isEqualTo(SUMMARY_13.length());
		assertThat(OpenSslResult.summaryEnd(SUMMARY_13.substring(0, SUMMARY_13.length() - 4))).isEqualTo(-1);
	}

	@Test
	void alertsFromStateLinesAndErrorLines() {
		String stderr = """
				SSL_connect:SSLv3/TLS write finished
				SSL3 alert read:fatal:unknown
				40E704E7C47F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../ssl/record/rec_layer_s3.c:1601:SSL alert number 116
				""";
		OpenSslResult r = openssl(SUMMARY_13, stderr);
		assertThat(r.receivedAlert()).contains(Alert.fatal(116));
		assertThat(r.errors()).containsExactly("tlsv13 alert certificate required");
		assertThat(r.handshakeCompleted()).isFalse();

		OpenSslResult closed = openssl(SUMMARY_13, """
				SSL_connect:SSLv3/TLS read finished
				SSL_connect:SSLv3/TLS write finished
				SSL3 alert read:warning:close notify
				SSL3 alert write:warning:close notify
				""");
		assertThat(closed.receivedAlert()).contains(Alert.warning(0));
		assertThat(closed.sentAlert()).contains(Alert.warning(0));
		assertThat(closed.handshakeCompleted()).isTrue();
	}

	@Test
	void gnutlsDescriptionAlertAndData() {
		GnutlsResult r = new GnutlsResult(List.of("gnutls-cli"), 1, false, """
				- Description: (TLS1.2)-(RSA)-(AES-128-CBC)-(SHA1)
				- Handshake was completed

				- Simple Client Mode:

				pong
				*** Received alert [116]: Certificate is required
				""", "*** Fatal error: A TLS fatal alert has been received.\n", Duration.ZERO);
		assertThat(r.protocol()).contains("TLSv1.2");
		assertThat(r.cipher()).contains("AES-128-CBC");
		assertThat(r.receivedAlert()).contains(Alert.fatal(116));
		assertThat(r.handshakeCompleted()).isFalse();
		assertThat(r.clientFinished()).isTrue();
		assertThat(r.receivedText()).isEqualTo("pong\n");
		assertThat(r.fatalError()).contains("A TLS fatal alert has been received.");
	}

}
