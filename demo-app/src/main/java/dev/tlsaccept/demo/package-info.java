/**
 * The tlsaccept demo application.
 */
@NullMarked
package dev.tlsaccept.demo;

import org.jspecify.annotations.NullMarked;
