package io.surety.broker.security;

import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * SCRAM credentials held in memory, by mechanism and user. A password given here is turned into
 * Kafka's stored form at once (kafka-clients' {@link ScramFormatter}: a random salt, the stored and
 * server keys) and is not kept. Thread-safe; a change is seen by the next authentication.
 */
public final class InMemoryScramCredentials implements ScramCredentialStore {

    private final Map<String, Map<String, ScramCredential>> byMechanism = new ConcurrentHashMap<>();

    /**
     * Sets {@code user}'s credential for {@code mechanism} from {@code password} with
     * {@code iterations} rounds, within the mechanism's bounds (4096 to 16384, as Kafka checks).
     *
     * @throws IllegalArgumentException for an unknown mechanism, an empty user name or iterations out of bounds
     */
    public void put(String mechanism, String user, String password, int iterations) {
        ScramMechanism scram = mechanism(mechanism);
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM user needs a name");
        }
        if (iterations < scram.minIterations() || iterations > scram.maxIterations()) {
            throw new IllegalArgumentException("iterations must be between " + scram.minIterations() + " and "
                    + scram.maxIterations() + ", not " + iterations);
        }
        try {
            put(mechanism, user, new ScramFormatter(scram).generateCredential(password, iterations));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no " + scram.hashAlgorithm(), e);
        }
    }

    /** Sets {@code user}'s stored credential for {@code mechanism}. */
    public void put(String mechanism, String user, ScramCredential credential) {
        mechanism(mechanism);
        byMechanism.computeIfAbsent(mechanism, key -> new ConcurrentHashMap<>()).put(user, credential);
    }

    /** Removes {@code user}'s credential for {@code mechanism}; returns whether there was one. */
    public boolean remove(String mechanism, String user) {
        Map<String, ScramCredential> users = byMechanism.get(mechanism);
        return users != null && users.remove(user) != null;
    }

    @Override
    public Optional<ScramCredential> credential(String mechanism, String user) {
        Map<String, ScramCredential> users = byMechanism.get(mechanism);
        return users == null ? Optional.empty() : Optional.ofNullable(users.get(user));
    }

    private static ScramMechanism mechanism(String name) {
        ScramMechanism scram = ScramMechanism.forMechanismName(name);
        if (scram == null) {
            throw new IllegalArgumentException("not a SCRAM mechanism: " + name);
        }
        return scram;
    }
}
