package dev.tlsaccept.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.tlsaccept.server.SourceLimits;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tlsaccept.listeners.<name>.allow}, {@code deny} and the limits per source: bound
 * to the listener's server, off by default, and a bad entry fails startup naming the
 * property and the fix.
 */
class TlsListenerSourceLimitsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void sourceRulesAreOffByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			SourceLimits limits = context.getBean(TlsListener.class).getServer().settings().sourceLimits();
			assertThat(limits.allow()).isEmpty();
			assertThat(limits.deny()).isEmpty();
			assertThat(limits.maxPendingHandshakesPerSource()).isEqualTo(SourceLimits.UNLIMITED);
			assertThat(limits.maxHandshakesPerSecondPerSource()).isEqualTo(SourceLimits.UNLIMITED);
			assertThat(limits.sourcePrefixIpv4()).isEqualTo(32);
			assertThat(limits.sourcePrefixIpv6()).isEqualTo(64);
		});
	}

	@Test
	void sourceRulesBindToTheListenersServer() {
		// a device gateway: devices in 10.0.0.0/8 but one quarantined /24, 5 pending and
		// 20/s per device
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.allow[0]=10.0.0.0/8",
					"tlsaccept.listeners.edge.allow[1]=2001:DB8::/32",
					"tlsaccept.listeners.edge.deny=10.66.6.0/24,192.0.2.7",
					"tlsaccept.listeners.edge.max-pending-handshakes-per-source=5",
					"tlsaccept.listeners.edge.max-handshakes-per-second-per-source=20",
					"tlsaccept.listeners.edge.handshake-burst-per-source=40",
					"tlsaccept.listeners.edge.source-prefix-ipv4=24", "tlsaccept.listeners.edge.source-prefix-ipv6=56")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SourceLimits limits = context.getBean(TlsListener.class).getServer().settings().sourceLimits();
				assertThat(limits.allow()).containsExactly("10.0.0.0/8", "2001:db8::/32");
				assertThat(limits.deny()).containsExactly("10.66.6.0/24", "192.0.2.7");
				assertThat(limits.maxPendingHandshakesPerSource()).isEqualTo(5);
				assertThat(limits.maxHandshakesPerSecondPerSource()).isEqualTo(20);
				assertThat(limits.handshakeBurstPerSource()).isEqualTo(40);
				assertThat(limits.sourcePrefixIpv4()).isEqualTo(24);
				assertThat(limits.sourcePrefixIpv6()).isEqualTo(56);
			});
	}

	@Test
	void badCidrInACommaSeparatedListFailsStartupNamingTheEntryAndTheFix() {
		FailureAnalysis analysis = failure("tlsaccept.listeners.edge.allow[1]",
				"tlsaccept.listeners.edge.allow=10.0.0.0/8,10.0.0.0/33");
		assertThat(analysis.getDescription())
			.contains("TLS listener 'edge' has an invalid entry in allow: '10.0.0.0/33' has a prefix length of 33: "
					+ "an IPv4 prefix length is 0 to 32.")
			.contains("Property: tlsaccept.listeners.edge.allow[1]")
			.contains("Value: \"10.0.0.0/8,10.0.0.0/33\"");
		assertThat(analysis.getAction()).isEqualTo("Set tlsaccept.listeners.edge.allow[1] to an IPv4 or IPv6 CIDR "
				+ "block such as 10.0.0.0/8 or 2001:db8::/32, or to a single address such as 192.0.2.7 (host names "
				+ "are not allowed), or remove the entry.");
	}

	@Test
	void badCidrInAnIndexedListFailsStartupShowingThatEntry() {
		FailureAnalysis analysis = failure("tlsaccept.listeners.edge.deny[1]",
				"tlsaccept.listeners.edge.deny[0]=192.0.2.0/24",
				"tlsaccept.listeners.edge.deny[1]=gateway.example.com");
		assertThat(analysis.getDescription())
			.contains("invalid entry in deny: 'gateway.example.com' is not an IP address")
			.contains("host names are not resolved")
			.contains("Value: \"gateway.example.com\"");
	}

	@Test
	void hostBitsInABlockFailStartupSayingWhichBlockWasMeant() {
		assertThat(failure("tlsaccept.listeners.edge.deny[0]", "tlsaccept.listeners.edge.deny=10.66.6.1/24")
			.getDescription()).contains("'10.66.6.1/24' has host bits set: the block is 10.66.6.0/24");
	}

	@Test
	void limitsBelowOneAndABurstWithoutARateFailStartupNamingTheProperty() {
		assertThat(failure("tlsaccept.listeners.edge.max-pending-handshakes-per-source",
				"tlsaccept.listeners.edge.max-pending-handshakes-per-source=0")
			.getDescription()).contains("must be at least 1, was 0").contains("Value: \"0\"");
		assertThat(
				failure("tlsaccept.listeners.edge.source-prefix-ipv4", "tlsaccept.listeners.edge.source-prefix-ipv4=33")
					.getDescription())
			.contains("between 0 and 32, was 33");
		assertThat(failure("tlsaccept.listeners.edge.handshake-burst-per-source",
				"tlsaccept.listeners.edge.handshake-burst-per-source=10")
			.getDescription()).contains("needs maxHandshakesPerSecondPerSource");
	}

	/**
	 * Start with the properties, expect a startup failure naming the property, and
	 * analyze it as Spring Boot would, with an environment that holds the same
	 * properties.
	 */
	private FailureAnalysis failure(String property, String... properties) {
		AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			StandardEnvironment environment = new StandardEnvironment();
			Map<String, Object> values = new LinkedHashMap<>();
			for (String pair : properties) {
				values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
			}
			environment.getPropertySources().addFirst(new MapPropertySource("test", values));
			analysis.set(new TlsListenerStartupFailureAnalyzer(environment).analyze(context.getStartupFailure()));
		});
		assertThat(analysis.get()).as("analysis of the startup failure").isNotNull();
		assertThat(analysis.get().getCause()).isInstanceOf(TlsListenerStartupException.class);
		TlsListenerStartupException cause = (TlsListenerStartupException) analysis.get().getCause();
		assertThat(cause.getProperty()).isEqualTo(property);
		assertThat(cause.getListener()).isEqualTo("edge");
		assertThat(analysis.get().getDescription()).contains("Property: " + property);
		return analysis.get();
	}

}
