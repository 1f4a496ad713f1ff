package dev.tlsaccept.record;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tlsaccept.engine.AcceptResult;
import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.SslError;
import dev.tlsaccept.server.HandshakeEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class HandshakeRecordTests {

	static final Instant T0 = Instant.parse("2030-06-01T12:00:00Z");

	static AcceptResult success() {
		return new AcceptResult(1, SslError.NONE, T0, Duration.ofMillis(3), 2, 0, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
				"example.test", null, List.of(), null, null, null);
	}

	static AcceptResult eof() {
		return new AcceptResult(0, SslError.SYSCALL, T0, Duration.ofMillis(1), 1, 0, null, null, null, null, List.of(),
				null, null, "EOF that violates the protocol");
	}

	@Test
	void ofCopiesEveryFieldOfTheEvent() {
		InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 50000);
		AcceptResult result = success();
		HandshakeEvent event = new HandshakeEvent("edge", "jdk", BioMode.PAIR, peer, result);
		HandshakeRecord record = HandshakeRecord.of(event, "42", T0.plusSeconds(1));
		assertThat(record.id()).isEqualTo("42");
		assertThat(record.time()).isEqualTo(T0.plusSeconds(1));
		assertThat(record.listener()).isEqualTo("edge");
		assertThat(record.engine()).isEqualTo("jdk");
		assertThat(record.bioMode()).isEqualTo(BioMode.PAIR);
		assertThat(record.peer()).isEqualTo(peer);
		assertThat(record.result()).isSameAs(result);
	}

	@Test
	void ofAcceptsAnUnknownPeer() {
		HandshakeRecord record = HandshakeRecord.of(new HandshakeEvent("edge", "jdk", BioMode.BLOCKING, null, eof()),
				"1", T0);
		assertThat(record.peer()).isNull();
		assertThat(record.result().error()).isEqualTo(SslError.SYSCALL);
	}

	@Test
	void constructorRejectsMissingId() {
		assertThatNullPointerException()
			.isThrownBy(() -> HandshakeRecord.of(new HandshakeEvent("edge", "jdk", BioMode.BLOCKING, null, eof()),
					nullString(), T0))
			.withMessageContaining("id");
	}

	@SuppressWarnings("NullAway")
	private static String nullString() {
		return null;
	}

}
