package io.surety.broker.security;

import java.util.Objects;
import java.util.function.Function;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

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

    /** A new authenticator for one connection, naming it {@code User:<authorization id>}. */
    public SaslAuthenticator newAuthenticator() {
        return new SaslAuthenticator(mechanisms, settings, events);
    }

    /** A new authenticator for one connection, whose principal {@code principalOf} builds. */
    public SaslAuthenticator newAuthenticator(Function<SaslServer, KafkaPrincipal> principalOf) {
        return new SaslAuthenticator(mechanisms, settings, events, principalOf);
    }
}
