package io.surety.semantics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * One client's settings as the client itself reads them: the values the user set, parsed and
 * validated with the client's own {@link ConfigDef}, and for every key the user did not set, the
 * default of the kafka-clients version in use.
 *
 * <p>Immutable after construction; safe to share.
 *
 * <p>Implementation notes: the defaults come from {@code ProducerConfig.configDef()} /
 * {@code ConsumerConfig.configDef()} at run time, never from constants written here, so a missing
 * key means exactly what it means to the client on the class path (since 3.0: {@code acks=all},
 * {@code enable.idempotence=true}; since 4.0: {@code linger.ms=5}). Values of class type are not
 * loaded: the classes may exist only on the application's class path, not on the checker's.
 */
final class ClientSettings {

    private static final String CLIENT_DEFAULT = " (client default)";
    private static final String NOT_SET = "(not set)";

    private final Side side;
    private final ConfigDef definition;
    private final Map<String, Object> parsed = new LinkedHashMap<>();
    private final Map<String, String> written = new LinkedHashMap<>();
    private final Map<String, Object> defaults;
    private final List<Finding> problems = new ArrayList<>();

    private ClientSettings(Side side, Map<?, ?> raw) {
        this.side = side;
        this.definition = side == Side.PRODUCER ? ProducerConfig.configDef() : ConsumerConfig.configDef();
        this.defaults = definition.defaultValues();
        for (Map.Entry<?, ?> entry : raw.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
                read(String.valueOf(entry.getKey()), entry.getValue());
            }
        }
        checkBootstrap();
    }

    static ClientSettings producer(Map<?, ?> raw) {
        return new ClientSettings(Side.PRODUCER, raw);
    }

    static ClientSettings consumer(Map<?, ?> raw) {
        return new ClientSettings(Side.CONSUMER, raw);
    }

    Side side() {
        return side;
    }

    /** Unknown names, values the client rejects, and bad bootstrap addresses. */
    List<Finding> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** True if the user set {@code key} to a value the client accepts. */
    boolean isSet(String key) {
        return parsed.containsKey(key);
    }

    /** The value in force: the user's, parsed, or else the client default (absent if neither). */
    Optional<Object> value(String key) {
        if (parsed.containsKey(key)) {
            return Optional.of(parsed.get(key));
        }
        return Optional.ofNullable(defaults.get(key));
    }

    long longValue(String key) {
        return ((Number) value(key).orElseThrow()).longValue();
    }

    boolean booleanValue(String key) {
        return (Boolean) value(key).orElseThrow();
    }

    String stringValue(String key) {
        return value(key).map(String::valueOf).orElse("");
    }

    /** The value as a finding shows it: as written, or the default marked as such, or "(not set)". */
    String shown(String key) {
        if (written.containsKey(key)) {
            return written.get(key);
        }
        Object fallback = defaults.get(key);
        return fallback == null ? NOT_SET : text(fallback) + CLIENT_DEFAULT;
    }

    /** The user's settings as written, in their order: known and valid keys only. */
    Map<String, String> written() {
        Map<String, String> valid = new LinkedHashMap<>();
        parsed.keySet().forEach(key -> valid.put(key, written.get(key)));
        return valid;
    }

    private void read(String key, Object value) {
        ConfigDef.ConfigKey definitionKey = definition.configKeys().get(key);
        String shownValue = text(value);
        if (definitionKey == null) {
            problems.add(unknown(key, shownValue));
            return;
        }
        written.put(key, shownValue);
        if (definitionKey.type == ConfigDef.Type.CLASS || holdsClassNames(definitionKey)) {
            parsed.put(key, value);
            return;
        }
        try {
            Object typed = ConfigDef.parseType(key, value instanceof String s ? s.trim() : value, definitionKey.type);
            if (definitionKey.validator != null) {
                definitionKey.validator.ensureValid(key, typed);
            }
            parsed.put(key, typed);
        } catch (ConfigException e) {
            String allowed = definitionKey.validator != null ? "a value the client accepts: " + definitionKey.validator
                    : "a value of type " + definitionKey.type.name().toLowerCase(java.util.Locale.ROOT);
            problems.add(new Finding(side, key, shownValue, Severity.REFUSED,
                    "The " + side.label() + " refuses this value and will not start: " + e.getMessage(),
                    "Set " + key + " to " + allowed + "."));
        }
    }

    private static boolean holdsClassNames(ConfigDef.ConfigKey key) {
        return key.type == ConfigDef.Type.LIST
                && (key.name.endsWith(".classes") || key.name.endsWith(".class") || key.name.endsWith(".strategy")
                || key.name.endsWith(".reporters"));
    }

    private Finding unknown(String key, String value) {
        Side other = SettingNames.other(side);
        if (SettingNames.known(other).contains(key)) {
            return new Finding(side, key, value, Severity.WARNING,
                    key + " is a " + other.label() + " setting; the " + side.label() + " ignores it.",
                    "Move " + key + " to the " + other.label() + " settings, or remove it.");
        }
        Optional<String> closest = SettingNames.closest(side, key);
        String problem = key + " is not a " + side.label() + " setting of kafka-clients " + ClientVersion.inUse().text()
                + ": the client ignores it (a plug-in such as a serializer or interceptor may still read it).";
        String fix = closest.map(name -> "Did you mean " + name + "? Rename it.")
                .orElse("Check the spelling against the client's documented settings, or remove it.");
        return new Finding(side, key, value, Severity.WARNING, problem, fix);
    }

    private void checkBootstrap() {
        String key = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
        if (!parsed.containsKey(key)) {
            if (!written.containsKey(key)) {
                problems.add(new Finding(side, key, NOT_SET, Severity.REFUSED,
                        "The " + side.label() + " needs at least one broker address to start.",
                        "Set " + key + " to host:port[,host:port...], e.g. localhost:9092."));
            }
            return;
        }
        List<?> addresses = (List<?>) parsed.get(key);
        if (addresses.isEmpty()) {
            problems.add(new Finding(side, key, written.get(key), Severity.REFUSED,
                    "The " + side.label() + " needs at least one broker address to start.",
                    "Set " + key + " to host:port[,host:port...], e.g. localhost:9092."));
        }
        for (Object entry : addresses) {
            String address = String.valueOf(entry).trim();
            BootstrapAddress.problem(address).ifPresent(problem -> problems.add(new Finding(side, key, written.get(key),
                    Severity.REFUSED, "The " + side.label() + " refuses the address '" + address + "': " + problem,
                    "Write each address as host:port with a port from 1 to 65535, e.g. localhost:9092.")));
        }
    }

    static String text(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Class<?> type) {
            return type.getName();
        }
        return String.valueOf(value);
    }
}
