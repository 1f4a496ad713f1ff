package dev.tlsaccept.peers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TLS client written out byte by byte, for what no real client sends: a Finished whose
 * verify_data has one bit flipped (tlsfuzzer's {@code test-tls13-finished.py} and
 * {@code test-fuzzed-finished.py}). It computes the key schedule itself (x25519,
 * AES-128-GCM, SHA-256; TLS 1.3 {@code TLS_AES_128_GCM_SHA256}, TLS 1.2
 * {@code TLS_ECDHE_*_WITH_AES_128_GCM_SHA256} with extended master secret) and does not
 * check the server's certificate or signature: it tests the server, not itself. The
 * server's answer is decrypted when it is encrypted (a TLS 1.3 alert after the server's
 * Finished).
 */
public final class ScriptedTlsClient {

	private static final int HANDSHAKE = 22;

	private static final int ALERT = 21;

	private static final int CHANGE_CIPHER_SPEC = 20;

	private static final int APPLICATION_DATA = 23;

	private static final int FINISHED = 20;

	private static final byte[] X25519_SPKI_PREFIX = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21,
			0x00 };

	private static final SecureRandom RANDOM = new SecureRandom();

	private final DataInputStream in;

	private final OutputStream out;

	private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();

	/** Handshake bytes received and not yet taken as messages. */
	private byte[] pending = new byte[0];

	private final KeyPair keyShare;

	private final byte[] clientRandom = random(32);

	private ScriptedTlsClient(InputStream in, OutputStream out) throws GeneralSecurityException {
		this.in = new DataInputStream(in);
		this.out = out;
		this.keyShare = KeyPairGenerator.getInstance("X25519").generateKeyPair();
	}

	/**
	 * Connect, run a TLS 1.3 handshake whose client Finished has one bit of its
	 * verify_data flipped, and read the server's answer.
	 * @param port the server's port on the loopback address
	 * @param bit the bit to flip, 0 to 255
	 * @return what the server answered
	 * @throws IOException when the connection fails before the client's Finished left
	 */
	public static Answer tls13FlippedFinished(int port, int bit) throws Exception {
		try (Socket socket = connect(port)) {
			return new ScriptedTlsClient(socket.getInputStream(), socket.getOutputStream()).tls13(bit);
		}
	}

	/**
	 * Connect, run a TLS 1.2 ECDHE handshake whose client Finished has one bit of its
	 * verify_data flipped, and read the server's answer.
	 * @param port the server's port on the loopback address
	 * @param bit the bit to flip, 0 to 95
	 * @return what the server answered
	 * @throws IOException when the connection fails before the client's Finished left
	 */
	public static Answer tls12FlippedFinished(int port, int bit) throws Exception {
		try (Socket socket = connect(port)) {
			return new ScriptedTlsClient(socket.getInputStream(), socket.getOutputStream()).tls12(bit);
		}
	}

	/**
	 * Connect and send a TLS 1.2 ECDHE ClientHello offering only the given signature
	 * schemes; read the server's first flight.
	 * @param port the server's port on the loopback address
	 * @param schemes the signature scheme codes ({@code 0x0809}: rsa_pss_pss_sha256)
	 * @return the alert the server answered with, or no alert when its flight came
	 */
	public static Answer tls12OfferingOnly(int port, int... schemes) throws Exception {
		try (Socket socket = connect(port)) {
			return new ScriptedTlsClient(socket.getInputStream(), socket.getOutputStream()).firstFlight12(schemes);
		}
	}

	private Answer firstFlight12(int... schemes) throws Exception {
		ByteArrayOutputStream list = new ByteArrayOutputStream();
		for (int scheme : schemes) {
			list.writeBytes(u16(scheme));
		}
		ByteArrayOutputStream extensions = new ByteArrayOutputStream();
		extension(extensions, 10, new byte[] { 0, 4, 0, 0x1d, 0, 0x17 });
		extension(extensions, 11, new byte[] { 1, 0 });
		extension(extensions, 13, concat(u16(list.size()), list.toByteArray()));
		extension(extensions, 0xff01, new byte[] { 0 });
		sendHandshake(clientHello(new byte[0], new byte[] { (byte) 0xc0, 0x2b, (byte) 0xc0, 0x2f },
				extensions.toByteArray()));
		try {
			while ((readPlaintextHandshake(-1)[0] & 0xff) != 14) {
				// up to ServerHelloDone
			}
			return new Answer(Optional.empty(), "the server's flight");
		}
		catch (IOException ex) {
			return readAnswer(null, null, ex);
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
				(int) RawClient.CONNECT_TIMEOUT.toMillis());
		socket.setTcpNoDelay(true);
		socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
		return socket;
	}

	private Answer tls13(int bit) throws Exception {
		byte[] sessionId = random(32);
		ByteArrayOutputStream extensions = new ByteArrayOutputStream();
		extension(extensions, 43, new byte[] { 2, 3, 4 });
		extension(extensions, 10, new byte[] { 0, 2, 0, 0x1d });
		extension(extensions, 13, signatureAlgorithms());
		extension(extensions, 51, concat(u16(36), new byte[] { 0, 0x1d, 0, 32 }, x25519Public()));
		sendHandshake(clientHello(sessionId, new byte[] { 0x13, 0x01 }, extensions.toByteArray()));
		byte[] serverHello = readPlaintextHandshake(2);
		byte[] sharedSecret = x25519(serverKeyShare13(serverHello));
		byte[] helloHash = sha256(this.transcript.toByteArray());
		byte[] early = hkdfExtract(new byte[32], new byte[32]);
		byte[] handshakeSecret = hkdfExtract(deriveSecret(early, "derived", sha256(new byte[0])), sharedSecret);
		byte[] clientHs = deriveSecret(handshakeSecret, "c hs traffic", helloHash);
		byte[] serverHs = deriveSecret(handshakeSecret, "s hs traffic", helloHash);
		Protection fromServer = Protection.tls13(serverHs);
		// EncryptedExtensions .. server Finished, encrypted
		while (true) {
			byte[] message = nextEncryptedHandshake(fromServer);
			if ((message[0] & 0xff) == FINISHED) {
				break;
			}
		}
		byte[] serverFinishedHash = sha256(this.transcript.toByteArray());
		byte[] master = hkdfExtract(deriveSecret(handshakeSecret, "derived", sha256(new byte[0])), new byte[32]);
		byte[] serverAp = deriveSecret(master, "s ap traffic", serverFinishedHash);
		byte[] verifyData = hmac(hkdfExpandLabel(clientHs, "finished", new byte[0], 32), serverFinishedHash);
		verifyData[bit / 8] ^= (byte) (1 << (bit % 8));
		// middlebox compatibility ChangeCipherSpec, then the Finished under the client's
		// handshake key
		this.out.write(new byte[] { CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1 });
		Protection toServer = Protection.tls13(clientHs);
		this.out.write(toServer.seal13(HANDSHAKE, handshakeMessage(FINISHED, verifyData)));
		this.out.flush();
		return readAnswer(Protection.tls13(serverAp), fromServer);
	}

	private Answer tls12(int bit) throws Exception {
		ByteArrayOutputStream extensions = new ByteArrayOutputStream();
		// secp256r1 too: a TLS 1.2 server signs with an ECDSA key only on a curve the
		// client lists
		extension(extensions, 10, new byte[] { 0, 4, 0, 0x1d, 0, 0x17 });
		extension(extensions, 11, new byte[] { 1, 0 });
		extension(extensions, 13, signatureAlgorithms());
		extension(extensions, 0x17, new byte[0]);
		extension(extensions, 0xff01, new byte[] { 0 });
		sendHandshake(clientHello(new byte[0], new byte[] { (byte) 0xc0, 0x2b, (byte) 0xc0, 0x2f },
				extensions.toByteArray()));
		byte[] serverHello = readPlaintextHandshake(2);
		byte[] serverRandom = Arrays.copyOfRange(serverHello, 6, 38);
		boolean extendedMasterSecret = hasExtension(serverHello, 0x17);
		byte[] serverPublic = null;
		while (true) {
			byte[] message = readPlaintextHandshake(-1);
			int type = message[0] & 0xff;
			if (type == 12) {
				// ServerKeyExchange: curve_type 3, named_curve, public key
				if (message[4] != 3 || message[5] != 0 || message[6] != 0x1d) {
					throw new IOException("the server chose a group other than x25519");
				}
				serverPublic = Arrays.copyOfRange(message, 8, 8 + (message[7] & 0xff));
			}
			else if (type == 14) {
				break;
			}
		}
		if (serverPublic == null) {
			throw new IOException("no ServerKeyExchange");
		}
		byte[] preMaster = x25519(serverPublic);
		appendAndSend(handshakeMessage(16, concat(new byte[] { 32 }, x25519Public())));
		byte[] master = extendedMasterSecret
				? prf(preMaster, "extended master secret", sha256(this.transcript.toByteArray()), 48)
				: prf(preMaster, "master secret", concat(this.clientRandom, serverRandom), 48);
		byte[] keyBlock = prf(master, "key expansion", concat(serverRandom, this.clientRandom), 40);
		byte[] verifyData = prf(master, "client finished", sha256(this.transcript.toByteArray()), 12);
		verifyData[bit / 8] ^= (byte) (1 << (bit % 8));
		this.out.write(new byte[] { CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1 });
		this.out.write(seal12(Arrays.copyOfRange(keyBlock, 0, 16), Arrays.copyOfRange(keyBlock, 32, 36),
				handshakeMessage(FINISHED, verifyData)));
		this.out.flush();
		// the server has not sent its ChangeCipherSpec: its alert is in clear
		return readAnswer(null, null);
	}

	private byte[] clientHello(byte[] sessionId, byte[] cipherSuites, byte[] extensions) {
		return handshakeMessage(1,
				concat(new byte[] { 3, 3 }, this.clientRandom, new byte[] { (byte) sessionId.length }, sessionId,
						u16(cipherSuites.length), cipherSuites, new byte[] { 1, 0 }, u16(extensions.length),
						extensions));
	}

	private static byte[] signatureAlgorithms() {
		byte[] schemes = { 4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1, 8, 7 };
		return concat(u16(schemes.length), schemes);
	}

	private static void extension(ByteArrayOutputStream extensions, int type, byte[] data) {
		extensions.writeBytes(u16(type));
		extensions.writeBytes(u16(data.length));
		extensions.writeBytes(data);
	}

	private static boolean hasExtension(byte[] serverHello, int wanted) {
		int index = 38;
		index += 1 + (serverHello[index] & 0xff);
		index += 3;
		if (index + 2 > serverHello.length) {
			return false;
		}
		int end = index + 2 + u16At(serverHello, index);
		for (index += 2; index + 4 <= end; index += 4 + u16At(serverHello, index + 2)) {
			if (u16At(serverHello, index) == wanted) {
				return true;
			}
		}
		return false;
	}

	private static byte[] serverKeyShare13(byte[] serverHello) throws IOException {
		int index = 38;
		index += 1 + (serverHello[index] & 0xff);
		index += 3;
		int end = index + 2 + u16At(serverHello, index);
		for (index += 2; index + 4 <= end; index += 4 + u16At(serverHello, index + 2)) {
			if (u16At(serverHello, index) == 51) {
				if (u16At(serverHello, index + 4) != 0x1d) {
					throw new IOException("the server's key share is not x25519 (a HelloRetryRequest?)");
				}
				return Arrays.copyOfRange(serverHello, index + 8, index + 8 + u16At(serverHello, index + 6));
			}
		}
		throw new IOException("no key_share in the ServerHello");
	}

	private void sendHandshake(byte[] message) throws IOException {
		appendAndSend(message);
		this.out.flush();
	}

	private void appendAndSend(byte[] message) throws IOException {
		this.transcript.writeBytes(message);
		this.out.write(concat(new byte[] { HANDSHAKE, 3, 3 }, u16(message.length), message));
	}

	/**
	 * The next handshake message from plaintext records.
	 * @param expectedType the type it must have, or {@code -1} for any
	 */
	private byte[] readPlaintextHandshake(int expectedType) throws IOException {
		while (!hasWholeMessage()) {
			Record record = readRecord();
			if (record.type() == ALERT) {
				throw new AlertReceived(new Alert(record.body()[0], record.body()[1]));
			}
			if (record.type() != HANDSHAKE) {
				throw new IOException("unexpected record of type " + record.type());
			}
			this.pending = concat(this.pending, record.body());
		}
		byte[] message = takeMessage();
		if (expectedType >= 0 && (message[0] & 0xff) != expectedType) {
			throw new IOException("expected handshake message " + expectedType + " but got " + message[0]);
		}
		return message;
	}

	/**
	 * The next encrypted handshake message (TLS 1.3), ChangeCipherSpec records skipped.
	 */
	private byte[] nextEncryptedHandshake(Protection fromServer) throws Exception {
		while (!hasWholeMessage()) {
			Record record = readRecord();
			if (record.type() == CHANGE_CIPHER_SPEC) {
				continue;
			}
			if (record.type() == ALERT) {
				throw new IOException("the server sent alert " + new Alert(record.body()[0], record.body()[1]));
			}
			byte[] inner = fromServer.open13(record);
			if (inner[inner.length - 1] != HANDSHAKE) {
				throw new IOException("unexpected inner content type " + inner[inner.length - 1]);
			}
			this.pending = concat(this.pending, Arrays.copyOf(inner, inner.length - 1));
		}
		return takeMessage();
	}

	private boolean hasWholeMessage() {
		return this.pending.length >= 4 && this.pending.length >= 4 + u24At(this.pending, 1);
	}

	private byte[] takeMessage() {
		int length = 4 + u24At(this.pending, 1);
		byte[] message = Arrays.copyOf(this.pending, length);
		this.pending = Arrays.copyOfRange(this.pending, length, this.pending.length);
		this.transcript.writeBytes(message);
		return message;
	}

	/**
	 * Read what the server answered the Finished with: an alert in clear, or encrypted
	 * under one of the keys given (a TLS 1.3 server sends its alert under its application
	 * key, after its own Finished).
	 */
	private Answer readAnswer(Protection application, Protection handshake, IOException failure) {
		if (failure instanceof AlertReceived received) {
			return new Answer(Optional.of(received.alert), "in clear");
		}
		if (failure instanceof EOFException) {
			return new Answer(Optional.empty(), "eof");
		}
		return new Answer(Optional.empty(), String.valueOf(failure.getMessage()));
	}

	private Answer readAnswer(Protection application, Protection handshake) throws IOException {
		try {
			while (true) {
				Record record = readRecord();
				if (record.type() == ALERT) {
					return new Answer(Optional.of(new Alert(record.body()[0], record.body()[1])), "in clear");
				}
				if (record.type() != APPLICATION_DATA || application == null) {
					continue;
				}
				byte[] inner = application.tryOpen13(record);
				if (inner == null && handshake != null) {
					inner = handshake.tryOpen13(record);
				}
				if (inner == null) {
					return new Answer(Optional.empty(), "an encrypted record no key opens");
				}
				if (inner[inner.length - 1] == ALERT) {
					return new Answer(Optional.of(new Alert(inner[0], inner[1])), "encrypted");
				}
			}
		}
		catch (EOFException ex) {
			return new Answer(Optional.empty(), "eof");
		}
		catch (SocketTimeoutException ex) {
			return new Answer(Optional.empty(), "nothing within the read timeout");
		}
		catch (IOException ex) {
			return new Answer(Optional.empty(), String.valueOf(ex.getMessage()));
		}
	}

	private Record readRecord() throws IOException {
		byte[] header = new byte[5];
		this.in.readFully(header);
		byte[] body = new byte[u16At(header, 3)];
		this.in.readFully(body);
		return new Record(header[0], header, body);
	}

	private byte[] x25519Public() {
		byte[] encoded = this.keyShare.getPublic().getEncoded();
		return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
	}

	private byte[] x25519(byte[] peer) throws GeneralSecurityException {
		PublicKey peerKey = KeyFactory.getInstance("X25519")
			.generatePublic(new X509EncodedKeySpec(concat(X25519_SPKI_PREFIX, peer)));
		KeyAgreement agreement = KeyAgreement.getInstance("X25519");
		agreement.init(this.keyShare.getPrivate());
		agreement.doPhase(peerKey, true);
		return agreement.generateSecret();
	}

	private static byte[] seal12(byte[] key, byte[] salt, byte[] plaintext) throws GeneralSecurityException {
		byte[] explicitNonce = new byte[8];
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
				new GCMParameterSpec(128, concat(salt, explicitNonce)));
		cipher.updateAAD(concat(new byte[8], new byte[] { HANDSHAKE, 3, 3 }, u16(plaintext.length)));
		byte[] sealed = concat(explicitNonce, cipher.doFinal(plaintext));
		return concat(new byte[] { HANDSHAKE, 3, 3 }, u16(sealed.length), sealed);
	}

	static byte[] prf(byte[] secret, String label, byte[] seed, int length) throws GeneralSecurityException {
		byte[] labelAndSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		byte[] a = labelAndSeed;
		while (output.size() < length) {
			a = hmac(secret, a);
			output.writeBytes(hmac(secret, concat(a, labelAndSeed)));
		}
		return Arrays.copyOf(output.toByteArray(), length);
	}

	static byte[] hkdfExtract(byte[] salt, byte[] keyMaterial) throws GeneralSecurityException {
		return hmac(salt, keyMaterial);
	}

	static byte[] hkdfExpandLabel(byte[] secret, String label, byte[] context, int length)
			throws GeneralSecurityException {
		byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
		byte[] info = concat(u16(length), new byte[] { (byte) fullLabel.length }, fullLabel,
				new byte[] { (byte) context.length }, context);
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		byte[] previous = new byte[0];
		for (int counter = 1; output.size() < length; counter++) {
			previous = hmac(secret, concat(previous, info, new byte[] { (byte) counter }));
			output.writeBytes(previous);
		}
		return Arrays.copyOf(output.toByteArray(), length);
	}

	private static byte[] deriveSecret(byte[] secret, String label, byte[] transcriptHash)
			throws GeneralSecurityException {
		return hkdfExpandLabel(secret, label, transcriptHash, 32);
	}

	private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec((key.length == 0) ? new byte[32] : key, "HmacSHA256"));
		return mac.doFinal(data);
	}

	private static byte[] sha256(byte[] data) throws GeneralSecurityException {
		return MessageDigest.getInstance("SHA-256").digest(data);
	}

	private static byte[] handshakeMessage(int type, byte[] body) {
		return concat(
				new byte[] { (byte) type, (byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length },
				body);
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	private static byte[] u16(int value) {
		return new byte[] { (byte) (value >> 8), (byte) value };
	}

	private static int u16At(byte[] bytes, int index) {
		return ((bytes[index] & 0xff) << 8) | (bytes[index + 1] & 0xff);
	}

	private static int u24At(byte[] bytes, int index) {
		return ((bytes[index] & 0xff) << 16) | ((bytes[index + 1] & 0xff) << 8) | (bytes[index + 2] & 0xff);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			output.writeBytes(part);
		}
		return output.toByteArray();
	}

	/** What the server answered the client's Finished with. */
	public record Answer(Optional<Alert> alert, String how) {

		@Override
		public String toString() {
			return this.alert.map(Alert::toString).orElse("no alert") + " (" + this.how + ")";
		}

	}

	private record Record(int type, byte[] header, byte[] body) {

	}

	/** The server sent an alert where the client expected its handshake. */
	private static final class AlertReceived extends IOException {

		private final Alert alert;

		AlertReceived(Alert alert) {
			super("the server sent alert " + alert);
			this.alert = alert;
		}

	}

	/** One direction's TLS 1.3 record protection: key, IV and sequence number. */
	private static final class Protection {

		private final byte[] key;

		private final byte[] iv;

		private long sequence;

		private Protection(byte[] key, byte[] iv) {
			this.key = key;
			this.iv = iv;
		}

		static Protection tls13(byte[] trafficSecret) throws GeneralSecurityException {
			return new Protection(hkdfExpandLabel(trafficSecret, "key", new byte[0], 16),
					hkdfExpandLabel(trafficSecret, "iv", new byte[0], 12));
		}

		byte[] seal13(int contentType, byte[] content) throws GeneralSecurityException {
			byte[] inner = concat(content, new byte[] { (byte) contentType });
			byte[] header = concat(new byte[] { APPLICATION_DATA, 3, 3 }, u16(inner.length + 16));
			Cipher cipher = cipher(Cipher.ENCRYPT_MODE, this.sequence++);
			cipher.updateAAD(header);
			return concat(header, cipher.doFinal(inner));
		}

		byte[] open13(Record record) throws GeneralSecurityException {
			Cipher cipher = cipher(Cipher.DECRYPT_MODE, this.sequence);
			cipher.updateAAD(record.header());
			byte[] inner = cipher.doFinal(record.body());
			this.sequence++;
			int end = inner.length;
			while (end > 0 && inner[end - 1] == 0) {
				end--;
			}
			return Arrays.copyOf(inner, end);
		}

		byte[] tryOpen13(Record record) {
			try {
				return open13(record);
			}
			catch (GeneralSecurityException ex) {
				return null;
			}
		}

		private Cipher cipher(int mode, long sequence) throws GeneralSecurityException {
			byte[] nonce = this.iv.clone();
			byte[] counter = ByteBuffer.allocate(8).putLong(sequence).array();
			for (int i = 0; i < 8; i++) {
				nonce[4 + i] ^= counter[i];
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(mode, new SecretKeySpec(this.key, "AES"), new GCMParameterSpec(128, nonce));
			return cipher;
		}

	}

}
