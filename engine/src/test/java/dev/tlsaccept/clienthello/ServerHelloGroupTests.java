package dev.tlsaccept.clienthello;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group read off the server's hello, from hand-built flights fed in every chunking.
 */
class ServerHelloGroupTests {

	private static final byte[] RANDOM = new byte[32];

	@Test
	void tls13KeyShareNamesTheGroupEvenWhenFedOneByteAtATime() {
		byte[] flight = record(22,
				serverHello(0x1301, extension(43, 0x03, 0x04), extension(51, 0x11, 0xec, 0x00, 0x02, 0xaa, 0xbb)));
		assertThat(feedBytewise(flight)).isEqualTo("X25519MLKEM768");
		assertThat(feedWhole(flight)).isEqualTo("X25519MLKEM768");
	}

	@Test
	void tls12EcdheServerKeyExchangeNamesTheCurveAfterALargeCertificate() {
		byte[] flight = concat(record(22, serverHello(0xc02f)), record(22, message(11, new byte[9000])),
				record(22, message(12, 3, 0x00, 0x17, 65)), record(22, message(14)));
		assertThat(feedBytewise(flight)).isEqualTo("secp256r1");
	}

	@Test
	void tls12RsaKeyExchangeAndResumptionNameNoGroup() {
		byte[] rsa = concat(record(22, serverHello(0x009c)), record(22, message(11, new byte[100])),
				record(22, message(14)));
		assertThat(feedWhole(rsa)).isNull();
		// a resumption: change_cipher_spec, then an encrypted Finished that must not be
		// parsed
		byte[] resumed = concat(record(22, serverHello(0xc02f)), record(20, bytes(1)),
				record(22, message(12, 3, 0x00, 0x1d)));
		assertThat(feedWhole(resumed)).isNull();
	}

	@Test
	void tls12FiniteFieldServerKeyExchangeIsNotReadAsACurve() {
		// a DHE suite whose dh_p length starts with 3 (ffdhe6144, 768 bytes) must not
		// look like named_curve
		byte[] flight = concat(record(22, serverHello(0x009e)), record(22, message(12, 0x03, 0x00, 0x17)));
		assertThat(feedWhole(flight)).isNull();
	}

	@Test
	void helloRetryRequestIsSupersededByTheFinalServerHello() {
		byte[] retry = serverHello(HRR_RANDOM, 0x1301, extension(43, 0x03, 0x04), extension(51, 0x00, 0x18));
		byte[] hello = serverHello(0x1301, extension(43, 0x03, 0x04), extension(51, 0x00, 0x17, 0x00, 0x01, 0x04));
		ServerHelloGroup group = new ServerHelloGroup();
		byte[] first = concat(record(22, retry), record(20, bytes(1)));
		group.feed(first, 0, first.length);
		assertThat(group.group()).isEqualTo("secp384r1");
		byte[] second = concat(record(22, hello), record(23, bytes(0x17, 0x17)));
		group.feed(second, 0, second.length);
		assertThat(group.group()).isEqualTo("secp256r1");
	}

	@Test
	void applicationDataOrAlertFirstNamesNoGroup() {
		assertThat(feedWhole(record(21, bytes(2, 40)))).isNull();
		assertThat(feedWhole(record(23, serverHello(0x1301, extension(51, 0x00, 0x1d))))).isNull();
	}

	@Test
	void neverThrowsOnTruncatedOrCorruptedFlights() {
		byte[] flight = concat(record(22, serverHello(0xc02f, extension(51, 0x00, 0x1d, 0x00, 0x01, 0x04))),
				record(22, message(12, 3, 0x00, 0x17)));
		Random random = new Random(16);
		for (int round = 0; round < 2000; round++) {
			byte[] corrupted = Arrays.copyOf(flight, random.nextInt(flight.length + 1));
			for (int flips = random.nextInt(4); flips > 0 && corrupted.length > 0; flips--) {
				corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
			}
			ServerHelloGroup group = new ServerHelloGroup();
			group.feed(corrupted, 0, corrupted.length);
			group.group();
		}
		assertThat(feedWhole(flight)).isEqualTo("secp256r1");
	}

	@Test
	void tls13ServerHelloWithPreSharedKeyIsAResumption() {
		byte[] resumed = record(22, serverHello(0x1301, extension(43, 0x03, 0x04),
				extension(51, 0x00, 0x1d, 0x00, 0x01, 0x04), extension(41, 0x00, 0x00)));
		assertThat(resumedBytewise(resumed)).isTrue();
		byte[] full = record(22,
				serverHello(0x1301, extension(43, 0x03, 0x04), extension(51, 0x00, 0x1d, 0x00, 0x01, 0x04)));
		assertThat(resumedBytewise(full)).isFalse();
	}

