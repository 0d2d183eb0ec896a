package io.surety.broker.security;

import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.authenticator.CredentialCache;
import org.apache.kafka.common.security.plain.internals.PlainServerCallbackHandler;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;
import org.apache.kafka.common.security.scram.internals.ScramServerCallbackHandler;
import org.apache.kafka.common.security.token.delegation.internals.DelegationTokenCache;

/**
 * The SASL mechanisms one listener serves, in the order configured, and a new kafka-clients
 * {@link SaslServer} for each authentication: PLAIN checks the {@code user_<name>="<password>"}
 * options of the listener's JAAS entry for {@code PlainLoginModule}, exactly as Kafka's
 * {@link PlainServerCallbackHandler} does; SCRAM-SHA-256 and SCRAM-SHA-512 check a
 * {@link ScramCredentialStore} with Kafka's own SCRAM server. Immutable and thread-safe; the
 * servers it creates belong to one connection.
 */
public final class SaslMechanisms {

    /** Creates the server side of one authentication exchange. */
    @FunctionalInterface
    public interface ServerFactory {
        SaslServer create() throws SaslException;
    }

    private final Map<String, ServerFactory> factories;
    private final List<String> enabled;

    private SaslMechanisms(Map<String, ServerFactory> factories) {
        if (factories.isEmpty()) {
            throw new IllegalArgumentException("no SASL mechanism enabled");
        }
        this.factories = Map.copyOf(factories);
        this.enabled = List.copyOf(factories.keySet());
    }

    /**
     * The mechanisms {@code mechanisms}, each from its JAAS entries in {@code jaasEntries}.
     *
     * @throws IllegalArgumentException for a mechanism this broker does not serve (the configuration
     *     refuses those at start, naming the key)
     */
    public static SaslMechanisms of(List<String> mechanisms, Map<String, List<AppConfigurationEntry>> jaasEntries) {
        return of(mechanisms, jaasEntries, (mechanism, user) -> Optional.empty());
    }

    /**
     * The mechanisms {@code mechanisms}: PLAIN from its JAAS entries in {@code jaasEntries}, the
     * SCRAM ones from {@code scram}.
     *
     * @throws IllegalArgumentException for a mechanism this broker does not serve (the configuration
     *     refuses those at start, naming the key)
     */
    public static SaslMechanisms of(List<String> mechanisms, Map<String, List<AppConfigurationEntry>> jaasEntries,
            ScramCredentialStore scram) {
        Map<String, ServerFactory> factories = new LinkedHashMap<>();
        for (String mechanism : mechanisms) {
            if (PlainSaslServer.PLAIN_MECHANISM.equals(mechanism)) {
                factories.put(mechanism, plain(jaasEntries.getOrDefault(mechanism, List.of())));
            } else if (ScramMechanism.isScram(mechanism)) {
                factories.put(mechanism, scram(ScramMechanism.forMechanismName(mechanism), scram));
            } else {
                throw new IllegalArgumentException("mechanism " + mechanism + " is not served");
            }
        }
        return new SaslMechanisms(factories);
    }

    /** Mechanisms served by the given factories, in the map's order (tests, and mechanisms built elsewhere). */
    public static SaslMechanisms of(Map<String, ServerFactory> factories) {
        return new SaslMechanisms(new LinkedHashMap<>(Objects.requireNonNull(factories)));
    }

    private static ServerFactory plain(List<AppConfigurationEntry> entries) {
        PlainServerCallbackHandler callbacks = new PlainServerCallbackHandler();
        callbacks.configure(Map.of(), PlainSaslServer.PLAIN_MECHANISM, entries);
        return () -> new PlainSaslServer(callbacks);
    }

    /**
     * SCRAM through kafka-clients' {@link ScramSaslServer} and {@link ScramServerCallbackHandler},
     * whose credential cache reads {@code store} at each look-up. Delegation tokens are not served:
     * their cache stays empty, so a token login fails like an unknown user.
     */
    private static ServerFactory scram(ScramMechanism mechanism, ScramCredentialStore store) {
        String name = mechanism.mechanismName();
        CredentialCache.Cache<ScramCredential> credentials = new CredentialCache.Cache<>(ScramCredential.class) {
            @Override
            public ScramCredential get(String user) {
                return store.credential(name, user).orElse(null);
            }
        };
        ScramServerCallbackHandler callbacks = new ScramServerCallbackHandler(credentials,
                new DelegationTokenCache(ScramMechanism.mechanismNames()));
        callbacks.configure(Map.of(), name, List.of());
        return () -> {
            try {
                return new ScramSaslServer(mechanism, Map.of(), callbacks);
            } catch (NoSuchAlgorithmException e) {
                throw new SaslException("this JVM has no " + mechanism.hashAlgorithm(), e);
            }
        };
    }

    /** The mechanisms served, in the order configured (what a SaslHandshake answer lists). */
    public List<String> enabled() {
        return enabled;
    }

    boolean isEnabled(String mechanism) {
        return factories.containsKey(mechanism);
    }

    /** A new server for {@code mechanism}, which must be {@linkplain #isEnabled enabled}. */
    SaslServer newServer(String mechanism) throws SaslException {
        return factories.get(mechanism).create();
    }
}
