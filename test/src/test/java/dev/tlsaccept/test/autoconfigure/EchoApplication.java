package dev.tlsaccept.test.autoconfigure;

import dev.tlsaccept.server.TlsConnectionHandler;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A user's application as the Spring Boot Test support sees it: listeners configured by
 * the test's properties, each connection served by a line echo.
 */
@SpringBootApplication
class EchoApplication {

	@Bean
	TlsConnectionHandler echo() {
		return (connection) -> connection.inputStream().transferTo(connection.outputStream());
	}

}
