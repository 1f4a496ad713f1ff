package dev.tlsaccept.server;

import java.time.Duration;

import dev.tlsaccept.engine.BioMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class TlsServerSettingsTests {

	@Test
	void defaultsListenOnAllInterfacesNonBlockingWithBoundedLimits() {
		TlsServerSettings settings = TlsServerSettings.builder("edge").build();
		assertThat(settings.name()).isEqualTo("edge");
		assertThat(settings.address()).isNull();
		assertThat(settings.port()).isZero();
		assertThat(settings.bioMode()).isEqualTo(BioMode.NON_BLOCKING);
		assertThat(settings.maxConnections()).isEqualTo(10_000);
		assertThat(settings.maxPendingHandshakes()).isEqualTo(1_000);
		assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.workerExecutor()).isNull();
		assertThat(settings.selectorThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void builderRejectsPortsOutsideTheTcpRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerSettings.builder("edge").port(65536))
			.withMessage("port must be between 0 and 65535 (0 for an ephemeral port), was 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerSettings.builder("edge").port(-1))
			.withMessageContaining("port");
		assertThat(TlsServerSettings.builder("edge").port(65535).build().port()).isEqualTo(65535);
	}

	@Test
	void builderRejectsLimitsBelowOneNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerSettings.builder("edge").maxConnections(0))
			.withMessage("maxConnections must be at least 1, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsServerSettings.builder("edge").maxPendingHandshakes(-5))
			.withMessage("maxPendingHandshakes must be at least 1, was -5");
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerSettings.builder("edge").selectorThreads(0))
			.withMessage("selectorThreads must be at least 1, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsServerSettings.builder("edge").shutdownTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("shutdownTimeout");
	}

	@Test
	void builderRejectsMissingNameAndMode() {
		assertThatIllegalArgumentException().isThrownBy(() -> TlsServerSettings.builder(" "))
			.withMessageContaining("name");
		assertThatNullPointerException().isThrownBy(() -> TlsServerSettings.builder("edge").bioMode(null))
			.withMessageContaining("bioMode");
	}

}
