package dev.tlsaccept.autoconfigure;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engines chosen by one property; the optional ones need their libraries, and say which.
 */
class TlsAcceptEngineAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void starterWorksWithoutNettyTcnative() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("io.netty.internal.tcnative", "io.netty.handler.ssl"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getContext().engineName()).isEqualTo("jdk");
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
			});
	}

	@Test
	void opensslEngineWithoutNettyTcnativeFailsAtStartupNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.netty.internal.tcnative"))
			.withPropertyValues("tlsaccept.listeners.edge.engine=openssl")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Property: tlsaccept.listeners.edge.engine")
					.contains("dev.tlsaccept:tlsaccept-spring-boot-starter-openssl")
					.contains("io.netty:netty-tcnative-boringssl-static")
					.contains("io.netty:netty-handler");
				assertThat(analysis.getAction())
					.contains("Set tlsaccept.listeners.edge.engine to one of jdk, bouncy-castle, or add");
			});
	}

	@Test
	void unknownEngineListsOnlyTheEnginesThatCanStart() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.netty.internal.tcnative"))
			.withPropertyValues("tlsaccept.listeners.edge.engine=quantum")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null)
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Engines available: jdk, bouncy-castle.\n");
				assertThat(analysis.getAction())
					.startsWith("Set tlsaccept.listeners.edge.engine to one of jdk, bouncy-castle.")
					.contains(
							"Engine 'openssl' cannot start here: add dev.tlsaccept:tlsaccept-spring-boot-starter-openssl");
			});
	}

	@Test
	void unknownEngineListsEveryEngineWhenAllCanStart() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=quantum").run((context) -> {
			FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Engines available: jdk, bouncy-castle, openssl.");
			assertThat(analysis.getAction()).doesNotContain("cannot start here");
		});
	}

	@Test
	void opensslEngineRunsWhenNettyTcnativeIsPresent() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=openssl").run((context) -> {
			assertThat(context).hasNotFailed();
			TlsListener listener = context.getBean(TlsListener.class);
			assertThat(listener.getContext().provider()).isEqualTo("BoringSSL");
			try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
				assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
			}
		});
	}

	@Test
	void bouncyCastleEngineIsChosenByOneProperty() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.engine=bouncy-castle").run((context) -> {
			assertThat(context).hasNotFailed();
			TlsListener listener = context.getBean(TlsListener.class);
			assertThat(listener.getContext().provider()).isEqualTo("BCJSSE 1.84");
			try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.2")) {
				assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
			}
		});
	}

}
