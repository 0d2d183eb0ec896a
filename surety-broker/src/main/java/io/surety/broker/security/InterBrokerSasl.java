package io.surety.broker.security;

import io.surety.broker.config.SaslConfig;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;

/**
 * How this broker logs in to its peers when the inter-broker listener takes SASL, as a Kafka
 * broker does: with {@code sasl.mechanism.inter.broker.protocol} (PLAIN or SCRAM), as the
 * {@code username}/{@code password} of that listener's JAAS setting for the mechanism (Kafka's
 * broker JAAS carries them beside the {@code user_<name>} entries it checks others against).
 * Immutable; each connection gets a SASL client of its own.
 */
public final class InterBrokerSasl {

    public static final String MECHANISM = "sasl.mechanism.inter.broker.protocol";

    private final String mechanism;
    private final String username;
    private final String password;

    private InterBrokerSasl(String mechanism, String username, String password) {
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
    }

    /**
     * The login of listener {@code listenerName}, whose SASL settings are {@code listener}, with
     * {@code mechanism}.
     *
     * @throws ConfigException in one line naming what to set when the mechanism is missing, not one
     *     Surety serves, not enabled on the listener, or its JAAS setting has no username or password
     */
    public static InterBrokerSasl of(String mechanism, String listenerName, List<String> enabled,
            Map<String, List<AppConfigurationEntry>> jaasEntries) {
        if (mechanism == null || !SaslConfig.SERVED.contains(mechanism)) {
            throw new ConfigException(MECHANISM, mechanism, "brokers replicate over SASL listener " + listenerName
                    + " with " + String.join(", ", SaslConfig.SERVED) + "; set " + MECHANISM + " to one of them"
                    + (mechanism == null ? " (Kafka's default, GSSAPI, is not served)" : ""));
        }
        if (!enabled.contains(mechanism)) {
            throw new ConfigException(MECHANISM, mechanism, "listener " + listenerName + " does not enable it "
                    + "(sasl.enabled.mechanisms=" + String.join(",", enabled) + ")");
        }
        List<AppConfigurationEntry> entries = jaasEntries.getOrDefault(mechanism, List.of());
        for (AppConfigurationEntry entry : entries) {
            Object username = entry.getOptions().get("username");
            Object password = entry.getOptions().get("password");
            if (username != null && password != null) {
                return new InterBrokerSasl(mechanism, username.toString(), password.toString());
            }
        }
        throw new ConfigException(MECHANISM, mechanism, "the JAAS setting of listener " + listenerName + " for "
                + mechanism + " has no username and password for this broker's own logins; add username=\"...\" "
                + "password=\"...\" to listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT) + "."
                + mechanism.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config");
    }

    public String mechanism() {
        return mechanism;
    }

    /** A new SASL client for one connection to the peer at {@code host}. */
    public SaslClient newClient(String host) throws SaslException {
        CallbackHandler credentials = (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(username);
                } else if (callback instanceof PasswordCallback secret) {
                    secret.setPassword(password.toCharArray());
                }
                // Others (SCRAM's extensions) are left at their defaults: no extensions.
            }
        };
        ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
        if (scram != null) {
            try {
                return new ScramSaslClient(scram, credentials);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new SaslException("this JVM has no " + scram.hashAlgorithm(), e);
            }
        }
        return Sasl.createSaslClient(new String[] {mechanism}, null, "kafka", host, Map.of(), credentials);
    }

    @Override
    public String toString() {
        return mechanism + " as " + username;
    }
}
