package dev.tlsaccept.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.tlsaccept.keys.KeyMaterialException.Problem;

/**
 * Reads files, turning the usual failures into {@link Problem#MISSING_FILE} with the
 * absolute path.
 */
final class Sources {

	private Sources() {
	}

	static Path absolute(Path path) {
		return path.toAbsolutePath().normalize();
	}

	/**
	 * Checks that the file exists and is a regular file.
	 * @param path an absolute path
	 * @param what the start of the message, for example {@code "Cannot read key store"}
	 */
	static void requireReadableFile(Path path, String what) {
		if (!Files.exists(path)) {
			throw new KeyMaterialException(Problem.MISSING_FILE, what + " " + path + ": the file does not exist", null);
		}
		if (!Files.isRegularFile(path)) {
			throw new KeyMaterialException(Problem.MISSING_FILE, what + " " + path + ": not a regular file", null);
		}
	}

	/**
	 * Reads a text file (PEM); ISO-8859-1 so that any bytes, even binary ones, can be
	 * decoded.
	 */
	static String readText(Path path, String what) {
		requireReadableFile(path, what);
		try {
			return Files.readString(path, StandardCharsets.ISO_8859_1);
		}
		catch (NoSuchFileException ex) {
			throw new KeyMaterialException(Problem.MISSING_FILE, what + " " + path + ": the file does not exist", ex);
		}
		catch (AccessDeniedException ex) {
			throw new KeyMaterialException(Problem.MISSING_FILE, what + " " + path + ": access denied", ex);
		}
		catch (IOException ex) {
			throw new KeyMaterialException(Problem.MISSING_FILE, what + " " + path + ": " + ex.getMessage(), ex);
		}
	}

}
