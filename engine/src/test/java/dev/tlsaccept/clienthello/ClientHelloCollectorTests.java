package dev.tlsaccept.clienthello;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static dev.tlsaccept.clienthello.ClientHellos.concat;
import static dev.tlsaccept.clienthello.ClientHellos.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIndexOutOfBoundsException;

class ClientHelloCollectorTests {

	private static final Pattern JA4 = Pattern
		.compile("t(13|12|11|10|s3|s2|d1|d2|d3|00)[di]\\d{4}[0-9a-zA-Z]{2}_[0-9a-f]{12}_[0-9a-f]{12}");

	private final ClientHelloSummary expected = ClientHelloSummary.parse(ClientHellos.foxioExample().message());

	@Test
	void summaryIsNullUntilTheHelloIsComplete() {
		byte[] record = ClientHellos.foxioExample().record();
		ClientHelloCollector collector = new ClientHelloCollector();
		collector.feed(record, 0, record.length - 1);
		assertThat(collector.isComplete()).isFalse();
		assertThat(collector.summary()).isNull();
		collector.feed(record, record.length - 1, 1);
		assertThat(collector.isComplete()).isTrue();
		assertThat(collector.summary()).isEqualTo(this.expected);
	}

	@Test
	void helloInOneChunkGivesTheParsedSummary() {
		ClientHelloCollector collector = collect(ClientHellos.foxioExample().record());
		assertThat(collector.summary()).isEqualTo(this.expected);
		assertThat(this.expected.ja4()).isEqualTo("t13d1516h2_8daaf6152771_e5627efa2ab1");
	}

	@Test
	void helloInOneByteChunksGivesTheSameSummaryAsInOneChunk() {
		byte[] record = ClientHellos.foxioExample().record();
		ClientHelloCollector collector = new ClientHelloCollector();
		for (int i = 0; i < record.length; i++) {
			assertThat(collector.summary()).isNull();
			collector.feed(record, i, 1);
		}
		assertThat(collector.isComplete()).isTrue();
		assertThat(collector.summary()).isEqualTo(collect(record).summary());
	}

	@Test
	void helloSpreadOverTwoRecordsGivesTheSameSummary() {
		byte[] records = ClientHellos.foxioExample().records(100);
		assertThat(records[0]).isEqualTo((byte) 22);
		assertThat(records[5 + 100]).isEqualTo((byte) 22);
		assertThat(collect(records).summary()).isEqualTo(this.expected);
	}

	@Test
	void helloWhoseHandshakeHeaderIsSplitAcrossRecordsGivesTheSameSummary() {
		assertThat(collect(ClientHellos.foxioExample().records(1, 2, 3)).summary()).isEqualTo(this.expected);
	}

	@Test
	void helloSpreadOverManyRecordsAndReadsGivesTheSameSummary() {
		byte[] records = ClientHellos.foxioExample().records(7, 50, 1, 64);
		Random random = new Random(42);
		ClientHelloCollector collector = new ClientHelloCollector();
		int offset = 0;
		while (offset < records.length) {
			int n = Math.min(1 + random.nextInt(9), records.length - offset);
			collector.feed(records, offset, n);
			offset += n;
		}
		assertThat(collector.summary()).isEqualTo(this.expected);
	}

	@Test
	void feedOfAByteBufferLeavesItsPositionAndLimit() {
		byte[] record = ClientHellos.foxioExample().record();
		ByteBuffer buffer = ByteBuffer.allocate(record.length + 10);
		buffer.position(3);
		buffer.put(record).flip().position(3);
		ClientHelloCollector collector = new ClientHelloCollector();
		collector.feed(buffer);
		assertThat(buffer.position()).isEqualTo(3);
		assertThat(buffer.limit()).isEqualTo(3 + record.length);
		assertThat(collector.summary()).isEqualTo(this.expected);
	}

