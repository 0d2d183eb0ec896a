package io.surety.broker.security;

/**
 * The limits of SASL authentication on one listener, with Kafka's meanings.
 *
 * @param failedAuthenticationDelayMs {@code connection.failed.authentication.delay.ms}: a failed
 *     authentication is answered, and its connection closed, this long after the failure
 * @param maxReauthMs {@code connections.max.reauth.ms}: the longest session an authentication
 *     gives (KIP-368), 0 for sessions that never expire
 * @param maxReceiveBytes {@code sasl.server.max.receive.size}: the largest frame accepted before
 *     the connection is authenticated
 */
public record SaslSettings(long failedAuthenticationDelayMs, long maxReauthMs, int maxReceiveBytes) {

    public SaslSettings {
        if (failedAuthenticationDelayMs < 0 || maxReauthMs < 0 || maxReceiveBytes < 1) {
            throw new IllegalArgumentException("invalid SASL settings: " + failedAuthenticationDelayMs + " ms, "
                    + maxReauthMs + " ms, " + maxReceiveBytes + " bytes");
        }
    }
}
