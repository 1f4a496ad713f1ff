package dev.tlsaccept.autoconfigure;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;

import dev.tlsaccept.server.CloseReason;
import dev.tlsaccept.server.TlsChannel;
import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The handler examples of the README, compiled and run by {@link HandlerExamplesTests}:
 * the text between the {@code tag::} markers is what the README shows.
 */
final class HandlerExamples {

	private HandlerExamples() {
	}

	// tag::event-driven[]
	@Configuration(proxyBeanMethods = false)
	static class DeviceGatewayConfiguration {

		@Bean
		TlsChannelHandler deviceGateway() {
			return new TlsChannelHandler() {

				@Override
				public void opened(TlsChannel channel) {
					// this connection's partial line
					channel.attach(new ByteArrayOutputStream());
					if (channel.handshake().peerCertificates().isEmpty()) {
						// anonymous devices: shorter leash
						channel.setIdleTimeout(Duration.ofMinutes(2));
					}
				}

				@Override
				public void received(TlsChannel channel, ByteBuffer data) {
					ByteArrayOutputStream line = (ByteArrayOutputStream) channel.attachment();
					while (data.hasRemaining()) {
						byte next = data.get();
						if (next != '\n') {
							line.write(next);
							continue;
						}
						String reading = line.toString(StandardCharsets.UTF_8);
						line.reset();
						if (!channel
							.write(ByteBuffer.wrap(("ack " + reading + "\n").getBytes(StandardCharsets.UTF_8)))) {
							// the device reads slower than it writes
							channel.pauseReading();
						}
					}
				}

				@Override
				public void writable(TlsChannel channel) {
					channel.resumeReading();
				}

				@Override
				public void closed(TlsChannel channel, CloseReason reason) {
					// PEER_CLOSED, PEER_EOF, RESET, TLS_FAILURE, IDLE_TIMEOUT,
					// LIFETIME_EXPIRED, ...
				}

			};
		}

	}
	// end::event-driven[]

	// tag::offloaded[]
	@Configuration(proxyBeanMethods = false)
	static class LookupConfiguration {

		@Bean
		TlsChannelHandler lookup(Executor applicationTaskExecutor) {
			TlsChannelHandler blockingWork = (channel, data) -> {
				String key = StandardCharsets.UTF_8.decode(data).toString().trim();
				// may block: this runs on the executor, not on a selector thread
				String value = slowLookup(key);
				channel.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8)));
			};
			return TlsChannelHandler.offloaded(applicationTaskExecutor, blockingWork);
		}

	}
	// end::offloaded[]

	// tag::blocking-streams[]
	@Configuration(proxyBeanMethods = false)
	static class GreeterConfiguration {

		@Bean
		TlsConnectionHandler greeter() {
			return (connection) -> {
				BufferedReader in = new BufferedReader(
						new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
				String name = in.readLine();
				connection.outputStream()
					.write(("hello " + name + " over " + connection.handshake().protocol() + "\n")
						.getBytes(StandardCharsets.UTF_8));
			};
		}

	}
	// end::blocking-streams[]

	static String slowLookup(String key) {
		return "value of " + key;
	}

}
