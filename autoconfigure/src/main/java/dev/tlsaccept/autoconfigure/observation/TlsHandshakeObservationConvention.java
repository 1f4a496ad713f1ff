package dev.tlsaccept.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of tlsaccept's handshake observations: a bean of this
 * type replaces {@link DefaultTlsHandshakeObservationConvention} (extend that one to add
 * or drop a key value).
 */
public interface TlsHandshakeObservationConvention extends ObservationConvention<TlsHandshakeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TlsHandshakeObservationContext;
	}

}
