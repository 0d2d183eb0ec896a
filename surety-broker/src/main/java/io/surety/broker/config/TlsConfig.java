package io.surety.broker.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;

/**
 * The TLS settings of the SSL listeners, with Kafka's keys: every {@code ssl.*} key Kafka's broker
 * security definition has ({@code BrokerSecurityConfigs}), each one overridable for one listener as
 * {@code listener.name.<listener>.ssl.*} (the listener's name in lower case, as Kafka writes it).
 * They are parsed and checked by Kafka's own definition, so types, defaults and allowed values
 * ({@code ssl.client.auth=required|requested|none}) are Kafka's. Stateless.
 */
public final class TlsConfig {

    private static final ConfigDef DEFINITION = sslOnly();
    /** The {@code ssl.*} keys. */
    static final Set<String> KEYS = Set.copyOf(DEFINITION.names());
    private static final Pattern PER_LISTENER = Pattern.compile("listener\\.name\\.([^.]+)\\.(ssl\\..+)");

    private TlsConfig() {
    }

    private static ConfigDef sslOnly() {
        ConfigDef ssl = new ConfigDef();
        for (ConfigDef.ConfigKey key : BrokerSecurityConfigs.CONFIG_DEF.configKeys().values()) {
            if (key.name.startsWith("ssl.")) {
                ssl.define(key);
            }
        }
        return ssl;
    }

    /** Whether {@code key} is a TLS setting, general or for one listener. */
    static boolean isKnown(String key) {
        if (KEYS.contains(key)) {
            return true;
        }
        Matcher perListener = PER_LISTENER.matcher(key);
        return perListener.matches() && KEYS.contains(perListener.group(2));
    }

    /** Every TLS key in its general form, for the refusal of an unknown key to suggest the nearest. */
    static Set<String> keys() {
        return new TreeSet<>(KEYS);
    }

    /**
     * The TLS settings of listener {@code listenerName}: the general {@code ssl.*} values, each
     * replaced by its {@code listener.name.<listener>.} form where given, parsed by Kafka's
     * definition (passwords as {@code Password}, lists as lists, defaults filled in), as kafka-clients'
     * {@code DefaultSslEngineFactory} takes them.
     *
     * @throws ConfigException naming the key when a value is not one Kafka accepts
     */
    public static Map<String, Object> forListener(Map<String, String> originals, String listenerName) {
        String prefix = "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> values = new HashMap<>();
        for (String key : KEYS) {
            String value = originals.getOrDefault(prefix + key, originals.get(key));
            if (value != null) {
                values.put(key, value);
            }
        }
        return Collections.unmodifiableMap(new HashMap<>(DEFINITION.parse(values)));
    }
}
