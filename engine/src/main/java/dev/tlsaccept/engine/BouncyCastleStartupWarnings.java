package dev.tlsaccept.engine;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

/**
 * Drops BCJSSE's start-up warnings about {@code jdk.certpath.disabledAlgorithms} entries
 * that do not concern a TLS server, and only those.
 * <p>
 * BCJSSE 1.84 reads {@code jdk.certpath.disabledAlgorithms} once per JVM and logs,
 * through {@code java.util.logging} at {@code WARNING}, every entry it cannot enforce
 * ({@code DisabledAlgorithmConstraints.create}: "Ignoring unsupported entry in
 * 'jdk.certpath.disabledAlgorithms': ..."). With the JDK's default {@code java.security}
 * these are two entries, {@code SHA1 jdkCA & usage TLSServer} and
 * {@code SHA1 usage SignedJAR & denyAfter 2019-01-01}: one restricts how a
 * <em>client</em> checks a server's chain, the other signed JARs, and neither applies to
 * a server that checks client certificates ({@code usage TLSClient}). An entry with no
 * {@code usage} restriction, or one that names {@code TLSClient}, would weaken
 * client-certificate checks when ignored: it still warns, as do all of BCJSSE's other
 * messages.
 */
final class BouncyCastleStartupWarnings implements Filter {

	static final String LOGGER_NAME = "org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints";

	private static final String PREFIX = "Ignoring unsupported entry in 'jdk.certpath.disabledAlgorithms': ";

	/** Held strongly: {@code java.util.logging} keeps loggers only weakly. */
	private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

	private static final AtomicBoolean INSTALLED = new AtomicBoolean();

	private final @Nullable Filter previous;

	private BouncyCastleStartupWarnings(@Nullable Filter previous) {
		this.previous = previous;
	}

	/**
	 * Install the filter on BCJSSE's logger (once per JVM, before BCJSSE reads the
	 * property).
	 */
	static void install() {
		if (INSTALLED.compareAndSet(false, true)) {
			LOGGER.setFilter(new BouncyCastleStartupWarnings(LOGGER.getFilter()));
		}
	}

	@Override
	public boolean isLoggable(LogRecord record) {
		if (record.getLevel() == Level.WARNING && doesNotConcernATlsServer(record.getMessage())) {
			return false;
		}
		return this.previous == null || this.previous.isLoggable(record);
	}

	static boolean doesNotConcernATlsServer(@Nullable String message) {
		if (message == null || !message.startsWith(PREFIX)) {
			return false;
		}
		String entry = message.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
		int usage = entry.indexOf("usage ");
		if (usage < 0) {
			return false;
		}
		String usages = entry.substring(usage + "usage ".length());
		int end = usages.indexOf('&');
		if (end >= 0) {
			usages = usages.substring(0, end);
		}
		return !usages.contains("tlsclient");
	}

}
