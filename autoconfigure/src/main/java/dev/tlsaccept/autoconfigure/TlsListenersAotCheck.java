package dev.tlsaccept.autoconfigure;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Under AOT ({@code spring.aot.enabled=true}, or a native image) the listener beans are
 * those of the configuration seen when the application was processed ahead of time: the
 * {@link TlsListenerBeanRegistrar} and the {@link TlsAcceptPropertiesCheck} do not run
 * again. This check runs both their conditions at startup instead: it fails on an unknown
 * key, and on a listener configured now that has no bean (it would be silently ignored).
 * A listener that has a bean but is no longer configured fails in
 * {@link TlsListenerFactory#create(String)}.
 */
final class TlsListenersAotCheck implements SmartInitializingSingleton {

	private final Environment environment;

	private final ListableBeanFactory beanFactory;

	TlsListenersAotCheck(Environment environment, ListableBeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		TlsAcceptPropertiesCheck.check(this.environment);
		for (String name : OnTlsListenersCondition.enabledListeners(this.environment).keySet()) {
			if (!this.beanFactory.containsBean(TlsListener.beanName(name))) {
				throw addedAfterBuild(name);
			}
		}
	}

	private TlsListenerStartupException addedAfterBuild(String name) {
		String prefix = TlsAcceptProperties.PREFIX + ".listeners." + name;
		String port = TlsAcceptProperties.propertyName(name, "port");
		String property = this.environment.containsProperty(port) ? port : prefix;
		return new TlsListenerStartupException(name, property, "TLS listener '" + name + "' is configured (" + prefix
				+ ".*), but was not when this application was processed ahead of time: with " + AotDetector.AOT_ENABLED
				+ "=true the set of listeners is fixed at build time, and this one would be silently ignored.",
				"Configure " + prefix + " where the AOT processing sees it (application.yml, or a profile active "
						+ "during process-aot) and rebuild, or run without " + AotDetector.AOT_ENABLED
						+ "=true. The settings of a listener known at build time may change at run time; "
						+ "the names may not.",
				null);
	}

	/**
	 * The failure for a listener that has a bean but is not configured (or not enabled):
	 * only under AOT, where the bean comes from the build.
	 * @param name the listener name
	 * @return the exception
	 */
	static TlsListenerStartupException removedAfterBuild(String name) {
		String prefix = TlsAcceptProperties.PREFIX + ".listeners." + name;
		String enabled = TlsAcceptProperties.propertyName(name, "enabled");
		return new TlsListenerStartupException(name, enabled,
				"TLS listener '" + name + "' was configured when this application was processed ahead of time, but "
						+ prefix + " is not configured or not enabled now: with " + AotDetector.AOT_ENABLED
						+ "=true the set of listeners is fixed at build time.",
				"Remove " + prefix + " (or set " + enabled + "=false) where the AOT processing sees it and rebuild, "
						+ "configure it again, or run without " + AotDetector.AOT_ENABLED + "=true.",
				null);
	}

}
