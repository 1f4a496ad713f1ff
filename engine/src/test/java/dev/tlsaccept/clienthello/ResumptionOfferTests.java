package dev.tlsaccept.clienthello;

import org.junit.jupiter.api.Test;

import static dev.tlsaccept.clienthello.ClientHellos.hello;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a ClientHello offered to resume, as {@link ClientHelloSummary#resumptionOffered()}
 * reads it off the bytes.
 */
class ResumptionOfferTests {

	@Test
	void preSharedKeyExtensionIsATls13Offer() {
		ClientHellos hello = hello().ciphers(0x1301)
			.supportedVersions(0x0304, 0x0303)
			.extension(0x0023, new byte[0])
			.extension(0x0029, new byte[] { 0, 0 });
		assertThat(offer(hello)).isEqualTo(ResumptionOffer.PRE_SHARED_KEY);
	}

	@Test
	void nonEmptySessionTicketIsATls12Offer() {
		assertThat(offer(hello().ciphers(0xc02b).extension(0x0023, new byte[160])))
			.isEqualTo(ResumptionOffer.SESSION_TICKET);
	}

	@Test
	void emptySessionTicketOnlySaysTheClientTakesTickets() {
		assertThat(offer(hello().ciphers(0xc02b).sessionId(new byte[0]).extension(0x0023, new byte[0])))
			.isEqualTo(ResumptionOffer.NONE);
	}

	@Test
	void sessionIdWithoutTls13IsATls12Offer() {
		assertThat(offer(hello().ciphers(0xc02b).sessionId(new byte[32]))).isEqualTo(ResumptionOffer.SESSION_ID);
	}

	@Test
	void sessionIdOfATls13ClientIsMiddleboxCompatibilityNotAnOffer() {
		assertThat(offer(hello().ciphers(0x1301).sessionId(new byte[32]).supportedVersions(0x0304, 0x0303)))
			.isEqualTo(ResumptionOffer.NONE);
	}

	@Test
	void noSessionIsNoOffer() {
		assertThat(offer(hello().ciphers(0xc02b).sessionId(new byte[0]))).isEqualTo(ResumptionOffer.NONE);
	}

	private static ResumptionOffer offer(ClientHellos hello) {
		ClientHelloSummary summary = ClientHelloSummary.parse(hello.message());
		assertThat(summary.parseError()).isNull();
		return summary.resumptionOffered();
	}

}
