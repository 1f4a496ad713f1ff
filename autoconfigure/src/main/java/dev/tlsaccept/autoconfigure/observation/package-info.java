/**
 * A Micrometer {@code Observation} per TLS handshake (traces through Boot's tracing, a
 * timer through its meter handler), with a replaceable convention.
 */
@NullMarked
package dev.tlsaccept.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
