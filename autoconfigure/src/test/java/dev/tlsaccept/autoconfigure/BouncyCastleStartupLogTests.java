package dev.tlsaccept.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot application with a {@code bouncy-castle} listener starts without BCJSSE's
 * two warnings about {@code jdk.certpath.disabledAlgorithms} (entries for TLS clients and
 * signed JARs, which BCJSSE cannot enforce and a TLS server does not need), as its log
 * shows.
 */
@ExtendWith(OutputCaptureExtension.class)
class BouncyCastleStartupLogTests {

	private static final String WARNING = "Ignoring unsupported entry in 'jdk.certpath.disabledAlgorithms'";

	@Test
	void bouncyCastleListenerStartsWithoutDisabledAlgorithmsWarnings(CapturedOutput output) throws Exception {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off",
				"--tlsaccept.listeners.edge.port=0", "--tlsaccept.listeners.edge.engine=bouncy-castle",
				"--tlsaccept.listeners.edge.shutdown-timeout=1s")) {
			TlsListener listener = context.getBean(TlsListener.class);
			try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
				assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
			}
			// BCJSSE reads the property once per JVM: an earlier test may have started
			// it,
			// so read it again as BCJSSE does, and once under another name, whose
			// warnings
			// prove that java.util.logging reaches this log
			bouncyCastleReads("jdk.certpath.disabledAlgorithms");
			bouncyCastleReads("tlsaccept.test.disabledAlgorithms");
		}
		assertThat(output.getAll()).contains("TLS listener 'edge' started")
			.contains("Ignoring unsupported entry in 'tlsaccept.test.disabledAlgorithms': SHA1 jdkCA & usage TLSServer")
			.doesNotContain(WARNING);
	}

	/**
	 * What BCJSSE 1.84 does once per JVM ({@code ProvAlgorithmConstraints}): parse a
	 * disabled-algorithms security property, the JDK's default when it is unset.
	 */
	private static void bouncyCastleReads(String property) throws Exception {
		Class<?> constraints = Class.forName("org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints");
		Class<?> decomposers = Class.forName("org.bouncycastle.jsse.provider.ProvAlgorithmDecomposer");
		Class<?> decomposer = Class.forName("org.bouncycastle.jsse.provider.AlgorithmDecomposer");
		Field x509 = decomposers.getDeclaredField("INSTANCE_X509");
		x509.setAccessible(true);
		Method create = constraints.getDeclaredMethod("create", decomposer, String.class, String.class);
		create.setAccessible(true);
		create.invoke(null, x509.get(null), property, "MD2, MD5, SHA1 jdkCA & usage TLSServer, RSA keySize < 1024");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class })
	static class TestApplication {

	}

}
