package io.surety.broker.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.plain.internals.PlainServerCallbackHandler;

/**
 * The SASL mechanisms one listener serves, in the order configured, and a new kafka-clients
 * {@link SaslServer} for each authentication: PLAIN checks the {@code user_<name>="<password>"}
 * options of the listener's JAAS entry for {@code PlainLoginModule}, exactly as Kafka's
 * {@link PlainServerCallbackHandler} does. Immutable and thread-safe; the servers it creates belong
 * to one connection.
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
        Map<String, ServerFactory> factories = new LinkedHashMap<>();
        for (String mechanism : mechanisms) {
            if (!PlainSaslServer.PLAIN_MECHANISM.equals(mechanism)) {
                throw new IllegalArgumentException("mechanism " + mechanism + " is not served");
            }
            factories.put(mechanism, plain(jaasEntries.getOrDefault(mechanism, List.of())));
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