	@Test
	void tls12AbbreviatedHandshakeIsAResumptionAndAFullOneIsNot() {
		// session ID or ticket resumption: ServerHello, [NewSessionTicket],
		// change_cipher_spec
		byte[] ticket = concat(record(22, serverHello(0xc02f)), record(22, message(4, new byte[200])),
				record(20, bytes(1)), record(22, new byte[40]));
		assertThat(resumedBytewise(ticket)).isTrue();
		byte[] sessionId = concat(record(22, serverHello(0xc02f)), record(20, bytes(1)));
		assertThat(resumedBytewise(sessionId)).isTrue();
		byte[] full = concat(record(22, serverHello(0xc02f)), record(22, message(11, new byte[100])),
				record(22, message(12, 3, 0x00, 0x17, 65)), record(22, message(14)), record(20, bytes(1)));
		assertThat(resumedBytewise(full)).isFalse();
		byte[] rsa = concat(record(22, serverHello(0x009c)), record(22, message(11, new byte[100])),
				record(20, bytes(1)));
		assertThat(resumedBytewise(rsa)).isFalse();
	}

	@Test
	void changeCipherSpecAfterAHelloRetryRequestIsNotAResumption() {
		byte[] retry = serverHello(HRR_RANDOM, 0x1301, extension(43, 0x03, 0x04), extension(51, 0x00, 0x18));
		byte[] hello = serverHello(0x1301, extension(43, 0x03, 0x04), extension(51, 0x00, 0x17, 0x00, 0x01, 0x04));
		assertThat(resumedBytewise(concat(record(22, retry), record(20, bytes(1)), record(22, hello)))).isFalse();
	}

	private static boolean resumedBytewise(byte[] flight) {
		ServerHelloGroup group = new ServerHelloGroup();
		for (int i = 0; i < flight.length; i++) {
			group.feed(flight, i, 1);
		}
		ServerHelloGroup whole = new ServerHelloGroup();
		whole.feed(flight, 0, flight.length);
		assertThat(whole.resumed()).isEqualTo(group.resumed());
		return group.resumed();
	}

	private static final byte[] HRR_RANDOM = { (byte) 0xcf, 0x21, (byte) 0xad, 0x74, (byte) 0xe5, (byte) 0x9a, 0x61,
			0x11, (byte) 0xbe, 0x1d, (byte) 0x8c, 0x02, 0x1e, 0x65, (byte) 0xb8, (byte) 0x91, (byte) 0xc2, (byte) 0xa2,
			0x11, 0x16, 0x7a, (byte) 0xbb, (byte) 0x8c, 0x5e, 0x07, (byte) 0x9e, 0x09, (byte) 0xe2, (byte) 0xc8,
			(byte) 0xa8, 0x33, (byte) 0x9c };

	private static String feedBytewise(byte[] flight) {
		ServerHelloGroup group = new ServerHelloGroup();
		for (int i = 0; i < flight.length; i++) {
			group.feed(flight, i, 1);
		}
		return group.group();
	}

	private static String feedWhole(byte[] flight) {
		ServerHelloGroup group = new ServerHelloGroup();
		group.feed(flight, 0, flight.length);
		return group.group();
	}

	private static byte[] serverHello(int suite, byte[]... extensions) {
		return serverHello(RANDOM, suite, extensions);
	}

	private static byte[] serverHello(byte[] random, int suite, byte[]... extensions) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(3);
		body.write(3);
		body.writeBytes(random);
		body.write(0);
		body.write(suite >> 8);
		body.write(suite & 0xff);
		body.write(0);
		byte[] all = concat(extensions);
		if (extensions.length > 0) {
			body.write(all.length >> 8);
			body.write(all.length & 0xff);
			body.writeBytes(all);
		}
		return message(2, body.toByteArray());
	}

	private static byte[] extension(int type, int... data) {
		byte[] body = bytes(data);
		return concat(new byte[] { (byte) (type >> 8), (byte) type, (byte) (body.length >> 8), (byte) body.length },
				body);
	}

	private static byte[] message(int type, int... body) {
		return message(type, bytes(body));
	}

	private static byte[] message(int type, byte[] body) {
		return concat(
				new byte[] { (byte) type, (byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length },
				body);
	}

	/** One record, or several when the fragment exceeds 2^14. */
	private static byte[] record(int type, byte[] fragment) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int from = 0; from < fragment.length || from == 0; from += 16384) {
			int length = Math.min(16384, fragment.length - from);
			out.writeBytes(new byte[] { (byte) type, 3, 3, (byte) (length >> 8), (byte) length });
			out.write(fragment, from, length);
			if (fragment.length == 0) {
				break;
			}
		}
		return out.toByteArray();
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
