package io.surety.broker.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values {@link org.apache.kafka.common.config.ConfigDef#parse} produced, read with their
 * types, from which each area record is built. Package-private: only the records' {@code from}
 * factories read it. Immutable.
 *
 * <p>Implementation notes: every key read here is defined, with its type and default, in
 * {@link BrokerConfig}'s definition; a cast that fails means a key is read with the wrong type,
 * a programming error caught by every test that builds a configuration.
 */
final class ParsedSettings {

    private final Map<String, Object> values;

    ParsedSettings(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    int intValue(String key) {
        return (Integer) values.get(key);
    }

    /** An INT setting without a default, or null when it is unset. */
    Integer optionalInt(String key) {
        return (Integer) values.get(key);
    }

    short shortValue(String key) {
        return (Short) values.get(key);
    }

    long longValue(String key) {
        return (Long) values.get(key);
    }

    /** A LONG setting without a default, or null when it is unset. */
    Long optionalLong(String key) {
        return (Long) values.get(key);
    }

    double doubleValue(String key) {
        return (Double) values.get(key);
    }

    boolean booleanValue(String key) {
        return (Boolean) values.get(key);
    }

    String string(String key) {
        return (String) values.get(key);
    }

    @SuppressWarnings("unchecked")
    List<String> list(String key) {
        return (List<String>) values.get(key);
    }
}