	@Test
	void feedOfDirectAndReadOnlyBuffersGivesTheSameSummary() {
		byte[] record = ClientHellos.foxioExample().record();
		ByteBuffer direct = ByteBuffer.allocateDirect(record.length).put(record).flip();
		ByteBuffer readOnly = ByteBuffer.wrap(record).asReadOnlyBuffer();
		for (ByteBuffer buffer : new ByteBuffer[] { direct, readOnly }) {
			ClientHelloCollector collector = new ClientHelloCollector();
			collector.feed(buffer.duplicate().limit(10));
			collector.feed(buffer.duplicate().position(10));
			collector.feed(buffer);
			assertThat(buffer.position()).isZero();
			assertThat(collector.summary()).isEqualTo(this.expected);
		}
	}

	@Test
	void bytesAfterTheHelloAreIgnored() {
		byte[] record = ClientHellos.foxioExample().record();
		byte[] more = concat(record, record(21, new byte[] { 2, 40 }), new byte[] { 1, 2, 3 });
		ClientHelloCollector collector = collect(more);
		assertThat(collector.summary()).isEqualTo(this.expected);
		collector.feed(new byte[] { 99 }, 0, 1);
		assertThat(collector.summary()).isEqualTo(this.expected);
	}

	@Test
	void summarizeSoFarOfATruncatedHelloReportsWhatArrived() {
		byte[] message = ClientHellos.foxioExample().message();
		byte[] records = ClientHellos.foxioExample().records(100);
		ClientHelloCollector collector = new ClientHelloCollector();
		collector.feed(records, 0, 5 + 100 + 5 + 20);
		ClientHelloSummary partial = collector.summarizeSoFar();
		assertThat(collector.summary()).isNull();
		assertThat(partial.parseError())
			.isEqualTo("truncated ClientHello (" + 120 + " of " + message.length + " bytes)");
		assertThat(partial.legacyVersion()).isEqualTo(0x0303);
		assertThat(partial.cipherSuites()).isEqualTo(this.expected.cipherSuites());
		assertThat(partial.extensions()).isNotEmpty().isEqualTo(this.expected.extensions().subList(0, 1));
		assertThat(partial.ja4()).isEmpty();
	}

	@Test
	void summarizeSoFarOfAlmostNothingSaysWhatArrived() {
		ClientHelloCollector collector = new ClientHelloCollector();
		assertThat(collector.summarizeSoFar().parseError()).isEqualTo("no ClientHello received");
		collector.feed(new byte[] { 22, 3 }, 0, 2);
		assertThat(collector.summarizeSoFar().parseError()).isEqualTo("truncated record header (2 of 5 bytes)");
		collector.feed(new byte[] { 1, 0, 9, 1, 0 }, 0, 5);
		assertThat(collector.summarizeSoFar().parseError()).isEqualTo("truncated ClientHello (2 of at least 4 bytes)");
		collector.feed(new byte[] { 0, 40, 3 }, 0, 3);
		assertThat(collector.summarizeSoFar().parseError()).isEqualTo("truncated ClientHello (5 of 44 bytes)");
	}

	@Test
	void summarizeSoFarReturnsTheSummaryOnceComplete() {
		ClientHelloCollector collector = collect(ClientHellos.foxioExample().record());
		assertThat(collector.summarizeSoFar()).isSameAs(collector.summary());
	}

	@Test
	void nonHandshakeFirstRecordIsReportedAtOnce() {
		ClientHelloCollector collector = new ClientHelloCollector();
		collector.feed(new byte[] { 23 }, 0, 1);
		assertThat(collector.isComplete()).isFalse();
		assertThat(collector.summary()).isNotNull();
		assertThat(collector.summary().parseError()).isEqualTo("not a TLS handshake record (content type 23)");
		assertThat(collector.summary().ja4()).isEmpty();
		assertThat(collector.summary().cipherSuites()).isEmpty();
	}

