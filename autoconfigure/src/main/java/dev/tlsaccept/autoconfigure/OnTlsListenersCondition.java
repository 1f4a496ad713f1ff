package dev.tlsaccept.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tlsaccept.autoconfigure.TlsAcceptProperties.Listener;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code tlsaccept.listeners} names at least one enabled listener.
 */
class OnTlsListenersCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("TLS listeners");
		Map<String, Listener> listeners = enabledListeners(context.getEnvironment());
		if (listeners.isEmpty()) {
			return ConditionOutcome.noMatch(message.didNotFind("enabled listener under tlsaccept.listeners").atAll());
		}
		return ConditionOutcome.match(message.foundExactly(String.join(", ", listeners.keySet())));
	}

	/**
	 * The enabled listeners, bound from the environment, in configuration order.
	 * @param environment the environment
	 * @return listeners by name
	 */
	static Map<String, Listener> enabledListeners(Environment environment) {
		Map<String, Listener> all = Binder.get(environment)
			.bind(TlsAcceptProperties.PREFIX + ".listeners", Bindable.mapOf(String.class, Listener.class))
			.orElseGet(Map::of);
		Map<String, Listener> enabled = new LinkedHashMap<>();
		all.forEach((name, listener) -> {
			if (listener.isEnabled()) {
				enabled.put(name, listener);
			}
		});
		return enabled;
	}

}
