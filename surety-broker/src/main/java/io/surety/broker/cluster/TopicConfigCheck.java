package io.surety.broker.cluster;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validates a topic's whole set of config overrides (the broker's topic config definition, which
 * the wiring passes in so this package keeps one rule set with single-node mode).
 */
@FunctionalInterface
public interface TopicConfigCheck {

    /** Throws {@link ConfigException} naming the first key or value that is not acceptable. */
    void check(Map<String, String> overrides) throws ConfigException;
}
