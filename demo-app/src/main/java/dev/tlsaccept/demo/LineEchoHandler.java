package dev.tlsaccept.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.tlsaccept.server.TlsChannel;
import dev.tlsaccept.server.TlsChannelHandler;

/**
 * Answers each line with {@code echo: <line>}; the line {@code quit} (or the peer
 * closing) ends the connection with close_notify. Event-driven: an idle connection holds
 * no thread, and the handler only does quick work on the selector thread (it never
 * blocks).
 */
class LineEchoHandler implements TlsChannelHandler {

	/**
	 * A line longer than this closes the connection: a peer cannot make us buffer without
	 * bound.
	 */
	static final int MAX_LINE = 8 * 1024;

	@Override
	public void opened(TlsChannel channel) {
		channel.attach(new ByteArrayOutputStream());
	}

	@Override
	public void received(TlsChannel channel, ByteBuffer data) {
		ByteArrayOutputStream line = (ByteArrayOutputStream) channel.attachment();
		while (data.hasRemaining() && channel.isOpen()) {
			byte next = data.get();
			if (next != '\n') {
				line.write(next);
				if (line.size() > MAX_LINE) {
					channel.close();
				}
				continue;
			}
			String text = line.toString(StandardCharsets.UTF_8);
			line.reset();
			if (text.endsWith("\r")) {
				text = text.substring(0, text.length() - 1);
			}
			if (text.equals("quit")) {
				channel.close();
				return;
			}
			if (!channel.write(ByteBuffer.wrap(("echo: " + text + "\n").getBytes(StandardCharsets.UTF_8)))) {
				// the peer reads slower than it writes: stop reading until our answers
				// drained
				channel.pauseReading();
			}
		}
	}

	@Override
	public void writable(TlsChannel channel) {
		channel.resumeReading();
	}

}
