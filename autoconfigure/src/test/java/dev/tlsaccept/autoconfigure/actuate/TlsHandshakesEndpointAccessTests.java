package dev.tlsaccept.autoconfigure.actuate;

import java.util.List;

import dev.tlsaccept.autoconfigure.TlsAcceptAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.OperationFilter;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.ParameterValueMapper;
import org.springframework.boot.actuate.endpoint.jmx.ExposableJmxEndpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.endpoint.jmx.annotation.JmxEndpointDiscoverer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /actuator/tlshandshakes} is opt-in: the endpoint is read-only unless its
 * access is {@code unrestricted}, as Spring Boot's endpoint access model defines.
 */
class TlsHandshakesEndpointAccessTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, SslAutoConfiguration.class,
				TlsAcceptAutoConfiguration.class, TlsAcceptEndpointAutoConfiguration.class))
		.withInitializer((context) -> context.getEnvironment()
			.setConversionService((ApplicationConversionService) ApplicationConversionService.getSharedInstance()))
		.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=tlshandshakes");

	@Test
	void deleteIsNotAnOperationByDefault() {
		this.contextRunner.run((context) -> assertThat(operationTypes(context)).containsOnly(OperationType.READ));
	}

	@Test
	void globalDefaultAccessAppliesAsToEveryEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.access.default=unrestricted")
			.run((context) -> assertThat(operationTypes(context)).contains(OperationType.DELETE));
	}

	@Test
	void maxPermittedAccessCapsAnUnrestrictedEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoint.tlshandshakes.access=unrestricted",
					"management.endpoints.access.max-permitted=read-only")
			.run((context) -> assertThat(operationTypes(context)).containsOnly(OperationType.READ));
	}

	@Test
	void deleteIsAnOperationWhenTheEndpointsAccessIsUnrestricted() {
		this.contextRunner.withPropertyValues("management.endpoint.tlshandshakes.access=unrestricted")
			.run((context) -> assertThat(operationTypes(context)).contains(OperationType.READ, OperationType.DELETE));
	}

	/**
	 * The operations Spring Boot's discovery keeps, filtered by access as every endpoint
	 * technology (web, JMX) filters them.
	 */
	private static List<OperationType> operationTypes(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed().hasSingleBean(TlsHandshakesEndpoint.class);
		JmxEndpointDiscoverer discoverer = new JmxEndpointDiscoverer(context,
				context.getBean(ParameterValueMapper.class), List.of(), List.of(),
				List.of(OperationFilter.byAccess(context.getBean(EndpointAccessResolver.class))));
		ExposableJmxEndpoint endpoint = discoverer.getEndpoints()
			.stream()
			.filter((candidate) -> candidate.getEndpointId().toString().equals("tlshandshakes"))
			.findFirst()
			.orElseThrow();
		return endpoint.getOperations().stream().map(JmxOperation::getType).toList();
	}

}
