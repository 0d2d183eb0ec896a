package io.surety.broker.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.PlainLoginModule;

/**
 * The SASL settings of the SASL_PLAINTEXT and SASL_SSL listeners, with Kafka's keys and meanings:
 * <ul>
 *   <li>{@code sasl.enabled.mechanisms} (Kafka's default GSSAPI, which Surety does not serve, so a
 *       SASL listener must name its mechanisms), or {@code listener.name.<l>.sasl.enabled.mechanisms};
 *   <li>{@code listener.name.<l>.<mechanism>.sasl.jaas.config}, Kafka's JAAS setting of one
 *       mechanism on one listener (PLAIN's users are its {@code user_<name>="<password>"} options);
 *       {@code sasl.jaas.config} applies to every listener and mechanism without one (Kafka ignores
 *       it on a broker); without either, the JVM's JAAS file, as in Kafka;
 *   <li>{@code sasl.server.max.receive.size}: the largest frame before authentication;
 *   <li>{@code connection.failed.authentication.delay.ms}: the wait before a failed authentication
 *       is answered and closed;
 *   <li>{@code connections.max.reauth.ms} (or {@code listener.name.<l>.<mechanism>.connections.max.reauth.ms}):
 *       the longest session (KIP-368), 0 for no limit.
 * </ul>
 * Every mistake is refused in one line that names the key and what to set. Stateless.
 */
public final class SaslConfig {

    public static final String SASL_ENABLED_MECHANISMS = BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG;
    public static final String SASL_JAAS_CONFIG = "sasl.jaas.config";
    public static final String SASL_SERVER_MAX_RECEIVE_SIZE = BrokerSecurityConfigs.SASL_SERVER_MAX_RECEIVE_SIZE_CONFIG;
    public static final String CONNECTIONS_MAX_REAUTH_MS = "connections.max.reauth.ms";
    public static final String CONNECTION_FAILED_AUTHENTICATION_DELAY_MS = "connection.failed.authentication.delay.ms";
    /** Inter-broker SASL: accepted for Kafka's files, without effect (brokers do not replicate over SASL yet). */
    static final String SASL_MECHANISM_INTER_BROKER_PROTOCOL = "sasl.mechanism.inter.broker.protocol";

