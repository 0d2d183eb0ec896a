package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * SASL authentication on the SASL listeners: {@code surety_authentications_total} and
 * {@code surety_reauthentications_total} (KIP-368), each by {@code listener}, {@code mechanism}
 * (one the listener enables, or {@code none} when the client asked for one it does not) and
 * {@code outcome} ({@code succeeded} or {@code failed}); and
 * {@code surety_connections_expired_total{listener}}: connections closed because their session
 * ended without a re-authentication. Label values are bounded by the configuration. Thread-safe,
 * lock-free.
 */
public final class AuthenticationMetrics {

    private static final String SUCCEEDED = "succeeded";
    private static final String FAILED = "failed";

    private final Counter authentications;
    private final Counter reauthentications;
    private final Counter expired;

    AuthenticationMetrics(PrometheusRegistry registry) {
        authentications = Counter.builder().name("surety_authentications_total")
                .help("SASL authentications, by listener, mechanism and outcome (succeeded, failed)")
                .labelNames("listener", "mechanism", "outcome").withoutExemplars().register(registry);
        reauthentications = Counter.builder().name("surety_reauthentications_total")
                .help("SASL re-authentications on open connections (KIP-368), by listener, mechanism and outcome")
                .labelNames("listener", "mechanism", "outcome").withoutExemplars().register(registry);
        expired = Counter.builder().name("surety_connections_expired_total")
                .help("Connections closed because their SASL session expired (connections.max.reauth.ms)")
                .labelNames("listener").withoutExemplars().register(registry);
    }

    /** One authentication on {@code listener} with {@code mechanism} ended; {@code reauthentication}: KIP-368. */
    public void authenticated(String listener, String mechanism, boolean reauthentication, boolean succeeded) {
        (reauthentication ? reauthentications : authentications).labelValues(listener, mechanism,
                succeeded ? SUCCEEDED : FAILED).inc();
    }

    /** A connection on {@code listener} was closed because its session expired. */
    public void expired(String listener) {
        expired.labelValues(listener).inc();
    }
}
