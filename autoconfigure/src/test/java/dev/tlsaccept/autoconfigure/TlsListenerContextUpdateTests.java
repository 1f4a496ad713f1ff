package dev.tlsaccept.autoconfigure;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tlsaccept.engine.TlsConfig;
import dev.tlsaccept.engine.TlsServerContext;
import dev.tlsaccept.keys.KeyMaterial;
import dev.tlsaccept.keys.SelfSignedCertificate;
import dev.tlsaccept.server.HandshakeObserver;
import dev.tlsaccept.server.TlsServer;
import dev.tlsaccept.server.TlsServerSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Key material updates of a {@link TlsListener} (bundle-reload callbacks) are serialized:
 * built and swapped in one at a time, the last one built wins, every replaced context is
 * closed, and none is applied once the listener is destroyed.
 */
class TlsListenerContextUpdateTests {

	private static final KeyMaterial KEYS = SelfSignedCertificate.generate();

	@Test
	void concurrentUpdatesAreSerializedAndEveryReplacedContextIsClosed() throws Exception {
		TlsServerContext first = context();
		TlsListener listener = listener(first);
		int threads = 4;
		int updatesPerThread = 10;
		AtomicInteger building = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Queue<TlsServerContext> built = new ConcurrentLinkedQueue<>();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> callbacks = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread callback = new Thread(() -> {
				try {
					start.await();
					for (int i = 0; i < updatesPerThread; i++) {
						listener.updateContext("server", Clock.systemUTC(), () -> {
							mostAtOnce.accumulateAndGet(building.incrementAndGet(), Math::max);
							try {
								TlsServerContext context = context();
								built.add(context);
								return context;
							}
							finally {
								building.decrementAndGet();
							}
						});
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "bundle-reload-" + t);
			callback.setDaemon(true);
			callbacks.add(callback);
			callback.start();
		}
		start.countDown();
		for (Thread callback : callbacks) {
			callback.join(30_000);
			assertThat(callback.isAlive()).isFalse();
		}
		assertThat(failures).isEmpty();
		assertThat(mostAtOnce).as("contexts built at once").hasValue(1);
		List<TlsServerContext> contexts = new ArrayList<>(built);
		assertThat(contexts).hasSize(threads * updatesPerThread);
		TlsServerContext last = contexts.get(contexts.size() - 1);
		assertThat(listener.getContext()).as("the last context built").isSameAs(last);
		assertThat(first.isClosed()).isTrue();
		assertThat(contexts.subList(0, contexts.size() - 1)).allMatch(TlsServerContext::isClosed);
		assertThat(last.isClosed()).isFalse();
		listener.destroy();
		assertThat(last.isClosed()).isTrue();
	}

	@Test
	void failedUpdateKeepsTheCurrentContextAndUpdatesAfterDestroyAreIgnored() throws Exception {
		TlsServerContext first = context();
		TlsListener listener = listener(first);
		assertThatIllegalStateException().isThrownBy(() -> listener.updateContext("server", Clock.systemUTC(), () -> {
			throw new IllegalStateException("bundle cannot be used");
		}));
		assertThat(listener.getContext()).isSameAs(first);
		assertThat(first.isClosed()).isFalse();
		assertThat(listener.getLastReload()).satisfies((reload) -> {
			assertThat(reload.outcome()).isEqualTo(TlsListener.KeyMaterialReload.Outcome.FAILED);
			assertThat(reload.sslBundle()).isEqualTo("server");
			assertThat(reload.error()).isEqualTo("bundle cannot be used");
		});
		listener.destroy();
		assertThat(first.isClosed()).isTrue();
		AtomicInteger builds = new AtomicInteger();
		listener.updateContext("server", Clock.systemUTC(), () -> {
			builds.incrementAndGet();
			return context();
		});
		assertThat(builds).hasValue(0);
		assertThat(listener.getContext()).isSameAs(first);
	}

	private static TlsListener listener(TlsServerContext context) throws Exception {
		TlsServerSettings settings = TlsServerSettings.builder("edge")
			.address(InetAddress.getLoopbackAddress())
			.build();
		return new TlsListener("edge", context,
				(current) -> new TlsServer(settings, current, HandshakeObserver.NONE, null), "test key material", null,
				(event) -> {
				}, null, null, null);
	}

	private static TlsServerContext context() {
		return TlsServerContext.create(TlsConfig.builder(KEYS).engine("openssl").build());
	}

}
