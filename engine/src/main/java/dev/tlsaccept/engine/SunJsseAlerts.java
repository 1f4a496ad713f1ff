package dev.tlsaccept.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;

import org.jspecify.annotations.Nullable;

/**
 * The alert SunJSSE sent for a failure, from what it threw. SunJSSE 21+ starts its
 * messages with the alert's name; SunJSSE 17 does not, and encrypts its TLS 1.3 alerts,
 * so the alert is read off the failure: the record-protection exception in the cause
 * chain, else SunJSSE's own message looked up in {@code sunjsse-alerts.tsv} (each message
 * text with the alert SunJSSE raises it with, read from its sources).
 */
final class SunJsseAlerts {

	private static final String TABLE = "sunjsse-alerts.tsv";

	/** Longest text first: the most specific message wins. */
	private static final List<Entry> ENTRIES = load();

	private SunJsseAlerts() {
	}

	private record Entry(String messageStart, String alert) {

	}

	/**
	 * The alert SunJSSE sends for a failure during the handshake.
	 * @param failure SunJSSE's exception
	 * @return the alert sent, or {@code null} when the failure does not say
	 */
	static @Nullable TlsAlert duringHandshake(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			// SSLTransport.decode: a failed AEAD tag is bad_record_mac; any other record
			// protection
			// failure is handshake_failure while a handshake runs ("Incorrect inner
			// plaintext")
			if (cause instanceof AEADBadTagException) {
				return TlsAlert.fatal("bad_record_mac", TlsAlert.Direction.SENT);
			}
			if (cause instanceof BadPaddingException) {
				return TlsAlert.fatal("handshake_failure", TlsAlert.Direction.SENT);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		String message = failure.getMessage();
		if (message == null) {
			return null;
		}
		for (Entry entry : ENTRIES) {
			if (message.startsWith(entry.messageStart())) {
				return TlsAlert.fatal(entry.alert(), TlsAlert.Direction.SENT);
			}
		}
		return null;
	}

	private static List<Entry> load() {
		List<Entry> entries = new ArrayList<>();
		try (InputStream in = SunJsseAlerts.class.getResourceAsStream(TABLE)) {
			if (in == null) {
				throw new IllegalStateException(TABLE + " is missing from the tlsaccept-engine jar");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			String line;
			while ((line = reader.readLine()) != null) {
				int tab = line.indexOf('\t');
				if (!line.startsWith("#") && tab > 0) {
					entries.add(new Entry(line.substring(tab + 1), line.substring(0, tab)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		entries.sort(Comparator.comparingInt((Entry entry) -> entry.messageStart().length()).reversed());
		return List.copyOf(entries);
	}

}
