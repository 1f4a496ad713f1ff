package dev.tlsaccept.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

import dev.tlsaccept.keys.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A real {@link SpringApplication} picks the analyzer up from
 * {@code META-INF/spring.factories} and prints its report. The reports are also written
 * to {@code target/failure-analysis-examples.txt}, the source of the README's examples.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsListenerStartupFailureReportTests {

	private static final Path EXAMPLES = Paths.get("target", "failure-analysis-examples.txt");

	@TempDir
	Path directory;

	@Test
	void springApplicationReportsAPortInUse(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
			String report = failedStartup(output, "--tlsaccept.listeners.edge.port=" + taken.getLocalPort());
			assertThat(report).contains("APPLICATION FAILED TO START")
				.contains("TLS listener 'edge' failed to start: port " + taken.getLocalPort())
				.contains("Property: tlsaccept.listeners.edge.port")
				.contains("Value: \"" + taken.getLocalPort() + "\"")
				.contains("Origin: \"tlsaccept.listeners.edge.port\" from property source \"commandLineArgs\"")
				.contains("Action:")
				.contains("Identify and stop the process that is listening on port " + taken.getLocalPort());
		}
	}

	@Test
	void springApplicationReportsAnUnknownSslBundle(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.ssl-bundle=server");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.ssl-bundle")
			.contains("uses SSL bundle 'server', which does not exist")
			.contains("Configure the bundle under spring.ssl.bundle.pem.server");
	}

	@Test
	void springApplicationReportsAWrongKeyStorePasswordWithoutPrintingIt(CapturedOutput output) throws Exception {
		Path store = TestTls.writePkcs12(SelfSignedCertificate.generate(), this.directory.resolve("server.p12"),
				"right-password");
		String report = failedStartup(output, "--tlsaccept.listeners.edge.key-store.location=" + store,
				"--tlsaccept.listeners.edge.key-store.password=Hunter2-do-not-print");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.key-store.password")
			.doesNotContain("Hunter2-do-not-print");
		assertThat(output).doesNotContain("Hunter2-do-not-print");
	}

	@Test
	void springApplicationReportsAnUnknownEngine(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.engine=quantum");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.engine").contains("Value: \"quantum\"");
	}

	@Test
	void springApplicationReportsAKeyThatDoesNotMatchItsCertificate(CapturedOutput output) throws Exception {
		Path certificate = TestTls.writeCertificatePem(SelfSignedCertificate.generate(),
				this.directory.resolve("server.crt"));
		Path key = TestTls.writeKeyPem(SelfSignedCertificate.generate(), this.directory.resolve("other.key"));
		String report = failedStartup(output, "--tlsaccept.listeners.edge.key-store.certificate=" + certificate,
				"--tlsaccept.listeners.edge.key-store.private-key=" + key);
		assertThat(report).contains("Property: tlsaccept.listeners.edge.key-store.private-key")
			.contains("does not belong to certificate");
	}

	@Test
	void springApplicationReportsAProtocolTheEngineDoesNotKnow(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.protocols=TLSv1.3,TLSv1.4");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.protocols")
			.contains("Protocol 'TLSv1.4' is not supported by SunJSSE");
	}

	@Test
	void springApplicationReportsAnInvalidCidrBlock(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.allow=10.0.0.0/8,10.0.0.0/33");
		assertThat(report).contains("TLS listener 'edge' has an invalid entry in allow: '10.0.0.0/33'")
			.contains("Property: tlsaccept.listeners.edge.allow[1]")
			.contains("Value: \"10.0.0.0/8,10.0.0.0/33\"")
			.contains("Origin: \"tlsaccept.listeners.edge.allow\" from property source \"commandLineArgs\"")
			.contains("Set tlsaccept.listeners.edge.allow[1] to an IPv4 or IPv6 CIDR block");
	}

	@Test
	void springApplicationReportsAMisspelledKeyWithTheKnownOne(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.port=0",
				"--tlsaccept.listeners.edge.client-auht=need");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.client-auht")
			.contains("did you mean tlsaccept.listeners.edge.client-auth?")
			.contains("Value: \"need\"");
	}

	@Test
	void springApplicationReportsAProtocolBelowTheEngineFloor(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.port=0",
				"--tlsaccept.listeners.edge.protocols=TLSv1");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.protocols").contains("refuses to negotiate");
	}

	@Test
	void springApplicationReportsSuitesThatServeNoEnabledProtocol(CapturedOutput output) {
		String report = failedStartup(output, "--tlsaccept.listeners.edge.port=0",
				"--tlsaccept.listeners.edge.protocols=TLSv1.3",
				"--tlsaccept.listeners.edge.cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
		assertThat(report).contains("Property: tlsaccept.listeners.edge.cipher-suites")
			.contains("cannot complete any handshake");
	}

	private String failedStartup(CapturedOutput output, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] arguments = new String[args.length + 1];
		System.arraycopy(args, 0, arguments, 0, args.length);
		arguments[args.length] = "--spring.main.banner-mode=off";
		assertThatException().isThrownBy(() -> application.run(arguments).close());
		String all = output.getAll();
		int start = all.lastIndexOf("***************************");
		assertThat(start).as("failure report in the output").isPositive();
		String report = all.substring(all.lastIndexOf("***************************", start - 1));
		try {
			Files.writeString(EXAMPLES, report + System.lineSeparator(), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return report;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, TlsAcceptAutoConfiguration.class })
	static class TestApplication {

	}

}
