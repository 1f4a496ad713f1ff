/**
 * Key material for TLS listeners: certificate chains and private keys loaded from PEM
 * files or text (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, legacy OpenSSL-encrypted PEM),
 * from PKCS12, JKS and BCFKS key stores, or generated as a self-signed certificate at
 * startup.
 *
 * <p>
 * Spring-free. Bouncy Castle is used through a private provider instance and is never
 * registered with {@link java.security.Security}; keys and certificates handed out are
 * JDK objects wherever the JDK can represent them, so that JSSE accepts them.
 *
 * <p>
 * Messages and {@code toString()} never contain passwords or key bytes.
 */
@NullMarked
package dev.tlsaccept.keys;

import org.jspecify.annotations.NullMarked;
