package dev.tlsaccept.peers;

import java.util.HexFormat;

/**
 * What a {@link RawClient} behaviour observed from the server.
 *
 * @param bytesReceived every byte the server sent before the connection ended or the wait
 * passed
 * @param reset the server reset the connection (read/write failed with "Connection reset"
 * or "Broken pipe")
 * @param eof the server closed its side (read returned -1)
 * @param timedOut the wait passed with the connection still open
 */
public record RawResult(byte[] bytesReceived, boolean reset, boolean eof, boolean timedOut) {

	public RawResult {
		bytesReceived = bytesReceived.clone();
	}

	@Override
	public byte[] bytesReceived() {
		return bytesReceived.clone();
	}

	/** Number of bytes received. */
	public int length() {
		return bytesReceived.length;
	}

	/**
	 * The first plaintext alert record in what the server sent (see
	 * {@link RawClient#plaintextAlertIn(byte[])}).
	 */
	public java.util.Optional<Alert> plaintextAlert() {
		return RawClient.plaintextAlertIn(bytesReceived);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof RawResult r && java.util.Arrays.equals(bytesReceived, r.bytesReceived) && reset == r.reset
				&& eof == r.eof && timedOut == r.timedOut;
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(java.util.Arrays.hashCode(bytesReceived), reset, eof, timedOut);
	}

	@Override
	public String toString() {
		String hex = HexFormat.ofDelimiter(" ").formatHex(bytesReceived, 0, Math.min(bytesReceived.length, 64));
		return "RawResult[" + bytesReceived.length + " bytes"
				+ (bytesReceived.length > 0 ? " (" + hex + (bytesReceived.length > 64 ? " ..." : "") + ")" : "")
				+ ", reset=" + reset + ", eof=" + eof + ", timedOut=" + timedOut + "]";
	}
}
