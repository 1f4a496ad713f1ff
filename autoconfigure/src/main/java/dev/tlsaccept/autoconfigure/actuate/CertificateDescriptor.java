package dev.tlsaccept.autoconfigure.actuate;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A certificate as endpoints show it: names, serial number (hex) and validity; never the
 * certificate itself or any key. The subject and issuer are personal data for client
 * certificates and follow {@code show-values}, as do the subject alternative names.
 *
 * @param subject the subject DN, or {@code ******}
 * @param issuer the issuer DN, or {@code ******}
 * @param subjectAlternativeNames the subject alternative names as OpenSSL prints them
 * ({@code DNS:api.example.com}, {@code IP:192.0.2.7}, {@code email:...},
 * {@code URI:...}), each {@code ******} unless shown
 * @param serialNumber the serial number in hex
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param daysLeft whole days until {@code notAfter}, negative once expired
 * @param validity {@code VALID}, {@code EXPIRED} or {@code NOT_YET_VALID}
 */
public record CertificateDescriptor(@Nullable String subject, @Nullable String issuer,
		List<String> subjectAlternativeNames, String serialNumber, Instant notBefore, Instant notAfter, long daysLeft,
		String validity) {

	static CertificateDescriptor of(X509Certificate certificate, Instant now, ShowValues.Masker masker) {
		Instant notBefore = certificate.getNotBefore().toInstant();
		Instant notAfter = certificate.getNotAfter().toInstant();
		String validity = now.isBefore(notBefore) ? "NOT_YET_VALID" : now.isAfter(notAfter) ? "EXPIRED" : "VALID";
		return new CertificateDescriptor(masker.mask(certificate.getSubjectX500Principal().getName()),
				masker.mask(certificate.getIssuerX500Principal().getName()),
				subjectAlternativeNames(certificate).stream().map(masker::mask).toList(),
				certificate.getSerialNumber().toString(16), notBefore, notAfter, daysLeft(now, notAfter), validity);
	}

	/**
	 * The subject alternative names of a certificate, with the prefixes OpenSSL uses;
	 * names of other types as {@code othername}, {@code DirName:} and so on.
	 */
	static List<String> subjectAlternativeNames(X509Certificate certificate) {
		Collection<List<?>> names;
		try {
			names = certificate.getSubjectAlternativeNames();
		}
		catch (CertificateParsingException ex) {
			return List.of();
		}
		if (names == null) {
			return List.of();
		}
		List<String> described = new ArrayList<>();
		for (List<?> name : names) {
			int type = (Integer) name.get(0);
			Object value = name.get(1);
			String prefix = switch (type) {
				case 1 -> "email:";
				case 2 -> "DNS:";
				case 4 -> "DirName:";
				case 6 -> "URI:";
				case 7 -> "IP:";
				case 8 -> "RID:";
				default -> "othername:";
			};
			described.add(prefix + ((value instanceof String text) ? text : "<unsupported>"));
		}
		return List.copyOf(described);
	}

	static long daysLeft(Instant now, Instant notAfter) {
		return Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
	}

}
