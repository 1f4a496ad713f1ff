package dev.tlsaccept.autoconfigure.actuate;

import java.time.Clock;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.server.TlsServer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link TlsAcceptMetrics}: a handshake timer, an alert counter and
 * connection gauges, when Micrometer is on the classpath and there is a
 * {@link MeterRegistry}.
 */
@AutoConfiguration(after = TlsAcceptAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, TlsServer.class })
@ConditionalOnBean({ MeterRegistry.class, TlsListeners.class })
public final class TlsAcceptMetricsAutoConfiguration {

	TlsAcceptMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	TlsAcceptMetrics tlsAcceptMetrics(MeterRegistry registry, TlsListeners listeners, ObjectProvider<Clock> clock) {
		return new TlsAcceptMetrics(registry, listeners, clock.getIfUnique(Clock::systemUTC));
	}

}
