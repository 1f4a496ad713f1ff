package dev.tlsaccept.engine;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import dev.tlsaccept.keys.KeyMaterial;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The README's examples of the BIO modes, compiled and run by
 * {@link ReadmeExamplesTests}: the region between each pair of tag markers is what the
 * README shows.
 */
final class ReadmeExamples {

	private ReadmeExamples() {
	}

	static void greet(KeyMaterial keyMaterial, ServerSocket serverSocket) throws IOException {
		// tag::blocking[]
		TlsServerContext context = TlsServerContext.create(TlsConfig.builder(keyMaterial).build());
		try (Socket socket = serverSocket.accept(); TlsAcceptor acceptor = context.newBlockingAcceptor(socket)) {
			AcceptResult result = acceptor.accept(); // 1 NONE, or 0 / -1 with the reason
			if (result.isSuccess()) {
				acceptor.write(ByteBuffer.wrap("hello\n".getBytes(US_ASCII)));
				acceptor.shutdown(); // sends close_notify
			}
		}
		// end::blocking[]
		context.close();
	}

	static AcceptResult handshake(TlsServerContext context, SocketChannel channel, Selector selector)
			throws IOException {
		// tag::non-blocking[]
		channel.configureBlocking(false);
		TlsAcceptor acceptor = context.newNonBlockingAcceptor(channel);
		SelectionKey key = channel.register(selector, 0, acceptor);
		AcceptResult result = acceptor.accept();
		while (result.error().isRetryable()) {
			key.interestOps((result.error() == SslError.WANT_WRITE) ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
			long waitNanos = acceptor.deadlineNanos() - System.nanoTime();
			if (waitNanos <= 0) {
				// -1 SYSCALL, "handshake timed out"
				result = acceptor.timeOut();
			}
			else if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos))) > 0) {
				selector.selectedKeys().clear();
				// the key is ready: call again
				result = acceptor.accept();
			}
		}
		key.interestOps(0);
		// 1: acceptor.read(...) and write(...); 0 or -1: result.reason() says why
		// end::non-blocking[]
		return result;
	}

	/** Any transport: a socket, a message queue, a test's in-memory peer. */
	interface Transport {

		void send(ByteBuffer bytes) throws IOException;

		ByteBuffer receive() throws IOException;

	}

	static AcceptResult handshake(TlsServerContext context, Transport transport) throws IOException {
		// tag::pair[]
		BioPair pair = BioPair.create();
		TlsAcceptor acceptor = context.newPairAcceptor(pair, null);
		ByteBuffer fromPeer = ByteBuffer.allocate(0);
		AcceptResult result;
		do {
			result = acceptor.accept();
			// after every call, whatever it returned: on TLS 1.2 the call that returns 1
			// writes the server's last flight (ChangeCipherSpec, Finished)
			transport.send(pair.drainToNetwork());
			if (result.error() == SslError.WANT_READ) {
				if (!fromPeer.hasRemaining()) {
					// at the transport's end of stream: pair.endOfInput()
					fromPeer = transport.receive();
				}
				pair.writeFromNetwork(fromPeer);
			}
		}
		while (result.error().isRetryable());
		// end::pair[]
		return result;
	}

}