	@Test
	void plaintextHttpIsReportedAsNotTls() {
		byte[] http = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		assertThat(collect(http).summary().parseError())
			.isEqualTo("not a TLS handshake record (content type 71, ASCII 'G': plaintext?)");
	}

	@Test
	void sslv2CompatibleHelloIsReported() {
		// SSLv2 CLIENT-HELLO: 2-byte length with the high bit, msg_type 1, version 3.1,
		// spec/session/challenge lengths
		byte[] sslv2 = { (byte) 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10 };
		ClientHelloCollector collector = collect(sslv2);
		assertThat(collector.summary().parseError()).isEqualTo("SSLv2-compatible ClientHello is not supported");
		assertThat(collector.isComplete()).isFalse();
	}

	@Test
	void sslv2LookingFirstByteWithoutClientHelloIsNotTls() {
		assertThat(collect(new byte[] { (byte) 0x80, 0x2e, 0x04 }).summary().parseError())
			.isEqualTo("not a TLS handshake record (content type 128)");
	}

	@Test
	void nonHandshakeRecordBeforeTheHelloIsCompleteIsReported() {
		byte[] records = ClientHellos.foxioExample().records(100);
		byte[] alert = concat(Arrays.copyOf(records, 5 + 100), record(21, new byte[] { 2, 40 }));
		assertThat(collect(alert).summary().parseError())
			.isEqualTo("unexpected content type 21 before the ClientHello was complete");
	}

	@Test
	void firstHandshakeMessageThatIsNotAClientHelloIsReported() {
		byte[] message = ClientHellos.foxioExample().message();
		message[0] = 2;
		assertThat(collect(ClientHellos.wrap(message)).summary().parseError())
			.isEqualTo("first handshake message is not a ClientHello (handshake type 2)");
	}

	@Test
	void recordWithAnotherMajorVersionIsNotTls() {
		assertThat(collect(new byte[] { 22, 2, 0, 0, 5 }).summary().parseError())
			.isEqualTo("not a TLS record (record version 0x0200)");
	}

	@Test
	void emptyAndOversizedRecordsAreReported() {
		assertThat(collect(new byte[] { 22, 3, 1, 0, 0 }).summary().parseError()).isEqualTo("empty handshake record");
		assertThat(collect(new byte[] { 22, 3, 1, 0x40, 0x01 }).summary().parseError())
			.isEqualTo("record length 16385 exceeds 16384");
	}

	@Test
	void helloLargerThanTheCapIsReportedAsSoAsItsLengthIsKnown() {
		ClientHellos big = ClientHellos.foxioExample().extension(0x0015, new byte[20000]);
		byte[] records = ClientHellos.wrap(big.message(), 16384);
		ClientHelloCollector collector = new ClientHelloCollector();
		collector.feed(records, 0, 5 + 4);
		assertThat(collector.summary()).isNotNull();
		assertThat(collector.summary().parseError())
			.isEqualTo("ClientHello larger than 16384 bytes (" + big.message().length + " bytes)");
	}

	@Test
	void capIsConfigurable() {
		byte[] record = ClientHellos.foxioExample().record();
		int size = record.length - 5;
		assertThat(collect(new ClientHelloCollector(size), record).summary()).isEqualTo(this.expected);
		assertThat(collect(new ClientHelloCollector(size - 1), record).summary().parseError())
			.isEqualTo("ClientHello larger than " + (size - 1) + " bytes (" + size + " bytes)");
	}

	@Test
	void helloOverTheRecordLimitButUnderTheCapIsCollectedAcrossRecords() {
		ClientHellos big = ClientHellos.foxioExample().extension(0x0015 + 0x1000, new byte[20000]);
		ClientHelloCollector collector = collect(new ClientHelloCollector(32 * 1024),
				ClientHellos.wrap(big.message(), 16384));
		assertThat(collector.isComplete()).isTrue();
		assertThat(collector.summary().parseError()).isNull();
		assertThat(collector.summary().extensions()).endsWith(0x1015);
	}

