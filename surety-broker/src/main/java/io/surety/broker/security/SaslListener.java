package io.surety.broker.security;

import java.util.Objects;

/**
 * What a SASL listener's connections authenticate with: its mechanisms and limits. Each
 * connection gets an authenticator of its own. Immutable and thread-safe.
 */
public record SaslListener(SaslMechanisms mechanisms, SaslSettings settings, AuthenticationEvents events) {

    public SaslListener {
        Objects.requireNonNull(mechanisms, "mechanisms");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(events, "events");
    }

    /** A new authenticator for one connection. */
    public SaslAuthenticator newAuthenticator() {
        return new SaslAuthenticator(mechanisms, settings, events);
    }
}
