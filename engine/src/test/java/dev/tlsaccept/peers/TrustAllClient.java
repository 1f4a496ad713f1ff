package dev.tlsaccept.peers;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A JDK TLS client that trusts any server certificate, for tests against self-signed
 * servers that check something else than trust. The one copy for the engine's tests and,
 * through the engine's test jar, the demo's.
 */
public final class TrustAllClient {

	private TrustAllClient() {
	}

	/**
	 * A new {@code TLS} context of the JDK's default provider that accepts every chain.
	 * @return the context
	 */
	public static SSLContext sslContext() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Trust managers that accept every chain, for a context of another provider.
	 * @return the trust managers
	 */
	public static TrustManager[] trustManagers() {
		return new TrustManager[] { new TrustAll() };
	}

	private static final class TrustAll implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
