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
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tlsaccept} health contributor
 * ({@code management.health.tlsaccept.enabled}). Backs off without {@code spring-boot-health}.
 */
@AutoConfiguration(after = TlsAcceptAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ Health.class, ConditionalOnEnabledHealthIndicator.class, TlsServer.class })
@ConditionalOnBean(TlsListeners.class)
public final class TlsAcceptHealthContributorAutoConfiguration {

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
		return new TlsAcceptHealthIndicator(listeners, running,
				properties.getHealth().getCertificateWarningThreshold(), clock.getIfUnique(Clock::systemUTC));
	}

}
