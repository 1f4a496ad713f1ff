/**
 * Spring Boot Test support:
 * {@link dev.tlsaccept.test.autoconfigure.AutoConfigureTlsTestClient} binds the
 * application's listeners to ephemeral ports and gives the test a
 * {@link dev.tlsaccept.test.TlsTestClient} per listener.
 */
@NullMarked
package dev.tlsaccept.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
