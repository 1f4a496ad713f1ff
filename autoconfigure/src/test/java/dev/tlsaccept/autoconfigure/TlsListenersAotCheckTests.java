package dev.tlsaccept.autoconfigure;

import java.util.Map;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under AOT the set of listeners is the one the build saw. Simulated: the application
 * runs with {@code spring.aot.enabled=true}, and properties are changed after the bean
 * definitions were registered (as they are at build time by the AOT processing), before
 * any bean is created (as they are at run time).
 */
class TlsListenersAotCheckTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@BeforeEach
	void runAheadOfTime() {
		System.setProperty(AotDetector.AOT_ENABLED, "true");
	}

	@AfterEach
	void clear() {
		System.clearProperty(AotDetector.AOT_ENABLED);
	}

	@Test
	void listenersKnownAtBuildTimeStart() {
		this.contextRunner.withInitializer(atRunTime(Map.of("tlsaccept.listeners.edge.handshake-timeout", "7s")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
			});
	}

	@Test
	void listenerAddedAtRunTimeFailsStartupNamingItAndTheFix() {
		this.contextRunner.withInitializer(atRunTime(Map.of("tlsaccept.listeners.late.port", "0"))).run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).startsWith("TLS listener 'late' is configured")
				.contains("was not when this application was processed ahead of time")
				.contains("spring.aot.enabled=true")
				.contains("silently ignored")
				.contains("Property: tlsaccept.listeners.late.port");
			assertThat(analysis.getAction()).contains("Configure tlsaccept.listeners.late where the AOT processing")
				.contains("rebuild")
				.contains("run without spring.aot.enabled=true");
			assertThat(((TlsListenerStartupException) analysis.getCause()).getListener()).isEqualTo("late");
		});
	}

	@Test
	void listenerAddedAtRunTimeFailsStartupWhenTheBuildSawNoListener() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
			.withInitializer(atRunTime(Map.of("tlsaccept.listeners.late.port", "0")))
			.run((context) -> assertThat(analyze(context).getDescription())
				.startsWith("TLS listener 'late' is configured"));
	}

	@Test
	void listenerDisabledAtRunTimeFailsStartupInsteadOfRunning() {
		this.contextRunner.withInitializer(atRunTime(Map.of("tlsaccept.listeners.edge.enabled", "false")))
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription())
					.startsWith("TLS listener 'edge' was configured when this application was processed ahead of time")
					.contains("Property: tlsaccept.listeners.edge.enabled");
				assertThat(analysis.getAction()).contains("rebuild");
			});
	}

	@Test
	void unknownKeyAddedAtRunTimeStillFailsStartup() {
		this.contextRunner.withInitializer(atRunTime(Map.of("tlsaccept.listeners.edge.client-auht", "need")))
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("did you mean tlsaccept.listeners.edge.client-auth?"));
	}

	/**
	 * Properties that appear after the bean definitions were registered: a bean factory
	 * post-processor of the context runs after the configuration classes were processed.
	 */
	private static ApplicationContextInitializer<ConfigurableApplicationContext> atRunTime(
			Map<String, Object> properties) {
		return (context) -> context
			.addBeanFactoryPostProcessor((BeanFactoryPostProcessor) (beanFactory) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("runTime", properties)));
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new TlsListenerStartupFailureAnalyzer(null).analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
