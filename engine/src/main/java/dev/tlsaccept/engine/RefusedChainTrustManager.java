package dev.tlsaccept.engine;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Keeps the chain of a client certificate the trust manager refused in the handshake
 * session, so that the failure's record shows what the client sent (engines forget it
 * when they fail: SunJSSE drops the handshake session, none reports the refused chain).
 * Every other call is delegated.
 */
final class RefusedChainTrustManager extends ForwardingTrustManager {

	/** The session value that holds the refused chain, leaf first. */
	private static final String REFUSED_CHAIN = "dev.tlsaccept.refusedClientChain";

	RefusedChainTrustManager(X509ExtendedTrustManager delegate) {
		super(delegate);
	}

	/**
	 * The client chain refused during the handshake of that session.
	 * @param handshakeSession the handshake session, if the engine had one
	 * @return the chain, leaf first, or an empty list
	 */
	@SuppressWarnings("unchecked")
	static List<X509Certificate> refusedChain(@Nullable SSLSession handshakeSession) {
		if (handshakeSession == null) {
			return List.of();
		}
		try {
			Object chain = handshakeSession.getValue(REFUSED_CHAIN);
			return (chain instanceof List<?> list) ? (List<X509Certificate>) list : List.of();
		}
		catch (RuntimeException ex) {
			return List.of();
		}
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		try {
			this.delegate.checkClientTrusted(chain, authType, engine);
		}
		catch (CertificateException | RuntimeException ex) {
			remember(engine, chain);
			throw ex;
		}
	}

	private static void remember(@Nullable SSLEngine engine, X509Certificate @Nullable [] chain) {
		if (engine == null || chain == null) {
			return;
		}
		try {
			SSLSession session = engine.getHandshakeSession();
			if (session != null) {
				session.putValue(REFUSED_CHAIN, List.of(chain));
			}
		}
		catch (RuntimeException ex) {
			// an engine without a handshake session here: the record shows no chain
		}
	}

}
