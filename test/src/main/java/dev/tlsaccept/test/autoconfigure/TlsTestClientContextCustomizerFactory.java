package dev.tlsaccept.test.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link AutoConfigureTlsTestClient} on a test class (or an enclosing class of a
 * {@code @Nested} one). Registered in {@code META-INF/spring.factories}.
 */
class TlsTestClientContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureTlsTestClient annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureTlsTestClient.class);
		return (annotation != null) ? new TlsTestClientContextCustomizer(annotation.ephemeralPorts()) : null;
	}

}
