/**
 * Actuator support for tlsaccept: the {@code tlshandshakes} and {@code tlslisteners}
 * endpoints, the {@code tlsaccept} health and info contributors, and Micrometer metrics.
 * Each part backs off when its Spring Boot module (actuator, health, Micrometer) is not
 * on the classpath.
 */
@NullMarked
package dev.tlsaccept.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
