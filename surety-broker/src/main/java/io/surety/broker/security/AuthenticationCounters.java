package io.surety.broker.security;

import io.surety.broker.metrics.AuthenticationMetrics;
import java.util.Objects;

/** Counts one listener's authentications in the broker's {@link AuthenticationMetrics}. Thread-safe. */
public final class AuthenticationCounters implements AuthenticationEvents {

    private final AuthenticationMetrics metrics;
    private final String listenerName;

    public AuthenticationCounters(AuthenticationMetrics metrics, String listenerName) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.listenerName = Objects.requireNonNull(listenerName, "listenerName");
    }

    @Override
    public void succeeded(String mechanism, boolean reauthentication) {
        metrics.authenticated(listenerName, mechanism, reauthentication, true);
    }

    @Override
    public void failed(String mechanism, boolean reauthentication) {
        metrics.authenticated(listenerName, mechanism, reauthentication, false);
    }

    @Override
    public void expired() {
        metrics.expired(listenerName);
    }
}
