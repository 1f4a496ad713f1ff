/**
 * Auto-configuration of tlsaccept listeners: {@code tlsaccept.*} properties, one
 * {@link dev.tlsaccept.autoconfigure.TlsListener} ({@code SmartLifecycle}) per configured
 * listener, key material from SSL bundles, inline stores or a self-signed certificate,
 * and the failure analyzer that explains startup failures.
 */
@NullMarked
package dev.tlsaccept.autoconfigure;

import org.jspecify.annotations.NullMarked;
