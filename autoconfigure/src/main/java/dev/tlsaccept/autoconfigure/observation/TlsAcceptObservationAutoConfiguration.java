package dev.tlsaccept.autoconfigure.observation;

import java.time.Duration;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsAcceptProperties;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsServer;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of an {@code Observation} per TLS handshake
 * ({@value DefaultTlsHandshakeObservationConvention#NAME}), when Micrometer's observation
 * API is on the classpath: with the application's {@link ObservationRegistry} (Boot makes
 * one with Actuator; its tracing bridge turns each observation into a span), none
 * otherwise. A {@link TlsHandshakeObservationConvention} bean replaces the default
 * convention.
 */
@AutoConfiguration(after = TlsAcceptAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ ObservationRegistry.class, TlsServer.class })
@ConditionalOnBean(TlsAcceptProperties.class)
public final class TlsAcceptObservationAutoConfiguration {

	/** Margin beyond the longest handshake timeout after which an end is deemed lost. */
	private static final Duration LOST_END_MARGIN = Duration.ofMinutes(1);

	TlsAcceptObservationAutoConfiguration() {
	}

	@Bean
	HandshakeObserver tlsAcceptHandshakeObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<TlsHandshakeObservationConvention> convention, TlsAcceptProperties properties) {
		Duration longest = properties.getListeners()
			.values()
			.stream()
			.map(TlsAcceptProperties.Listener::getHandshakeTimeout)
			.max(Duration::compareTo)
			.orElse(Duration.ofSeconds(10));
		return new HandshakeObservations(registry.getIfUnique(() -> ObservationRegistry.NOOP), convention.getIfUnique(),
				longest.plus(LOST_END_MARGIN), properties.getHandshakes().isObserveHealthChecks());
	}

}
