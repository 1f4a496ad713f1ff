package dev.tlsaccept.keys;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Trusted certificates, for example the CAs that issue client certificates (mTLS), ready
 * for a {@code TrustManagerFactory}. Immutable; built by {@link KeyMaterials}.
 */
public final class TrustMaterial {

	private final List<X509Certificate> certificates;

	private final String source;

	private TrustMaterial(List<X509Certificate> certificates, String source) {
		this.certificates = certificates;
		this.source = source;
	}

	static TrustMaterial of(List<X509Certificate> certificates, String source) {
		return new TrustMaterial(List.copyOf(certificates), source);
	}

	/**
	 * Returns the trusted certificates.
	 * @return an unmodifiable, non-empty list
	 */
	public List<X509Certificate> certificates() {
		return this.certificates;
	}

	/**
	 * Returns a human description of where the certificates came from. Never contains a
	 * password.
	 * @return the source
	 */
	public String source() {
		return this.source;
	}

	/**
	 * Returns a new in-memory PKCS12 key store with one trusted certificate entry per
	 * certificate (aliases {@code trusted-0}, {@code trusted-1}, ...).
	 * @return a new, loaded key store
	 */
	public KeyStore toKeyStore() {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			for (int i = 0; i < this.certificates.size(); i++) {
				store.setCertificateEntry("trusted-" + i, this.certificates.get(i));
			}
			return store;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new KeyMaterialException(KeyMaterialException.Problem.UNSUPPORTED_TYPE,
					"Cannot put the certificates from " + this.source + " into an in-memory PKCS12 key store", ex);
		}
	}

	@Override
	public String toString() {
		return "TrustMaterial[source=" + this.source + ", certificates=" + this.certificates.size() + "]";
	}

}
