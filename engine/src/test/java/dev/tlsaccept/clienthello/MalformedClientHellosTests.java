package dev.tlsaccept.clienthello;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The malformed hellos the engine tests send are what they claim: made from valid hellos,
 * one length field overrun each, every field of interest covered, and each one rejected
 * by tlsaccept's own parser (which the handshake record then carries as its parse error).
 */
class MalformedClientHellosTests {

	private final List<MalformedClientHellos.Case> cases = MalformedClientHellos.lengthOverruns();

	@Test
	void everyBaseHelloIsWellFormed() {
		MalformedClientHellos.bases()
			.forEach((name, message) -> assertThat(ClientHelloSummary.parse(message).parseError()).as(name).isNull());
	}

	@Test
	void casesCoverEveryLengthFieldOfInterest() {
		Set<String> fields = this.cases.stream()
			.map(MalformedClientHellos.Case::field)
			.map((field) -> field.startsWith("extension 0x") ? "extension" : field)
			.collect(Collectors.toSet());
		assertThat(fields).contains("handshake message", "legacy_session_id", "cipher_suites",
				"legacy_compression_methods", "extensions block", "extension", "server_name list",
				"server_name host_name", "supported_groups list", "key_share client_shares", "key_share key_exchange",
				"signature_algorithms list", "signature_algorithms_cert list", "supported_versions list",
				"ALPN protocol_name_list", "ALPN protocol_name", "psk_key_exchange_modes list");
		assertThat(this.cases).hasSizeBetween(180, 260);
		assertThat(this.cases.stream().map(MalformedClientHellos.Case::name).distinct()).hasSameSizeAs(this.cases);
	}

	@Test
	void parserRejectsEveryCaseAsMalformedOrTooLarge() {
		for (MalformedClientHellos.Case malformed : this.cases) {
			ClientHelloCollector collector = new ClientHelloCollector();
			byte[] record = malformed.record();
			collector.feed(record, 0, record.length);
			ClientHelloSummary summary = collector.summarizeSoFar();
			if (malformed.value() > ClientHelloCollector.DEFAULT_MAX_BYTES
					&& malformed.field().equals("handshake message")) {
				assertThat(collector.isComplete()).as(malformed.name()).isFalse();
				assertThat(summary.parseError()).as(malformed.name()).startsWith("ClientHello larger than");
			}
			else {
				assertThat(collector.isComplete()).as(malformed.name()).isTrue();
				assertThat(summary.parseError()).as(malformed.name()).startsWith("malformed ClientHello: ");
			}
		}
	}

}
