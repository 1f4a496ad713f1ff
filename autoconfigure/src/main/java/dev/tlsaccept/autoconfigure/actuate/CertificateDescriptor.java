package dev.tlsaccept.autoconfigure.actuate;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A certificate as endpoints show it: names, serial number (hex) and validity; never the
 * certificate itself or any key. The subject and issuer are personal data for client
 * certificates and follow {@code show-values}.
 *
 * @param subject the subject DN, or {@code ******}
 * @param issuer the issuer DN, or {@code ******}
 * @param serialNumber the serial number in hex
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param daysLeft whole days until {@code notAfter}, negative once expired
 * @param validity {@code VALID}, {@code EXPIRED} or {@code NOT_YET_VALID}
 */
public record CertificateDescriptor(@Nullable String subject, @Nullable String issuer, String serialNumber,
		Instant notBefore, Instant notAfter, long daysLeft, String validity) {

	static CertificateDescriptor of(X509Certificate certificate, Instant now, ShowValues.Masker masker) {
		Instant notBefore = certificate.getNotBefore().toInstant();
		Instant notAfter = certificate.getNotAfter().toInstant();
		String validity = now.isBefore(notBefore) ? "NOT_YET_VALID" : now.isAfter(notAfter) ? "EXPIRED" : "VALID";
		return new CertificateDescriptor(masker.mask(certificate.getSubjectX500Principal().getName()),
				masker.mask(certificate.getIssuerX500Principal().getName()), certificate.getSerialNumber().toString(16),
				notBefore, notAfter, daysLeft(now, notAfter), validity);
	}

	static long daysLeft(Instant now, Instant notAfter) {
		return Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
	}

}
