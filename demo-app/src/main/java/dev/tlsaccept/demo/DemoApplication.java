package dev.tlsaccept.demo;

import dev.tlsaccept.server.TlsConnectionHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The tlsaccept demo: a TLS listener on 8443 (see {@code application.yml}) whose established
 * connections are served by a {@link LineEchoHandler}, and Actuator on 8080. Try it with
 * {@code openssl s_client -connect 127.0.0.1:8443 -quiet}.
 */
@SpringBootApplication
public class DemoApplication {

	@Bean
	TlsConnectionHandler lineEchoHandler() {
		return new LineEchoHandler();
	}

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
