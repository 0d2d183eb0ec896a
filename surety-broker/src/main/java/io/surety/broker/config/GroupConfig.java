package io.surety.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The group coordinator's settings, Kafka's {@code group.*} and {@code offsets.*} keys: classic
 * groups, consumer-protocol (KIP-848) groups, committed offsets and the coordinator's journal.
 * Immutable; the constructor checks the settings that bound each other.
 *
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}: lowest classic session timeout accepted
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}: highest classic session timeout accepted
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: wait for more members when an empty
 *        group starts
 * @param classicMaxSize {@code group.max.size}: most members of a classic group
 * @param offsetsRetentionMs {@code offsets.retention.minutes}, in ms: how long offsets of an empty group live
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}: longest commit metadata string
 * @param journalCompactionBytes {@code offsets.topic.segment.bytes}: journal size before compaction is considered
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms} (KIP-848 groups)
 * @param consumerMinSessionTimeoutMs {@code group.consumer.min.session.timeout.ms}
 * @param consumerMaxSessionTimeoutMs {@code group.consumer.max.session.timeout.ms}
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms} (KIP-848 groups)
 * @param consumerMinHeartbeatIntervalMs {@code group.consumer.min.heartbeat.interval.ms}
 * @param consumerMaxHeartbeatIntervalMs {@code group.consumer.max.heartbeat.interval.ms}
 * @param consumerMaxSize {@code group.consumer.max.size}: most members of a consumer group
 * @param consumerAssignors {@code group.consumer.assignors}: server-side assignors ({@code uniform},
 *        {@code range}; Kafka's class names are mapped to them), the first is the default
 */
public record GroupConfig(
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        int classicMaxSize,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataMaxBytes,
        long journalCompactionBytes,
        int consumerSessionTimeoutMs,
        int consumerMinSessionTimeoutMs,
        int consumerMaxSessionTimeoutMs,
        int consumerHeartbeatIntervalMs,
        int consumerMinHeartbeatIntervalMs,
        int consumerMaxHeartbeatIntervalMs,
        int consumerMaxSize,
        List<String> consumerAssignors) {

    private static final Map<String, String> ASSIGNOR_NAMES = Map.of(
            "uniform", "uniform",
            "org.apache.kafka.coordinator.group.assignor.UniformAssignor", "uniform",
            "range", "range",
            "org.apache.kafka.coordinator.group.assignor.RangeAssignor", "range");

    /** Checks the settings that bound each other, and maps the assignors to their short names. */
    public GroupConfig {
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new ConfigException(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS, minSessionTimeoutMs,
                    "must not exceed " + BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS);
        }
        if (consumerSessionTimeoutMs < consumerMinSessionTimeoutMs
                || consumerSessionTimeoutMs > consumerMaxSessionTimeoutMs) {
            throw new ConfigException(BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS, consumerSessionTimeoutMs,
                    "must be within [" + BrokerConfig.GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS + ", "
                            + BrokerConfig.GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS + "]");
        }
        if (consumerHeartbeatIntervalMs < consumerMinHeartbeatIntervalMs
                || consumerHeartbeatIntervalMs > consumerMaxHeartbeatIntervalMs) {
            throw new ConfigException(BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, consumerHeartbeatIntervalMs,
                    "must be within [" + BrokerConfig.GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS + ", "
                            + BrokerConfig.GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS + "]");
        }
        if (consumerHeartbeatIntervalMs >= consumerSessionTimeoutMs) {
            throw new ConfigException(BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, consumerHeartbeatIntervalMs,
                    "must be lower than " + BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS);
        }
        consumerAssignors = assignorNames(consumerAssignors);
    }

    static GroupConfig from(ParsedSettings values) {
        return new GroupConfig(
                values.intValue(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                values.intValue(BrokerConfig.GROUP_MAX_SIZE),
                values.intValue(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L,
                values.longValue(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                values.intValue(BrokerConfig.OFFSET_METADATA_MAX_BYTES),
                values.intValue(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES),
                values.intValue(BrokerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS),
                values.intValue(BrokerConfig.GROUP_CONSUMER_MAX_SIZE),
                values.list(BrokerConfig.GROUP_CONSUMER_ASSIGNORS));
    }

    /** The settings when nothing is set: the definition's defaults, which are Kafka's. */
    public static GroupConfig defaults() {
        return BrokerConfig.defaults().groups();
    }

    private static List<String> assignorNames(List<String> entries) {
        List<String> names = new ArrayList<>();
        for (String entry : entries) {
            String name = ASSIGNOR_NAMES.get(entry.trim());
            if (name == null) {
                throw new ConfigException(BrokerConfig.GROUP_CONSUMER_ASSIGNORS, entry, "known assignors: uniform, range");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new ConfigException(BrokerConfig.GROUP_CONSUMER_ASSIGNORS, "", "at least one assignor is needed");
        }
        return List.copyOf(names);
    }
}
