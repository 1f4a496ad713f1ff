package dev.tlsaccept.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLSocket;

import dev.tlsaccept.engine.BioMode;
import dev.tlsaccept.engine.ClientAuth;
import dev.tlsaccept.record.HandshakeRecord;
import dev.tlsaccept.record.HandshakeRepository;
import dev.tlsaccept.record.InMemoryHandshakeRepository;
import dev.tlsaccept.server.HandshakeEvent;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsChannelHandler;
import dev.tlsaccept.server.TlsConnectionHandler;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class TlsAcceptAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class))
		.withPropertyValues("tlsaccept.listeners.edge.shutdown-timeout=1s");

	private final ApplicationContextRunner noListenerRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class));

	@Test
	void autoConfigurationBacksOffWhenNoListenerConfigured() {
		this.noListenerRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TlsListener.class);
			assertThat(context).doesNotHaveBean(TlsListenerFactory.class);
			assertThat(context).hasSingleBean(HandshakeRepository.class);
			assertThat(context.getBean(TlsListeners.class).all()).isEmpty();
			assertThat(tlsacceptThreads()).isEmpty();
		});
	}

	@Test
	void autoConfigurationBacksOffWhenEveryListenerIsDisabled() {
		this.noListenerRunner.withPropertyValues("tlsaccept.listeners.edge.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TlsListener.class);
		});
	}

	@Test
	void disabledListenerIsNotCreatedBesideAnEnabledOne() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.off.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(TlsListener.class))
				.containsOnlyKeys("tlsListener.edge"));
	}

	@Test
	void propertiesBindNamesEnumsListsAndDurations() {
		new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class)
			.withPropertyValues("tlsaccept.listeners.edge.bio-mode=non-blocking",
					"tlsaccept.listeners.edge.handshake-timeout=250ms", "tlsaccept.listeners.edge.shutdown-timeout=2m",
					"tlsaccept.listeners.edge.client-auth=want", "tlsaccept.listeners.edge.protocols=TLSv1.3",
					"tlsaccept.listeners.edge.application-protocols=h2,http/1.1",
					"tlsaccept.listeners.edge.key-store.private-key-password=s3cret",
					"tlsaccept.listeners.raw.bio-mode=PAIR", "tlsaccept.listeners.raw.max-connections=7",
					"tlsaccept.listeners.raw.max-pending-handshakes=3", "tlsaccept.handshakes.capacity=42")
			.run((context) -> {
				TlsAcceptProperties properties = context.getBean(TlsAcceptProperties.class);
				assertThat(properties.getListeners()).containsOnlyKeys("edge", "raw");
				TlsAcceptProperties.Listener edge = properties.getListeners().get("edge");
				assertThat(edge.getBioMode()).isEqualTo(TlsAcceptProperties.BioMode.NON_BLOCKING);
				assertThat(edge.getBioMode().toEngineMode()).isEqualTo(BioMode.NON_BLOCKING);
				assertThat(edge.getHandshakeTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(edge.getShutdownTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(edge.getClientAuth().toEngineClientAuth()).isEqualTo(ClientAuth.WANT);
				assertThat(edge.getProtocols()).containsExactly("TLSv1.3");
				assertThat(edge.getApplicationProtocols()).containsExactly("h2", "http/1.1");
				assertThat(edge.getKeyStore().getPrivateKeyPassword()).isEqualTo("s3cret");
				assertThat(edge.getPort()).isEqualTo(8443);
				assertThat(edge.getEngine()).isEqualTo("jdk");
				TlsAcceptProperties.Listener raw = properties.getListeners().get("raw");
				assertThat(raw.getBioMode().toEngineMode()).isEqualTo(BioMode.PAIR);
				assertThat(raw.getMaxConnections()).isEqualTo(7);
				assertThat(raw.getMaxPendingHandshakes()).isEqualTo(3);
				assertThat(raw.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(raw.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getHandshakes().getCapacity()).isEqualTo(42);
			});
	}

	@Test
	void handshakeRepositoryHasTheConfiguredCapacity() {
		this.noListenerRunner.withPropertyValues("tlsaccept.handshakes.capacity=7")
			.run((context) -> assertThat(context.getBean(InMemoryHandshakeRepository.class).capacity()).isEqualTo(7));
	}

	@Test
	void userHandshakeRepositoryReplacesTheInMemoryOne() {
		this.noListenerRunner
			.withBean("myRepository", HandshakeRepository.class, () -> new InMemoryHandshakeRepository(3))
			.run((context) -> assertThat(context).hasSingleBean(HandshakeRepository.class).hasBean("myRepository"));
	}

	@Test
	void twoNamedListenersStartOnEphemeralPortsAndPublishTheirPorts(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(StartedEvents.class)
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.admin.port=0",
					"tlsaccept.listeners.admin.bio-mode=blocking", "tlsaccept.listeners.admin.shutdown-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TlsListeners listeners = context.getBean(TlsListeners.class);
				assertThat(listeners.all()).extracting(TlsListener::getName).containsExactly("edge", "admin");
				TlsListener edge = listeners.get("edge").orElseThrow();
				TlsListener admin = listeners.get("admin").orElseThrow();
				assertThat(edge.getState()).isEqualTo(TlsServer.State.RUNNING);
				assertThat(admin.getState()).isEqualTo(TlsServer.State.RUNNING);
				assertThat(edge.getPort()).isPositive().isNotEqualTo(admin.getPort());
				assertThat(edge.getKeySource()).contains("self-signed");
				assertThat(admin.getServer().settings().bioMode()).isEqualTo(BioMode.BLOCKING);
				assertThat(context.getEnvironment().getProperty("local.tlsaccept.edge.port", Integer.class))
					.isEqualTo(edge.getPort());
				assertThat(context.getEnvironment().getProperty("local.tlsaccept.admin.port", Integer.class))
					.isEqualTo(admin.getPort());
				assertThat(context.getBean(StartedEvents.class).events)
					.extracting(TlsListenerStartedEvent::getListenerName, TlsListenerStartedEvent::getPort)
					.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("edge", edge.getPort()),
							org.assertj.core.groups.Tuple.tuple("admin", admin.getPort()));
				try (SSLSocket socket = TestTls.connect(edge.getPort(), "TLSv1.3")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
				try (SSLSocket socket = TestTls.connect(admin.getPort(), "TLSv1.2")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
				}
				HandshakeRepository repository = context.getBean(HandshakeRepository.class);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(repository.findAll()).extracting(HandshakeRecord::listener)
						.contains("edge", "admin"));
			});
		assertThat(output).containsOnlyOnce("TLS listener 'edge' started on 0.0.0.0:");
		assertThat(output).contains("(engine jdk, non-blocking, TLSv1.3/TLSv1.2)");
		assertThat(output).containsOnlyOnce("TLS listener 'admin' started on 0.0.0.0:");
		assertThat(output).contains("TLS listener 'edge' has no key material configured: it uses a self-signed");
	}

	@Test
	void listenerStopsAndReleasesItsThreadsWhenTheContextCloses() {
		TlsListener[] listener = new TlsListener[1];
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0").run((context) -> {
			listener[0] = context.getBean(TlsListener.class);
			assertThat(listener[0].isRunning()).isTrue();
			assertThat(tlsacceptThreads()).isNotEmpty();
		});
		assertThat(listener[0].getState()).isEqualTo(TlsServer.State.STOPPED);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tlsacceptThreads()).isEmpty());
	}

	@Test
	void closeDrainsEstablishedConnectionsUpToTheShutdownTimeoutThenClosesThem() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.shutdown-timeout=2s")
			.withBean(TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run((context) -> {
				TlsListener listener = context.getBean(TlsListener.class);
				int port = listener.getPort();
				try (SSLSocket socket = TestTls.connect(port, "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "before")).isEqualTo("echo: before");
					Thread closer = new Thread(context::close, "test-close");
					closer.start();
					await().atMost(Duration.ofSeconds(5)).until(() -> listener.getState() == TlsServer.State.STOPPING);
					assertThat(TestTls.exchange(socket, "draining")).isEqualTo("echo: draining");
					assertThatNewConnectionsAreRefused(port);
					long start = System.nanoTime();
					assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()))
						.readLine()).as("closed after the shutdown timeout").isNull();
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
					closer.join(10_000);
					assertThat(closer.isAlive()).isFalse();
				}
				assertThat(listener.getState()).isEqualTo(TlsServer.State.STOPPED);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tlsacceptThreads()).isEmpty());
			});
	}

	private static void assertThatNewConnectionsAreRefused(int port) {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(2000);
			assertThat(socket.getInputStream().read()).as("a connection during shutdown is not served").isEqualTo(-1);
		}
		catch (java.io.IOException ex) {
			// refused or reset: not accepted
		}
	}

	@Test
	void handshakesAreRecordedWithTheClockAndReportedToObserverBeans() {
		Instant now = Instant.parse("2030-01-02T03:04:05Z");
		List<HandshakeEvent> observed = new CopyOnWriteArrayList<>();
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0")
			.withBean(Clock.class, () -> Clock.fixed(now, ZoneOffset.UTC))
			.withBean(HandshakeObserver.class, () -> observed::add)
			.run((context) -> {
				int port = context.getBean(TlsListener.class).getPort();
				TestTls.connect(port, "TLSv1.3").close();
				HandshakeRepository repository = context.getBean(HandshakeRepository.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> !repository.findAll().isEmpty() && !observed.isEmpty());
				HandshakeRecord record = repository.findAll().get(0);
				assertThat(record.time()).isEqualTo(now);
				assertThat(record.listener()).isEqualTo("edge");
				assertThat(record.engine()).isEqualTo("jdk");
				assertThat(record.bioMode()).isEqualTo(BioMode.NON_BLOCKING);
				assertThat(record.result().isSuccess()).isTrue();
				assertThat(repository.findById(record.id())).contains(record);
				assertThat(observed.get(0).listener()).isEqualTo("edge");
			});
	}

	@Test
	void customizersAreAppliedInOrder() {
		this.contextRunner.withUserConfiguration(Customizers.class)
			.withPropertyValues("tlsaccept.listeners.edge.port=0")
			.run((context) -> {
				assertThat(context.getBean(Customizers.class).calls).containsExactly("first:edge", "second:edge");
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getContext().config().protocols()).containsExactly("TLSv1.2");
				assertThat(listener.getContext().enabledProtocols()).containsExactly("TLSv1.2");
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.2")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
				}
			});
	}

	@Test
	void singleHandlerBeanServesEveryListener() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0")
			.withBean(TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run((context) -> {
				try (SSLSocket socket = TestTls.connect(context.getBean(TlsListener.class).getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "hello")).isEqualTo("echo: hello");
				}
			});
	}

	@Test
	void eventDrivenHandlerBeanServesTheListenerWithIdleTimeoutAndLifetimeFromProperties() {
		TlsChannelHandler echo = (channel, data) -> {
			channel.write(ByteBuffer.wrap("events: ".getBytes(StandardCharsets.UTF_8)));
			channel.write(data);
		};
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.idle-timeout=45s",
					"tlsaccept.listeners.edge.max-lifetime=2h")
			.withBean(TlsChannelHandler.class, () -> echo)
			.run((context) -> {
				TlsListener listener = context.getBean(TlsListener.class);
				assertThat(listener.getServer().settings().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(listener.getServer().settings().maxLifetime()).isEqualTo(Duration.ofHours(2));
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "hi")).isEqualTo("events: hi");
				}
			});
	}

	@Test
	void handlerPropertySelectsAmongSeveralHandlerBeans() {
		this.contextRunner
			.withPropertyValues("tlsaccept.listeners.edge.port=0", "tlsaccept.listeners.edge.handler=second",
					"tlsaccept.listeners.other.port=0", "tlsaccept.listeners.other.handler=first",
					"tlsaccept.listeners.other.shutdown-timeout=1s")
			.withBean("first", TlsConnectionHandler.class, () -> new EchoHandler("first"))
			.withBean("second", TlsConnectionHandler.class, () -> new EchoHandler("second"))
			.run((context) -> {
				TlsListeners listeners = context.getBean(TlsListeners.class);
				try (SSLSocket socket = TestTls.connect(listeners.get("edge").orElseThrow().getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "x")).isEqualTo("second: x");
				}
				try (SSLSocket socket = TestTls.connect(listeners.get("other").orElseThrow().getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "y")).isEqualTo("first: y");
				}
			});
	}

	@Test
	void primaryHandlerIsUsedWhenSeveralExistAndNoneIsSelected() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0")
			.withUserConfiguration(PrimaryHandler.class)
			.run((context) -> {
				try (SSLSocket socket = TestTls.connect(context.getBean(TlsListener.class).getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "z")).isEqualTo("primary: z");
				}
			});
	}

	@Test
	void listenerStartsAgainAfterTheContextIsStopped() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0").run((context) -> {
			TlsListener listener = context.getBean(TlsListener.class);
			TlsServer first = listener.getServer();
			context.stop();
			assertThat(listener.isRunning()).isFalse();
			assertThat(first.state()).isEqualTo(TlsServer.State.STOPPED);
			context.start();
			assertThat(listener.isRunning()).isTrue();
			assertThat(listener.getServer()).isNotSameAs(first);
			try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
				assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
			}
			assertThat(context.getEnvironment().getProperty("local.tlsaccept.edge.port", Integer.class))
				.isEqualTo(listener.getPort());
		});
	}

	@Test
	void stoppingListenerLogsOneInfoLine(CapturedOutput output) {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0").run((context) -> {
			context.stop();
			assertThat(output).containsPattern("INFO .*TLS listener 'edge' stopped in \\d+ ms: no connection to drain");
		});
	}

	@Test
	void stoppedMessageSaysWhetherConnectionsDrainedOrWereClosed() {
		TlsServerStats two = new TlsServerStats(2, 1, 0, 0, 0, 0, 0);
		assertThat(TlsListener.stoppedMessage("edge", two, Duration.ofMillis(40), Duration.ofSeconds(30)))
			.isEqualTo("TLS listener 'edge' stopped in 40 ms: 2 connections drained, 1 pending handshake");
		assertThat(TlsListener.stoppedMessage("edge", two, Duration.ofMillis(30_005), Duration.ofSeconds(30)))
			.isEqualTo("TLS listener 'edge' stopped in 30005 ms: 2 connections open when it stopped accepting;"
					+ " those still open after shutdown-timeout PT30S were closed, 1 pending handshake");
	}

	@Test
	void autoConfigurationWorksWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.withPropertyValues("tlsaccept.listeners.edge.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(SanitizingFunction.class);
				assertThat(context.getBean(TlsListener.class).isRunning()).isTrue();
			});
	}

	@Test
	void passwordKeysUnderTlsacceptAreRecognized() {
		assertThat(TlsAcceptAutoConfiguration.isPasswordKey("tlsaccept.listeners.edge.keyStore.keyPassword")).isTrue();
		assertThat(TlsAcceptAutoConfiguration.isPasswordKey("tlsaccept.listeners.edge.key-store.private-key-password"))
			.isTrue();
		assertThat(TlsAcceptAutoConfiguration.isPasswordKey("tlsaccept.listeners.edge.trust-store.password")).isTrue();
		assertThat(TlsAcceptAutoConfiguration.isPasswordKey("tlsaccept.listeners.edge.engine")).isFalse();
		assertThat(TlsAcceptAutoConfiguration.isPasswordKey("other.password")).isFalse();
	}

	@Test
	void virtualThreadsPropertyIsHonouredOnlyWhereTheJvmHasThem() {
		this.contextRunner.withPropertyValues("tlsaccept.listeners.edge.port=0", "spring.threads.virtual.enabled=true")
			.withBean(TlsConnectionHandler.class, () -> new EchoHandler("echo"))
			.run((context) -> {
				TlsListener listener = context.getBean(TlsListener.class);
				boolean virtual = Runtime.version().feature() >= 21;
				assertThat(listener.getServer().settings().workerExecutor() != null).isEqualTo(virtual);
				try (SSLSocket socket = TestTls.connect(listener.getPort(), "TLSv1.3")) {
					assertThat(TestTls.exchange(socket, "v")).isEqualTo("echo: v");
				}
			});
	}

	static List<Thread> tlsacceptThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("tlsaccept-") && thread.isAlive())
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(TlsAcceptProperties.class)
	static class PropertiesOnly {

	}

	@Configuration(proxyBeanMethods = false)
	static class StartedEvents implements ApplicationListener<TlsListenerStartedEvent> {

		final List<TlsListenerStartedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(TlsListenerStartedEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		TlsListenerCustomizer second() {
			return (name, builder) -> {
				this.calls.add("second:" + name);
				builder.protocols(List.of("TLSv1.2"));
			};
		}

		@Bean
		@Order(1)
		TlsListenerCustomizer first() {
			return (name, builder) -> {
				this.calls.add("first:" + name);
				builder.protocols(List.of("TLSv1.3", "TLSv1.2"));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryHandler {

		@Bean
		TlsConnectionHandler other() {
			return new EchoHandler("other");
		}

		@Bean
		@Primary
		TlsConnectionHandler primary() {
			return new EchoHandler("primary");
		}

	}

}
