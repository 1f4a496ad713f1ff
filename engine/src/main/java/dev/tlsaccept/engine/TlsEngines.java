package dev.tlsaccept.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds {@link TlsEngine engines} by name: {@code jdk} always, others through
 * {@link ServiceLoader} ({@code META-INF/services/dev.tlsaccept.engine.TlsEngine}).
 */
public final class TlsEngines {

	private TlsEngines() {
	}

	/**
	 * The engine of that name.
	 * @param name an engine name, e.g. {@code jdk}
	 * @return the engine, which may still report an
	 * {@link TlsEngine#unavailabilityReason()}
	 * @throws IllegalArgumentException when no engine has that name, listing those that
	 * exist
	 */
	public static TlsEngine get(String name) {
		TlsEngine engine = all(TlsEngines.class.getClassLoader()).get(name);
		if (engine == null) {
			throw new TlsConfigException(TlsConfigException.Setting.ENGINE,
					"Unknown TLS engine '" + name + "': use one of " + String.join(", ", names()));
		}
		return engine;
	}

	/**
	 * The names of the engines on the class path.
	 * @return engine names, {@code jdk} first
	 */
	public static List<String> names() {
		return new ArrayList<>(all(TlsEngines.class.getClassLoader()).keySet());
	}

	static Map<String, TlsEngine> all(ClassLoader classLoader) {
		Map<String, TlsEngine> engines = new LinkedHashMap<>();
		JdkTlsEngine jdk = new JdkTlsEngine();
		engines.put(jdk.name(), jdk);
		Iterator<TlsEngine> loader = ServiceLoader.load(TlsEngine.class, classLoader).iterator();
		while (true) {
			try {
				if (!loader.hasNext()) {
					break;
				}
				TlsEngine engine = loader.next();
				engines.putIfAbsent(engine.name(), engine);
			}
			catch (ServiceConfigurationError | LinkageError ex) {
				// an engine whose dependencies are absent (e.g. bctls): it is simply not
				// offered
			}
		}
		return engines;
	}

}
