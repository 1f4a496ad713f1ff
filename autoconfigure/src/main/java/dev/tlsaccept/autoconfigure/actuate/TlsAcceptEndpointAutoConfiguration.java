package dev.tlsaccept.autoconfigure.actuate;

import java.time.Clock;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import dev.tlsaccept.autoconfigure.TlsListeners;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.server.TlsServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tlshandshakes} and {@code tlslisteners} endpoints and
 * of the {@code tlspage} web endpoint (each when available: its access is not
 * {@code none} and it is exposed; {@code tlspage} is {@code none} by default) and of the
 * {@code tlsaccept} info contributor. Backs off without Spring Boot Actuator.
 */
@AutoConfiguration(after = TlsAcceptAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, TlsServer.class })
@ConditionalOnBean(TlsListeners.class)
@EnableConfigurationProperties({ TlsHandshakesEndpointProperties.class, TlsListenersEndpointProperties.class })
public final class TlsAcceptEndpointAutoConfiguration {

	TlsAcceptEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnBean(HandshakeRepository.class)
	TlsHandshakesEndpoint tlsHandshakesEndpoint(HandshakeRepository repository,
			TlsHandshakesEndpointProperties properties, ObjectProvider<Clock> clock) {
		return new TlsHandshakesEndpoint(repository, new ShowValues(properties.getShowValues(), properties.getRoles()),
				clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	TlsListenersEndpoint tlsListenersEndpoint(TlsListeners listeners, TlsListenersEndpointProperties properties,
			ObjectProvider<Clock> clock) {
		return new TlsListenersEndpoint(listeners, new ShowValues(properties.getShowValues(), properties.getRoles()),
				clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	TlsPageEndpoint tlsPageEndpoint() {
		return new TlsPageEndpoint();
	}

	@Bean
	@ConditionalOnMissingBean(name = "tlsacceptInfoContributor")
	@ConditionalOnEnabledInfoContributor("tlsaccept")
	TlsAcceptInfoContributor tlsacceptInfoContributor(TlsListeners listeners) {
		return new TlsAcceptInfoContributor(listeners);
	}

}
