package dev.tlsaccept.engine;

import java.io.Serial;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsConfig} that an engine cannot use, with the {@link Setting} at fault, so
 * that a caller (the Spring Boot auto-configuration) names the property to fix from a
 * type rather than from the message text.
 */
public class TlsConfigException extends IllegalArgumentException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final Setting setting;

	/**
	 * Create an exception.
	 * @param setting the setting at fault
	 * @param message what is wrong and what to use instead
	 * @param cause the underlying failure, if any
	 */
	public TlsConfigException(Setting setting, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.setting = Objects.requireNonNull(setting, "setting must not be null");
	}

	/**
	 * Create an exception without a cause.
	 * @param setting the setting at fault
	 * @param message what is wrong and what to use instead
	 */
	public TlsConfigException(Setting setting, String message) {
		this(setting, message, null);
	}

	/**
	 * The setting at fault.
	 * @return the setting
	 */
	public Setting setting() {
		return this.setting;
	}

	/**
	 * The settings of a {@link TlsConfig} that an engine can refuse.
	 */
	public enum Setting {

		/** {@link TlsConfig.Builder#engine(String)}: unknown, or not available here. */
		ENGINE,

		/** {@link TlsConfig.Builder#protocols(java.util.List)}. */
		PROTOCOLS,

		/** {@link TlsConfig.Builder#cipherSuites(java.util.List)}. */
		CIPHER_SUITES,

		/**
		 * {@link TlsConfig.Builder#groups(java.util.List)}: a group the engine does not
		 * support.
		 */
		GROUPS,

		/** {@link TlsConfig.Builder#clientAuth(ClientAuth)} without trust material. */
		CLIENT_AUTH,

		/** {@link TlsConfig.Builder#handshakeTimeout(java.time.Duration)}. */
		HANDSHAKE_TIMEOUT,

		/**
		 * Key material per server name (SNI): a bad host pattern, or an engine without
		 * SNI support.
		 */
		SERVER_NAMES,

		/**
		 * {@link TlsConfig.Builder#rejectUnknownServerNames(boolean)} without server
		 * names.
		 */
		REJECT_UNKNOWN_SERVER_NAMES,

		/** The key material: the engine cannot use the key or its certificate. */
		KEY_MATERIAL,

		/**
		 * {@link TlsConfig.Builder#sessionTicketKeys(java.util.List)}: a key of the wrong
		 * length, or an engine that cannot take the keys.
		 */
		SESSION_TICKET_KEYS

	}

}
