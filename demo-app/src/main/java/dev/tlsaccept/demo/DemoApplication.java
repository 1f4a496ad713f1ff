package dev.tlsaccept.demo;

import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;

/**
 * The tlsaccept demo: a TLS listener on 8443 (see {@code application.yml}) whose
 * established connections are served by the event-driven {@link LineEchoHandler}, and
 * Actuator on 8080. Try it with {@code openssl s_client -connect 127.0.0.1:8443 -quiet}.
 * In {@code blocking} mode, where an event-driven handler cannot run, the same protocol
 * is served with blocking streams by {@link LineEchoStreamHandler}.
 */
@SpringBootApplication
public class DemoApplication {

	@Bean
	@ConditionalOnExpression("'${tlsaccept.listeners.demo.bio-mode:non-blocking}' != 'blocking'")
	TlsChannelHandler lineEchoHandler() {
		return new LineEchoHandler();
	}

	@Bean
	@ConditionalOnExpression("'${tlsaccept.listeners.demo.bio-mode:non-blocking}' == 'blocking'")
	TlsConnectionHandler lineEchoStreamHandler() {
		return new LineEchoStreamHandler();
	}

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
