package dev.tlsaccept.server;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What the application does with established TLS connections, event-driven: the
 * listener's selector threads call it when a connection opens, when decrypted bytes
 * arrive, when queued output drained below the low-water mark after a {@code false} from
 * {@link TlsChannel#write}, and once when the connection ends. An idle connection holds
 * no thread.
 *
 * <p>
 * <b>The rule: never block or compute long in a callback.</b> Callbacks run on a selector
 * thread that serves thousands of connections; a callback that waits (a database call, a
 * blocking queue, {@code Thread.sleep}) stalls them all. Work that may wait belongs on an
 * executor: wrap the handler with {@link #offloaded(Executor, TlsChannelHandler)}, which
 * runs every callback there, in order per connection, with its own copy of the received
 * bytes.
 *
 * <p>
 * Calls for one connection never overlap and come in order: {@code opened}, then
 * {@code received}/{@code writable} any number of times, then {@code closed} exactly
 * once. Served in {@code non-blocking} and {@code pair} modes; a {@code blocking}
 * listener needs a {@link TlsConnectionHandler}.
 *
 * <pre class="code">
 * TlsChannelHandler echo = (channel, data) -&gt; channel.write(data);
 * </pre>
 */
@FunctionalInterface
public interface TlsChannelHandler {

	/**
	 * The connection is established and registered; nothing was read yet.
	 * @param channel the connection
	 * @throws Exception any failure: logged, and the connection closed
	 * ({@link CloseReason#HANDLER_FAILED})
	 */
	default void opened(TlsChannel channel) throws Exception {
	}

	/**
	 * Decrypted bytes arrived ({@code SSL_read} returned them).
	 * @param channel the connection
	 * @param data the bytes, read-only and valid during this call only: copy what must
	 * outlive it
	 * @throws Exception any failure: logged, and the connection closed
	 * ({@link CloseReason#HANDLER_FAILED})
	 */
	void received(TlsChannel channel, ByteBuffer data) throws Exception;

	/**
	 * After {@link TlsChannel#write} returned {@code false}: queued output drained below
	 * {@link TlsChannel#LOW_WATER_MARK}, the application may write again.
	 * @param channel the connection
	 * @throws Exception any failure: logged, and the connection closed
	 * ({@link CloseReason#HANDLER_FAILED})
	 */
	default void writable(TlsChannel channel) throws Exception {
	}

	/**
	 * The connection ended; called exactly once, after which the channel refuses writes.
	 * @param channel the connection
	 * @param reason why it ended
	 */
	default void closed(TlsChannel channel, CloseReason reason) {
	}

	/**
	 * Run a handler's callbacks on an executor instead of the selector thread: in order
	 * and one at a time per connection, each {@code received} with its own copy of the
	 * bytes. Use it for handlers that block or compute (a virtual-thread executor fits
	 * well).
	 * <p>
	 * When the executor refuses a callback (it was shut down before the listener
	 * stopped), the connection is closed; {@code closed} is still called exactly once,
	 * then on the thread that saw the connection end.
	 * @param executor where the callbacks run; it must not run tasks on the calling
	 * thread
	 * @param handler the handler
	 * @return a handler that hops to the executor
	 */
	static TlsChannelHandler offloaded(Executor executor, TlsChannelHandler handler) {
		Objects.requireNonNull(executor, "executor must not be null");
		Objects.requireNonNull(handler, "handler must not be null");
		return new OffloadedChannelHandler(executor, handler);
	}

}
