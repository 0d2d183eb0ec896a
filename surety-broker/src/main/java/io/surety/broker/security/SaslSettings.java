package io.surety.broker.security;

import java.util.Map;

/**
 * The limits of SASL authentication on one listener, with Kafka's meanings.
 *
 * @param failedAuthenticationDelayMs {@code connection.failed.authentication.delay.ms}: a failed
 *     authentication is answered, and its connection closed, this long after the failure
 * @param maxReauthMs per mechanism, {@code connections.max.reauth.ms}: the longest session an
 *     authentication gives (KIP-368), 0 (or absent) for sessions that never expire
 * @param maxReceiveBytes {@code sasl.server.max.receive.size}: the largest frame accepted before
 *     the connection is authenticated
 */
public record SaslSettings(long failedAuthenticationDelayMs, Map<String, Long> maxReauthMs, int maxReceiveBytes) {

    public SaslSettings {
        maxReauthMs = Map.copyOf(maxReauthMs);
        if (failedAuthenticationDelayMs < 0 || maxReceiveBytes < 1
                || maxReauthMs.values().stream().anyMatch(ms -> ms < 0)) {
            throw new IllegalArgumentException("invalid SASL settings: " + failedAuthenticationDelayMs + " ms, "
                    + maxReauthMs + ", " + maxReceiveBytes + " bytes");
        }
    }

    /** The longest session of an authentication with {@code mechanism}; 0 for no limit. */
    long maxReauthMs(String mechanism) {
        return maxReauthMs.getOrDefault(mechanism, 0L);
    }
}
