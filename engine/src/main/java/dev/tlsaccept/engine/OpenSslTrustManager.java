package dev.tlsaccept.engine;

import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import org.jspecify.annotations.Nullable;

/**
 * The JDK's PKIX trust manager with its failures put in OpenSSL's X.509 error codes, so
 * that BoringSSL sends the alert OpenSSL would ({@code unknown_ca} for an unknown issuer,
 * {@code certificate_expired}, ...) instead of {@code internal_error} for "unspecified".
 */
final class OpenSslTrustManager extends ForwardingTrustManager {

	OpenSslTrustManager(X509ExtendedTrustManager delegate) {
		super(delegate);
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		try {
			this.delegate.checkClientTrusted(chain, authType, engine);
		}
		catch (CertificateException ex) {
			throw translate(ex);
		}
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		try {
			this.delegate.checkClientTrusted(chain, authType, socket);
		}
		catch (CertificateException ex) {
			throw translate(ex);
		}
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		try {
			this.delegate.checkClientTrusted(chain, authType);
		}
		catch (CertificateException ex) {
			throw translate(ex);
		}
	}

	static CertificateException translate(CertificateException failure) {
		if (failure instanceof OpenSslCertificateException) {
			return failure;
		}
		return new OpenSslCertificateException(failure.getMessage(), failure, errorCode(failure));
	}

	static int errorCode(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof CertificateExpiredException) {
				return CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
			}
			if (cause instanceof CertificateNotYetValidException) {
				return CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
			}
			if (cause instanceof CertificateRevokedException) {
				return CertificateVerifier.X509_V_ERR_CERT_REVOKED;
			}
			if (cause instanceof CertPathValidatorException validator) {
				String reason = String.valueOf(validator.getReason());
				switch (reason) {
					case "EXPIRED":
						return CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
					case "NOT_YET_VALID":
						return CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
					case "REVOKED":
						return CertificateVerifier.X509_V_ERR_CERT_REVOKED;
					case "NO_TRUST_ANCHOR":
						return CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
					default:
				}
			}
			if (cause instanceof CertPathBuilderException) {
				return CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
			}
		}
		return CertificateVerifier.X509_V_ERR_CERT_REJECTED;
	}

	/**
	 * The alert BoringSSL sends for a verification error code (its
	 * {@code SSL_alert_from_verify_result}).
	 * @param failure the handshake failure
	 * @return the alert number, or {@code -1} when the failure holds no verification
	 * error
	 */
	static int alertFor(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof OpenSslCertificateException certificate) {
				int code = certificate.errorCode();
				if (code == CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) {
					return 48;
				}
				if (code == CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED
						|| code == CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID) {
					return 45;
				}
				if (code == CertificateVerifier.X509_V_ERR_CERT_REVOKED) {
					return 44;
				}
				return 42;
			}
		}
		return -1;
	}

}