	@Test
	void constructorRejectsACapSmallerThanTheHandshakeHeader() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientHelloCollector(3))
			.withMessageContaining("maxBytes");
	}

	@Test
	void feedRejectsAnOutOfBoundsRange() {
		assertThatIndexOutOfBoundsException().isThrownBy(() -> new ClientHelloCollector().feed(new byte[4], 2, 3));
	}

	@Test
	void randomBytesNeverThrow() {
		Random random = new Random(20300601L);
		for (int i = 0; i < 10_000; i++) {
			byte[] bytes = new byte[random.nextInt(300)];
			random.nextBytes(bytes);
			if (bytes.length > 0 && random.nextBoolean()) {
				bytes[0] = 22; // get past the content type more often
			}
			assertSane(collectInRandomChunks(bytes, random), bytes);
			assertSane(ClientHelloSummary.parse(bytes), bytes);
			if (bytes.length > 0) {
				bytes[0] = 1;
				assertSane(ClientHelloSummary.parse(bytes), bytes);
			}
		}
	}

	@Test
	void mutatedHellosNeverThrow() {
		byte[] message = ClientHellos.foxioExample().message();
		Random random = new Random(8701L);
		int parsed = 0;
		for (int i = 0; i < 10_000; i++) {
			byte[] mutated = mutate(message, random);
			ClientHelloSummary direct = ClientHelloSummary.parse(mutated);
			assertSane(direct, mutated);
			byte[] records = ClientHellos.wrap(mutated, 1 + random.nextInt(mutated.length + 1));
			ClientHelloSummary collected = collectInRandomChunks(records, random);
			assertSane(collected, records);
			if (direct.parseError() == null) {
				parsed++;
			}
		}
		assertThat(parsed).as("mutations that still parse, so the fuzzing reaches deep").isGreaterThan(100);
	}

	private static byte[] mutate(byte[] message, Random random) {
		byte[] mutated = message.clone();
		switch (random.nextInt(4)) {
			case 0 -> mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
			case 1 -> {
				for (int j = 1 + random.nextInt(8); j > 0; j--) {
					mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
				}
			}
			case 2 -> mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length));
			default -> {
				int at = random.nextInt(mutated.length);
				int span = Math.min(1 + random.nextInt(4), mutated.length - at);
				for (int j = at; j < at + span; j++) {
					mutated[j] = (byte) (random.nextBoolean() ? 0xff : 0x00);
				}
			}
		}
		return mutated;
	}

	private static ClientHelloSummary collectInRandomChunks(byte[] bytes, Random random) {
		ClientHelloCollector collector = new ClientHelloCollector();
		int offset = 0;
		while (offset < bytes.length) {
			int n = Math.min(random.nextInt(40), bytes.length - offset);
			if (random.nextBoolean()) {
				collector.feed(bytes, offset, n);
			}
			else {
				collector.feed(ByteBuffer.wrap(bytes, offset, n).slice());
			}
			offset += n;
		}
		ClientHelloSummary summary = collector.summarizeSoFar();
		if (collector.isComplete()) {
			assertThat(collector.summary()).isSameAs(summary);
		}
		return summary;
	}

	private static void assertSane(ClientHelloSummary summary, byte[] input) {
		assertThat(summary).as("summary of %s", Arrays.toString(input)).isNotNull();
		if (summary.parseError() != null) {
			assertThat(summary.parseError()).doesNotContain("internal error");
			assertThat(summary.ja4()).isEmpty();
		}
		else {
			assertThat(summary.ja4()).matches(JA4);
		}
	}

	private static ClientHelloCollector collect(byte[] bytes) {
		return collect(new ClientHelloCollector(), bytes);
	}

	private static ClientHelloCollector collect(ClientHelloCollector collector, byte[] bytes) {
		collector.feed(ByteBuffer.wrap(bytes));
		return collector;
	}

}