    /** The mechanisms served. */
    public static final List<String> SERVED = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SASL_ENABLED_MECHANISMS, Type.LIST, "GSSAPI", Importance.MEDIUM,
                    "The SASL mechanisms of the SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512.")
            .define(SASL_JAAS_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                    "JAAS login module for every SASL listener and mechanism without its own setting.")
            .define(SASL_SERVER_MAX_RECEIVE_SIZE, Type.INT, BrokerSecurityConfigs.DEFAULT_SASL_SERVER_MAX_RECEIVE_SIZE,
                    Range.atLeast(1), Importance.LOW, "The largest frame accepted before authentication.")
            .define(CONNECTIONS_MAX_REAUTH_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "The longest SASL session; the client re-authenticates before it ends (KIP-368). 0: no limit.")
            .define(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS, Type.INT, 100, Range.atLeast(0), Importance.LOW,
                    "How long a failed authentication waits before it is answered and closed.")
            .define(SASL_MECHANISM_INTER_BROKER_PROTOCOL, Type.STRING, "GSSAPI", Importance.LOW,
                    "The SASL mechanism brokers replicate with; no effect yet.");

    private static final Pattern PER_LISTENER = Pattern.compile(
            "listener\\.name\\.([^.]+)\\.(?:([a-z0-9-]+)\\.)?(sasl\\.enabled\\.mechanisms|sasl\\.jaas\\.config|"
                    + "connections\\.max\\.reauth\\.ms)");

    private SaslConfig() {
    }

    /**
     * The SASL settings of one listener.
     *
     * @param mechanisms the mechanisms served, in the order configured
     * @param jaasEntries per mechanism, its JAAS login module entries (empty for a SCRAM mechanism
     *     without one: its users come from the credential store)
     * @param maxReauthMs per mechanism, {@code connections.max.reauth.ms}
     * @param maxReceiveBytes {@code sasl.server.max.receive.size}
     * @param failedAuthenticationDelayMs {@code connection.failed.authentication.delay.ms}
     */
    public record ListenerSasl(List<String> mechanisms, Map<String, List<AppConfigurationEntry>> jaasEntries,
            Map<String, Long> maxReauthMs, int maxReceiveBytes, long failedAuthenticationDelayMs) {
        public ListenerSasl {
            mechanisms = List.copyOf(mechanisms);
            jaasEntries = Map.copyOf(jaasEntries);
            maxReauthMs = Map.copyOf(maxReauthMs);
        }
    }

    /** Whether {@code key} is a SASL setting, general or for one listener (and mechanism). */
    static boolean isKnown(String key) {
        if (DEFINITION.names().contains(key)) {
            return true;
        }
        Matcher perListener = PER_LISTENER.matcher(key);
        if (!perListener.matches()) {
            return false;
        }
        boolean withMechanism = perListener.group(2) != null;
        return withMechanism != SASL_ENABLED_MECHANISMS.equals(perListener.group(3));
    }

    /** Every SASL key in its general form. */
    static Set<String> keys() {
        return new TreeSet<>(DEFINITION.names());
    }

    /** Parses the general values, refusing a wrong type or range in one line naming the key. */
    static Map<String, Object> parse(Map<String, String> originals) {
        Map<String, String> values = new HashMap<>();
        for (String key : DEFINITION.names()) {
            if (originals.containsKey(key)) {
                values.put(key, originals.get(key));
            }
        }
        return DEFINITION.parse(values);
    }

    /**
     * Checks what spans keys: a failed authentication must be closed before the connection would
     * be closed as idle, as Kafka requires.
     */
    static void check(Map<String, Object> parsed, long connectionsMaxIdleMs) {
        int delayMs = (Integer) parsed.get(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS);
        if (delayMs >= connectionsMaxIdleMs) {
            throw new ConfigException(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS, delayMs, "must be less than "
                    + BrokerConfig.CONNECTIONS_MAX_IDLE_MS + " (" + connectionsMaxIdleMs + ")");
        }
    }

    /**
     * The SASL settings of listener {@code listenerName} (its {@code listener.name.<l>.} forms
     * first), with each mechanism's JAAS entries loaded by kafka-clients' {@link JaasContext}.
     *
     * @throws ConfigException in one line naming the key and what to set: GSSAPI (Kafka's default)
     *     or OAUTHBEARER or an unknown mechanism enabled, no mechanism, PLAIN without users, a JAAS
     *     setting that does not parse
     */
    public static ListenerSasl forListener(Map<String, String> originals, String listenerName) {
        Map<String, Object> general = parse(originals);
        String lower = listenerName.toLowerCase(Locale.ROOT);
        String prefix = "listener.name." + lower + ".";
        String mechanismsKey = originals.containsKey(prefix + SASL_ENABLED_MECHANISMS) ? prefix + SASL_ENABLED_MECHANISMS
                : SASL_ENABLED_MECHANISMS;
        List<String> mechanisms = mechanisms(mechanismsKey, originals.getOrDefault(mechanismsKey, "GSSAPI"), listenerName);
        Map<String, List<AppConfigurationEntry>> jaas = new LinkedHashMap<>();
        Map<String, Long> reauth = new LinkedHashMap<>();
        for (String mechanism : mechanisms) {
            String mechanismPrefix = prefix + mechanism.toLowerCase(Locale.ROOT) + ".";
            jaas.put(mechanism, jaasEntries(originals, listenerName, mechanism, mechanismPrefix + SASL_JAAS_CONFIG));
            String reauthKey = mechanismPrefix + CONNECTIONS_MAX_REAUTH_MS;
            reauth.put(mechanism, originals.containsKey(reauthKey) ? reauthMs(reauthKey, originals.get(reauthKey))
                    : (Long) general.get(CONNECTIONS_MAX_REAUTH_MS));
        }
        return new ListenerSasl(mechanisms, jaas, reauth, (Integer) general.get(SASL_SERVER_MAX_RECEIVE_SIZE),
                (Integer) general.get(CONNECTION_FAILED_AUTHENTICATION_DELAY_MS));
    }

    private static List<String> mechanisms(String key, String value, String listenerName) {
        List<String> out = new ArrayList<>();
        for (String entry : value.split(",")) {
            String mechanism = entry.trim();
            if (mechanism.isEmpty() || out.contains(mechanism)) {
                continue;
            }
            if ("GSSAPI".equals(mechanism)) {
                throw new ConfigException(key, value, "listener " + listenerName + " takes SASL with GSSAPI (Kerberos), "
                        + "Kafka's default mechanism, which Surety does not serve; set " + key + " to PLAIN, "
                        + "SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            if ("OAUTHBEARER".equals(mechanism)) {
                throw new ConfigException(key, value, "OAUTHBEARER is not served yet; set " + key + " to PLAIN, "
                        + "SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            if (!SERVED.contains(mechanism)) {
                throw new ConfigException(key, value, "unknown SASL mechanism " + mechanism + " (names are upper "
                        + "case); Surety serves " + String.join(", ", SERVED));
            }
            out.add(mechanism);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, value, "listener " + listenerName + " takes SASL but no mechanism is "
                    + "enabled; set " + key + " to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        }
        return out;
    }

    private static long reauthMs(String key, String value) {
        Object parsed = ConfigDef.parseType(key, value, Type.LONG);
        long ms = (Long) parsed;
        if (ms < 0) {
            throw new ConfigException(key, value, "must be 0 (no limit) or more");
        }
        return ms;
    }

    /**
     * The JAAS entries of {@code mechanism} on the listener: its own setting, else
     * {@code sasl.jaas.config}, else the JVM's JAAS file. PLAIN must end with PlainLoginModule
     * users; a SCRAM mechanism may have none.
     */
    private static List<AppConfigurationEntry> jaasEntries(Map<String, String> originals, String listenerName,
            String mechanism, String key) {
        String usedKey = originals.containsKey(key) ? key : SASL_JAAS_CONFIG;
        String text = originals.get(usedKey);
        Map<String, Object> dynamic = new HashMap<>();
        if (text != null) {
            dynamic.put(mechanism.toLowerCase(Locale.ROOT) + "." + SASL_JAAS_CONFIG, new Password(text));
        }
        List<AppConfigurationEntry> entries;
        try {
            entries = JaasContext.loadServerContext(new ListenerName(listenerName), mechanism, dynamic)
                    .configurationEntries();
        } catch (IllegalArgumentException | SecurityException e) {
            if (text == null && !"PLAIN".equals(mechanism)) {
                return List.of();
            }
            if (text == null) {
                throw new ConfigException("listener " + listenerName + " enables PLAIN but has no JAAS setting with "
                        + "its users: set " + key + "=" + PlainLoginModule.class.getName() + " required "
                        + "user_<name>=\"<password>\";");
            }
            throw new ConfigException(usedKey, new Password(text), "not a JAAS setting Kafka can read ("
                    + e.getMessage() + "); write it as <LoginModule class> required <option>=\"<value>\" ...;");
        }
        if ("PLAIN".equals(mechanism) && entries.stream().noneMatch(entry ->
                PlainLoginModule.class.getName().equals(entry.getLoginModuleName()))) {
            throw new ConfigException(usedKey, new Password(Objects.toString(text, "")), "PLAIN on listener "
                    + listenerName + " needs " + PlainLoginModule.class.getName() + " with user_<name>=\"<password>\" "
                    + "options");
        }
        return entries;
    }
}
