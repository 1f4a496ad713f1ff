package dev.tlsaccept.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertTests {

	@Test
	void namesAreIanaSnakeCase() {
		assertThat(Alert.fatal(70).name()).isEqualTo("protocol_version");
		assertThat(Alert.fatal(40).name()).isEqualTo("handshake_failure");
		assertThat(Alert.fatal(116).name()).isEqualTo("certificate_required");
		assertThat(Alert.fatal(48).name()).isEqualTo("unknown_ca");
		assertThat(Alert.fatal(42).name()).isEqualTo("bad_certificate");
		assertThat(Alert.fatal(50).name()).isEqualTo("decode_error");
		assertThat(Alert.fatal(10).name()).isEqualTo("unexpected_message");
		assertThat(Alert.fatal(22).name()).isEqualTo("record_overflow");
		assertThat(Alert.fatal(200).name()).isEqualTo("unknown(200)");
	}

	@Test
	void numbersFromOpenSslTextAndSnakeNames() {
		assertThat(Alert.numberOf("unknown CA")).contains(48);
		assertThat(Alert.numberOf("close notify")).contains(0);
		assertThat(Alert.numberOf("protocol version")).contains(70);
		assertThat(Alert.numberOf("unexpected_message")).contains(10);
		assertThat(Alert.numberOf("certificate_required")).contains(116);
		assertThat(Alert.numberOf("unknown")).isEmpty();
	}

	@Test
	void levelAndText() {
		assertThat(Alert.fatal(70).isFatal()).isTrue();
		assertThat(Alert.warning(0).isFatal()).isFalse();
		assertThat(Alert.fatal(70)).hasToString("fatal protocol_version(70)");
		assertThat(Alert.warning(0)).hasToString("warning close_notify(0)");
		assertThatThrownBy(() -> new Alert(2, 256)).isInstanceOf(IllegalArgumentException.class);
	}

}
