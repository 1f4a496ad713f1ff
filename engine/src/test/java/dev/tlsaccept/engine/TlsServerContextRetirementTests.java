package dev.tlsaccept.engine;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Retiring a {@link TlsServerContext} while handshakes still use it (a rotation): a
 * context captured before {@link TlsServerContext#close()} stays usable until its last
 * acceptor is released, then its engine context is closed exactly once.
 */
class TlsServerContextRetirementTests {

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "bouncy-castle", "openssl" })
	void contextCapturedBeforeCloseStaysUsableUntilItsLastAcceptorIsReleasedThenClosesOnce(String engine)
			throws Exception {
		CountingEngine counting = new CountingEngine(engine);
		TlsServerContext context = TlsServerContext.create(config(engine), counting);
		// a server picks the context for a connection it handshakes later, on another
		// thread
		assertThat(context.tryRetain()).isTrue();
		// a rotation retires it meanwhile
		context.close();
		assertThat(context.isClosed()).isFalse();
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		// the acceptor holds its own reference: the server gives its back
		context.release();
		assertThat(context.isClosed()).isFalse();
		assertThat(counting.closes).hasValue(0);
		AcceptResult result = PairHandshakeTests.drive(acceptor, pair, EnginePairTests.client("TLSv1.3"));
		assertThat(result.code()).as("%s", result).isEqualTo(1);
		assertThat(counting.closes).hasValue(0);
		acceptor.close();
		assertThat(context.isClosed()).isTrue();
		assertThat(counting.closes).hasValue(1);
		// idempotent, and nothing more can be made from it
		context.close();
		acceptor.close();
		assertThat(counting.closes).hasValue(1);
		assertThat(context.tryRetain()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> context.newPairAcceptor(BioPair.create(), null))
			.withMessageContaining("is closed")
			.withMessageContaining("the context that replaced it");
		assertThat(counting.closes).hasValue(1);
	}

	@Test
	void contextWithoutAcceptorsClosesAtOnce() throws Exception {
		CountingEngine counting = new CountingEngine("openssl");
		TlsServerContext context = TlsServerContext.create(config("openssl"), counting);
		assertThat(context.isClosed()).isFalse();
		context.close();
		assertThat(context.isClosed()).isTrue();
		assertThat(counting.closes).hasValue(1);
	}

	@Test
	void acceptorsOfSeveralHandshakesKeepTheContextOpenUntilTheLastIsClosed() throws Exception {
		CountingEngine counting = new CountingEngine("openssl");
		TlsServerContext context = TlsServerContext.create(config("openssl"), counting);
		TlsAcceptor first = context.newPairAcceptor(BioPair.create(), null);
		TlsAcceptor second = context.newPairAcceptor(BioPair.create(), null);
		context.close();
		first.close();
		assertThat(context.isClosed()).isFalse();
		assertThat(counting.closes).hasValue(0);
		second.close();
		assertThat(context.isClosed()).isTrue();
		assertThat(counting.closes).hasValue(1);
	}

	@Test
	void releaseWithoutRetainFailsAndKeepsTheCount() throws Exception {
		CountingEngine counting = new CountingEngine("jdk");
		TlsServerContext context = TlsServerContext.create(config("jdk"), counting);
		context.close();
		assertThatIllegalStateException().isThrownBy(context::release)
			.withMessageContaining("released more often than retained");
		assertThat(context.isClosed()).isTrue();
		assertThat(context.tryRetain()).isFalse();
		assertThat(counting.closes).hasValue(1);
	}

	@Test
	void rotationRacingWithCapturesNeverFailsACapturedHandshakeAndClosesTheOldContextOnce() throws Exception {
		CountingEngine counting = new CountingEngine("openssl");
		TlsServerContext old = TlsServerContext.create(config("openssl"), counting);
		TlsServerContext replacement = TlsServerContext.create(config("openssl"));
		AtomicReference<TlsServerContext> current = new AtomicReference<>(old);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger handshakes = new AtomicInteger();
		AtomicInteger retries = new AtomicInteger();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread worker = new Thread(() -> {
				while (running.get()) {
					// as a server does: capture the current context, make the acceptor
					// later
					TlsServerContext captured = current.get();
					if (!captured.tryRetain()) {
						retries.incrementAndGet();
						continue;
					}
					try {
						TlsAcceptor acceptor = captured.newPairAcceptor(BioPair.create(), null);
						captured.release();
						// the engine is used after the capture was given back
						acceptor.accept();
						acceptor.close();
						handshakes.incrementAndGet();
					}
					catch (Throwable ex) {
						failures.add(ex);
						return;
					}
				}
			}, "retirement-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		try {
			awaitAtLeast(handshakes, 200);
			current.set(replacement);
			old.close();
			awaitAtLeast(handshakes, handshakes.get() + 200);
		}
		finally {
			running.set(false);
			for (Thread worker : workers) {
				worker.join(10_000);
			}
		}
		assertThat(workers).noneMatch(Thread::isAlive);
		assertThat(failures).isEmpty();
		assertThat(old.isClosed()).as("old context closed once its last acceptor was released").isTrue();
		assertThat(counting.closes).hasValue(1);
		assertThat(replacement.isClosed()).isFalse();
		replacement.close();
		assertThat(replacement.isClosed()).isTrue();
		System.out.printf("retirement race: %d acceptors, %d captures retried on the replacement%n", handshakes.get(),
				retries.get());
	}

	private static void awaitAtLeast(AtomicInteger count, int target) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (count.get() < target) {
			assertThat(System.nanoTime() - deadline).as("waiting for %d acceptors, have %d", target, count.get())
				.isNegative();
			Thread.onSpinWait();
		}
	}

	private static TlsConfig config(String engine) {
		return TlsConfig.builder(EnginePairTests.KEY).engine(engine).build();
	}

	/** An engine whose contexts count how often they are closed. */
	private static final class CountingEngine implements TlsEngine {

		private final TlsEngine engine;

		final AtomicInteger closes = new AtomicInteger();

		CountingEngine(String name) {
			this.engine = TlsEngines.get(name);
		}

		@Override
		public String name() {
			return this.engine.name();
		}

		@Override
		public TlsEngineContext createContext(TlsConfig config) throws GeneralSecurityException {
			TlsEngineContext delegate = this.engine.createContext(config);
			return new TlsEngineContext() {

				@Override
				public String provider() {
					return delegate.provider();
				}

				@Override
				public SSLEngine newEngine(@Nullable InetSocketAddress peer) {
					return delegate.newEngine(peer);
				}

				@Override
				public void release(SSLEngine engine) {
					delegate.release(engine);
				}

				@Override
				public List<String> enabledProtocols() {
					return delegate.enabledProtocols();
				}

				@Override
				public List<String> enabledCipherSuites() {
					return delegate.enabledCipherSuites();
				}

				@Override
				public void close() {
					CountingEngine.this.closes.incrementAndGet();
					delegate.close();
				}

			};
		}

	}

}
