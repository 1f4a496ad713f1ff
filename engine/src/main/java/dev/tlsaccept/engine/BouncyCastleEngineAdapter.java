package dev.tlsaccept.engine;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * BCJSSE's established server session throws {@link UnsupportedOperationException} from
 * {@link ExtendedSSLSession#getRequestedServerNames()}; only its handshake session knows
 * the names. This adapter remembers them during the handshake and answers with them
 * afterwards.
 */
final class BouncyCastleEngineAdapter extends ForwardingSslEngine {

	private List<SNIServerName> requestedServerNames = List.of();

	BouncyCastleEngineAdapter(SSLEngine delegate) {
		super(delegate);
	}

	@Override
	public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
		try {
			return super.unwrap(src, dsts, offset, length);
		}
		finally {
			captureServerNames();
		}
	}

	@Override
	public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
		captureServerNames();
		return super.wrap(srcs, offset, length, dst);
	}

	private void captureServerNames() {
		if (!this.requestedServerNames.isEmpty()) {
			return;
		}
		try {
			if (delegate().getHandshakeSession() instanceof ExtendedSSLSession handshake) {
				this.requestedServerNames = List.copyOf(handshake.getRequestedServerNames());
			}
		}
		catch (RuntimeException ex) {
			// no handshake session yet
		}
	}

	@Override
	public SSLSession getSession() {
		SSLSession session = delegate().getSession();
		return (session instanceof ExtendedSSLSession extended) ? new Session(extended, this.requestedServerNames)
				: session;
	}

	private static final class Session extends ExtendedSSLSession {

		private final ExtendedSSLSession delegate;

		private final List<SNIServerName> requestedServerNames;

		Session(ExtendedSSLSession delegate, List<SNIServerName> requestedServerNames) {
			this.delegate = delegate;
			this.requestedServerNames = requestedServerNames;
		}

		@Override
		public List<SNIServerName> getRequestedServerNames() {
			return this.requestedServerNames;
		}

		@Override
		public String[] getLocalSupportedSignatureAlgorithms() {
			return this.delegate.getLocalSupportedSignatureAlgorithms();
		}

		@Override
		public String[] getPeerSupportedSignatureAlgorithms() {
			return this.delegate.getPeerSupportedSignatureAlgorithms();
		}

		@Override
		public List<byte[]> getStatusResponses() {
			return this.delegate.getStatusResponses();
		}

		@Override
		public byte[] getId() {
			return this.delegate.getId();
		}

		@Override
		public SSLSessionContext getSessionContext() {
			return this.delegate.getSessionContext();
		}

		@Override
		public long getCreationTime() {
			return this.delegate.getCreationTime();
		}

		@Override
		public long getLastAccessedTime() {
			return this.delegate.getLastAccessedTime();
		}

		@Override
		public void invalidate() {
			this.delegate.invalidate();
		}

		@Override
		public boolean isValid() {
			return this.delegate.isValid();
		}

		@Override
		public void putValue(String name, Object value) {
			this.delegate.putValue(name, value);
		}

		@Override
		public Object getValue(String name) {
			return this.delegate.getValue(name);
		}

		@Override
		public void removeValue(String name) {
			this.delegate.removeValue(name);
		}

		@Override
		public String[] getValueNames() {
			return this.delegate.getValueNames();
		}

		@Override
		public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
			return this.delegate.getPeerCertificates();
		}

		@Override
		public Certificate[] getLocalCertificates() {
			return this.delegate.getLocalCertificates();
		}

		@Override
		public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
			return this.delegate.getPeerPrincipal();
		}

		@Override
		public Principal getLocalPrincipal() {
			return this.delegate.getLocalPrincipal();
		}

		@Override
		public String getCipherSuite() {
			return this.delegate.getCipherSuite();
		}

		@Override
		public String getProtocol() {
			return this.delegate.getProtocol();
		}

		@Override
		public String getPeerHost() {
			return this.delegate.getPeerHost();
		}

		@Override
		public int getPeerPort() {
			return this.delegate.getPeerPort();
		}

		@Override
		public int getPacketBufferSize() {
			return this.delegate.getPacketBufferSize();
		}

		@Override
		public int getApplicationBufferSize() {
			return this.delegate.getApplicationBufferSize();
		}

	}

}
