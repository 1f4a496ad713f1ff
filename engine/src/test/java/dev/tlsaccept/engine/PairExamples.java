package dev.tlsaccept.engine;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The README's pair-mode example, compiled and run by {@link PairExamplesTests}: the region
 * between the tag markers is what the README shows.
 */
final class PairExamples {

	private PairExamples() {
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
					fromPeer = transport.receive(); // at the transport's end of stream: pair.endOfInput()
				}
				pair.writeFromNetwork(fromPeer);
			}
		}
		while (result.error().isRetryable());
		// end::pair[]
		return result;
	}

}
