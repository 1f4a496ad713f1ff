package dev.tlsaccept.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Registers one {@link TlsListener} bean per enabled entry of
 * {@code tlsaccept.listeners}, named {@link TlsListener#beanName(String)}, created by the
 * {@link TlsListenerFactory}.
 */
class TlsListenerBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		Assert.state(this.environment != null, "Environment has not been set");
		OnTlsListenersCondition.enabledListeners(this.environment).keySet().forEach((name) -> {
			String beanName = TlsListener.beanName(name);
			if (!registry.containsBeanDefinition(beanName)) {
				RootBeanDefinition definition = new RootBeanDefinition(TlsListener.class);
				definition.setFactoryBeanName(TlsListenerFactory.BEAN_NAME);
				definition.setFactoryMethodName("create");
				definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
				registry.registerBeanDefinition(beanName, definition);
			}
		});
	}

}
