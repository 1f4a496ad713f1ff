package dev.tlsaccept.keys;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The private Bouncy Castle provider instance of this package. It is passed explicitly
 * wherever Bouncy Castle is needed and is never registered with
 * {@link java.security.Security}, so the JVM-wide provider order stays as the application
 * configured it.
 */
final class BouncyCastle {

	private BouncyCastle() {
	}

	static Provider provider() {
		return Holder.PROVIDER;
	}

	private static final class Holder {

		// Created on first use: constructing the provider takes a noticeable moment.
		static final Provider PROVIDER = new BouncyCastleProvider();

	}

}
