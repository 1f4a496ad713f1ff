package dev.tlsaccept.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code @SpringBootTest} class: bind every configured tlsaccept listener to an
 * ephemeral port ({@code port: 0}, so that tests and a running application never collide)
 * and register a {@link dev.tlsaccept.test.TlsTestClient} bean per listener, qualified by
 * the listener name, that connects to it and trusts its certificate (generated
 * self-signed, from an SSL bundle or key-store, SNI ones included).
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureTlsTestClient
 * class EdgeTests {
 *
 *     &#64;Autowired
 *     &#64;Qualifier("edge")
 *     TlsTestClient client;
 *
 *     &#64;Autowired
 *     HandshakeRepository handshakes;
 *
 * }
 * </pre>
 *
 * With one listener, {@code @Autowired TlsTestClient client} is enough. The bound port is
 * also the {@code local.tlsaccept.<name>.port} property.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureTlsTestClient {

	/**
	 * Whether to bind every listener to an ephemeral port, overriding
	 * {@code tlsaccept.listeners.<name>.port}.
	 * @return {@code true} for ephemeral ports
	 */
	boolean ephemeralPorts() default true;

}
