package dev.tlsaccept.autoconfigure;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.server.ProxyProtocol;
import dev.tlsaccept.server.TlsServerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tlsaccept.listeners.<name>.proxy-protocol} and {@code trusted-proxies}: off by
 * default, bound to the listener's server, the real client in the records, and a missing
 * trusted proxy fails startup naming the property.
 */
class TlsListenerProxyProtocolTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.address=127.0.0.1",
				"tlsaccept.listeners.edge.shutdown-timeout=1s");

	@Test
	void proxyProtocolIsOffByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			TlsServerSettings settings = context.getBean(TlsListener.class).getServer().settings();
			assertThat(settings.proxyProtocol()).isEqualTo(ProxyProtocol.OFF);
			assertThat(settings.trustedProxies()).isEmpty();
		});
	}

	@Test
	void aClientBehindATrustedProxyIsThePeerOfItsRecordWithTheProxyBesideIt() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.proxy-protocol=required",
					"tlsaccept.listeners.edge.trusted-proxies=127.0.0.2,10.0.0.0/8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getServer().settings().trustedProxies()).containsExactly("127.0.0.2", "10.0.0.0/8");
				InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 56324);
				try (Socket raw = new Socket()) {
					raw.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
					raw.connect(new InetSocketAddress("127.0.0.1", listener.getServer().port()), 5_000);
					raw.setSoTimeout(10_000);
					OutputStream out = raw.getOutputStream();
					out.write(TestTls.proxyV2(client, new byte[0]));
					out.flush();
					SSLContext tls = SSLContext.getInstance("TLS");
					tls.init(null, new TrustManager[] { new TestTls.TrustAll() }, new SecureRandom());
					try (SSLSocket socket = (SSLSocket) tls.getSocketFactory()
						.createSocket(raw, "localhost", raw.getPort(), false)) {
						socket.setEnabledProtocols(new String[] { "TLSv1.3" });
						socket.startHandshake();
					}
					HandshakeRepository repository = context.getBean(HandshakeRepository.class);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> repository.findAll().stream().anyMatch((r) -> r.result().isSuccess()));
					HandshakeRecord record = repository.findAll().get(0);
					assertThat(record.peer()).isEqualTo(client);
					assertThat(record.proxy()).isEqualTo(raw.getLocalSocketAddress());
				}
			});
	}

	@Test
	void proxyProtocolWithoutTrustedProxiesFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.proxy-protocol=optional").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof TlsListenerStartupException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(TlsListenerStartupException.class);
			TlsListenerStartupException startup = (TlsListenerStartupException) failure;
			assertThat(startup.getProperty()).isEqualTo("tlsaccept.listeners.edge.trusted-proxies");
			assertThat(startup.getMessage()).isEqualTo("TLS listener 'edge' reads PROXY protocol headers "
					+ "(tlsaccept.listeners.edge.proxy-protocol=optional) but trusts no proxy to send them.");
		});
	}

	@Test
	void aHostNameInTrustedProxiesFailsStartupNamingTheEntry() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.proxy-protocol=required",
					"tlsaccept.listeners.edge.trusted-proxies=lb.example.com")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof TlsListenerStartupException)) {
					failure = failure.getCause();
				}
				assertThat(((TlsListenerStartupException) failure).getProperty())
					.isEqualTo("tlsaccept.listeners.edge.trusted-proxies[0]");
			});
	}

}
