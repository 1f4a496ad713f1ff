package dev.tlsaccept.autoconfigure.actuate;

import java.time.Clock;
import java.util.function.BooleanSupplier;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsAcceptProperties;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.server.TlsServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@code tlsaccept} health contributor
 * ({@code management.health.tlsaccept.enabled}). Backs off without
 * {@code spring-boot-health}.
 */
@AutoConfiguration(after = TlsAcceptAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ Health.class, ConditionalOnEnabledHealthIndicator.class, TlsServer.class })
@ConditionalOnBean(TlsListeners.class)
public final class TlsAcceptHealthContributorAutoConfiguration {

	private static final String SHOW_VALUES = "management.endpoint.tlslisteners.show-values";

	TlsAcceptHealthContributorAutoConfiguration() {
	}

	// on the method, not the class: the class's conditions are loaded together, before
	// @ConditionalOnClass could rule out a classpath without spring-boot-health
	@Bean
	@ConditionalOnEnabledHealthIndicator("tlsaccept")
	@ConditionalOnMissingBean(name = "tlsacceptHealthIndicator")
	TlsAcceptHealthIndicator tlsacceptHealthIndicator(TlsListeners listeners, TlsAcceptProperties properties,
			ObjectProvider<Clock> clock, ApplicationContext applicationContext) {
		BooleanSupplier running = (applicationContext instanceof Lifecycle lifecycle) ? lifecycle::isRunning
				: () -> true;
		return new TlsAcceptHealthIndicator(listeners, running, properties.getHealth().getCertificateWarningThreshold(),
				clock.getIfUnique(Clock::systemUTC), showSubjects(applicationContext.getEnvironment()));
	}

	/**
	 * The masking rule of {@code /actuator/tlslisteners}: subjects are shown only when
	 * its {@code show-values} is {@code always}, since a health indicator does not know
	 * its caller ({@code when-authorized} masks). Bound by name, as the health module may
	 * run without the actuator module that defines {@code Show}.
	 */
	static boolean showSubjects(Environment environment) {
		return Binder.get(environment)
			.bind(SHOW_VALUES, String.class)
			.map((value) -> value.trim().equalsIgnoreCase("always"))
			.orElse(false);
	}

}
