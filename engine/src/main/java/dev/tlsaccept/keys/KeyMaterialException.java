package dev.tlsaccept.keys;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

/**
 * Key material could not be loaded or does not fit together. The message says what is
 * wrong and names the file or store (never a password); {@link #action()} says how to fix
 * it.
 */
public final class KeyMaterialException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * What went wrong, as a closed set a caller (for example a failure analyzer) can
	 * switch on.
	 */
	public enum Problem {

		/** The file does not exist or cannot be read. */
		MISSING_FILE,

		/** A store or key password is missing or wrong. */
		WRONG_PASSWORD,

		/** The private key does not belong to the leaf certificate. */
		KEY_MISMATCH,

		/** The content is not in a format that can be read. */
		UNREADABLE_FORMAT,

		/**
		 * The requested alias is not in the key store, or an alias is needed to choose.
		 */
		ALIAS_NOT_FOUND,

		/** No private key was found where one is needed. */
		NO_PRIVATE_KEY,

		/** No certificate was found where one is needed. */
		NO_CERTIFICATE,

		/** The store type, key type or algorithm is not supported. */
		UNSUPPORTED_TYPE

	}

	private final Problem problem;

	private final String action;

	KeyMaterialException(Problem problem, String message, @Nullable Throwable cause) {
		this(problem, message, defaultAction(problem), cause);
	}

	KeyMaterialException(Problem problem, String message, String action, @Nullable Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.action = action;
	}

	/**
	 * Returns what went wrong.
	 * @return the problem, never {@code null}
	 */
	public Problem problem() {
		return this.problem;
	}

	/**
	 * Returns what the user should do to fix the problem, as one sentence.
	 * @return the action, never {@code null}
	 */
	public String action() {
		return this.action;
	}

	static String defaultAction(Problem problem) {
		return switch (problem) {
			case MISSING_FILE ->
				"Check that the configured path is correct and that the file is readable by the application.";
			case WRONG_PASSWORD ->
				"Check the password (key-store-password / key-password, or the SSL bundle's password and key.password).";
			case KEY_MISMATCH ->
				"Configure the private key that was used to create the certificate, or the certificate issued for that key.";
			case UNREADABLE_FORMAT ->
				"Provide PEM (-----BEGIN ...-----) text or a PKCS12, JKS or BCFKS key store, and check the configured store type.";
			case ALIAS_NOT_FOUND -> "Configure the key alias of one of the key entries in the store.";
			case NO_PRIVATE_KEY -> "Provide a private key (PEM PRIVATE KEY block or a key entry in the key store).";
			case NO_CERTIFICATE ->
				"Provide the certificate chain as PEM CERTIFICATE blocks, leaf first, or a key store entry with a certificate.";
			case UNSUPPORTED_TYPE -> "Use a supported type: PKCS12, JKS or BCFKS stores, RSA, EC or EdDSA keys.";
		};
	}

}
