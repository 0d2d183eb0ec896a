package io.surety.broker.security;

import java.util.Optional;
import org.apache.kafka.common.security.scram.ScramCredential;

/**
 * Where the SCRAM mechanisms find a user's credential: only salt, stored key, server key and
 * iterations, never a password. Implementations must be thread-safe: authentications on every
 * connection read it while users are added and removed.
 */
public interface ScramCredentialStore {

    /** The credential of {@code user} for {@code mechanism} (SCRAM-SHA-256 or SCRAM-SHA-512), if there is one. */
    Optional<ScramCredential> credential(String mechanism, String user);
}
