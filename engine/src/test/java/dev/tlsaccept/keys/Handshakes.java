package dev.tlsaccept.keys;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs an in-memory JSSE handshake (JDK provider) with a server using the key material
 * and a client that trusts only its leaf certificate.
 */
final class Handshakes {

	private Handshakes() {
	}

	/**
	 * Completes a handshake and returns the certificate chain the client received.
	 */
	static Certificate[] complete(KeyMaterial material, String protocol, boolean verifyHostname) throws Exception {
		char[] password = "in-memory".toCharArray();
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(material.toKeyStore(password), password);
		SSLContext serverContext = SSLContext.getInstance("TLS");
		serverContext.init(keyManagers.getKeyManagers(), null, null);

		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("leaf", material.leaf());
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trusted);
		SSLContext clientContext = SSLContext.getInstance("TLS");
		clientContext.init(null, trustManagers.getTrustManagers(), null);

		SSLEngine server = serverContext.createSSLEngine();
		server.setUseClientMode(false);
		server.setEnabledProtocols(new String[] { protocol });
		SSLEngine client = clientContext.createSSLEngine("localhost", 8443);
		client.setUseClientMode(true);
		client.setEnabledProtocols(new String[] { protocol });
		if (verifyHostname) {
			SSLParameters parameters = client.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			client.setSSLParameters(parameters);
		}

		int packetSize = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
		int appSize = Math.max(client.getSession().getApplicationBufferSize(),
				server.getSession().getApplicationBufferSize());
		ByteBuffer clientToServer = ByteBuffer.allocate(packetSize);
		ByteBuffer serverToClient = ByteBuffer.allocate(packetSize);
		ByteBuffer clientApp = ByteBuffer.allocate(appSize);
		ByteBuffer serverApp = ByteBuffer.allocate(appSize);
		ByteBuffer empty = ByteBuffer.allocate(0);
		client.beginHandshake();
		server.beginHandshake();
		for (int round = 0; round < 100; round++) {
			client.wrap(empty, clientToServer);
			server.wrap(empty, serverToClient);
			clientToServer.flip();
			server.unwrap(clientToServer, serverApp);
			clientToServer.compact();
			serverToClient.flip();
			client.unwrap(serverToClient, clientApp);
			serverToClient.compact();
			runTasks(client);
			runTasks(server);
			if (idle(client) && idle(server) && clientToServer.position() == 0 && serverToClient.position() == 0) {
				return client.getSession().getPeerCertificates();
			}
		}
		throw new AssertionError("handshake did not finish: client " + client.getHandshakeStatus() + ", server "
				+ server.getHandshakeStatus());
	}

	private static boolean idle(SSLEngine engine) {
		HandshakeStatus status = engine.getHandshakeStatus();
		return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
	}

	private static void runTasks(SSLEngine engine) {
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

}
