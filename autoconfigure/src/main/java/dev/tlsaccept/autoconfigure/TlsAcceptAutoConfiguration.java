package dev.tlsaccept.autoconfigure;

import java.time.Clock;
import java.util.Locale;

import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsConnectionHandler;
import dev.tlsaccept.server.TlsServer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of tlsaccept: one {@link TlsListener} per enabled entry of
 * {@code tlsaccept.listeners} (none, and no thread, when the map is empty), recording
 * every handshake in a {@link HandshakeRepository}.
 *
 * <p>
 * Beans an application may provide: a {@link HandshakeRepository} (replaces the in-memory
 * one), {@link TlsConnectionHandler}s (select one per listener with {@code handler}),
 * {@link HandshakeObserver}s (told of every finished handshake),
 * {@link TlsListenerCustomizer}s and a {@link Clock}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(TlsServer.class)
@EnableConfigurationProperties(TlsAcceptProperties.class)
@Import(TlsAcceptPropertiesCheck.class)
public final class TlsAcceptAutoConfiguration {

	TlsAcceptAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	HandshakeRepository handshakeRepository(TlsAcceptProperties properties) {
		return new InMemoryHandshakeRepository(properties.getHandshakes().getCapacity());
	}

	@Bean
	HandshakeObserver tlsAcceptHandshakeFailureLogger(TlsAcceptProperties properties, ObjectProvider<Clock> clock) {
		TlsAcceptProperties.Handshakes.Log log = properties.getHandshakes().getLog();
		return new HandshakeFailureLogger(log.getLevel(), log.getMaxPerSecond(), clock.getIfUnique(Clock::systemUTC));
	}

	@Bean
	TlsListenersAotCheck tlsListenersAotCheck(Environment environment, ListableBeanFactory beanFactory) {
		return new TlsListenersAotCheck(environment, beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	TlsListeners tlsListeners(ObjectProvider<TlsListener> listeners) {
		return new TlsListeners(listeners);
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnTlsListenersCondition.class)
	@Import(TlsListenerBeanRegistrar.class)
	static class ListenersConfiguration {

		@Bean(TlsListenerFactory.BEAN_NAME)
		TlsListenerFactory tlsListenerFactory(TlsAcceptProperties properties, ObjectProvider<SslBundles> sslBundles,
				ObjectProvider<TlsListenerCustomizer> customizers, ObjectProvider<TlsConnectionHandler> handlers,
				ObjectProvider<HandshakeObserver> observers, HandshakeRepository repository,
				ObjectProvider<Clock> clock, ListableBeanFactory beanFactory, Environment environment,
				ApplicationContext applicationContext) {
			Clock recordClock = clock.getIfUnique(Clock::systemUTC);
			HandshakeRecorder recorder = new HandshakeRecorder(repository, recordClock,
					observers.orderedStream().toList());
			return new TlsListenerFactory(properties, sslBundles, customizers, handlers, beanFactory, recorder,
					recordClock, environment, applicationContext,
					ApplicationResourceLoader.get(applicationContext, true));
		}

	}

	/**
	 * Masks the passwords of {@code tlsaccept.*} in {@code /actuator/configprops} and
	 * {@code /actuator/env}, even where {@code show-values} lets other values through.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SanitizingConfiguration {

		@Bean
		SanitizingFunction tlsAcceptPasswordSanitizingFunction() {
			return SanitizingFunction.sanitizeValue().ifKeyMatches(TlsAcceptAutoConfiguration::isPasswordKey);
		}

	}

	/**
	 * Whether a key names a tlsaccept password, in any of the forms a property source
	 * uses: {@code tlsaccept.listeners.x.key-store.password}, or an environment variable
	 * such as {@code TLSACCEPT_LISTENERS_X_KEYSTORE_PASSWORD}.
	 */
	static boolean isPasswordKey(String key) {
		String normalized = key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
		return normalized.startsWith(TlsAcceptProperties.PREFIX + ".") && normalized.endsWith("password");
	}

}
