package io.surety.broker.coordinator;

import io.surety.broker.config.BrokerConfig;
import java.util.List;

/**
 * The group coordinator's settings, with the Kafka broker keys they come from. Immutable.
 *
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}: lowest classic session timeout accepted
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}: highest classic session timeout accepted
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: wait for more members when an empty group starts
 * @param classicMaxSize {@code group.max.size}: most members of a classic group
 * @param newMemberJoinTimeoutMs how long a new classic member's parked JoinGroup may wait (Kafka: 5 minutes)
 * @param offsetsRetentionMs {@code offsets.retention.minutes}, in ms: how long offsets of an empty group live
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}: longest commit metadata string
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms} (KIP-848 groups)
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms} (KIP-848 groups)
 * @param consumerMaxSize {@code group.consumer.max.size}: most members of a consumer group
 * @param consumerAssignors {@code group.consumer.assignors}: server-side assignors, the first is the default
 * @param journalCompactionBytes {@code offsets.topic.segment.bytes}: journal size before compaction is considered
 */
public record GroupCoordinatorConfig(
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        int classicMaxSize,
        int newMemberJoinTimeoutMs,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataMaxBytes,
        int consumerSessionTimeoutMs,
        int consumerHeartbeatIntervalMs,
        int consumerMaxSize,
        List<String> consumerAssignors,
        long journalCompactionBytes) {

    public GroupCoordinatorConfig {
        consumerAssignors = List.copyOf(consumerAssignors);
    }

    /** The settings in force for {@code config}. */
    public static GroupCoordinatorConfig of(BrokerConfig config) {
        return new GroupCoordinatorConfig(config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
                config.groupInitialRebalanceDelayMs(), config.groupMaxSize(), 5 * 60 * 1000,
                config.offsetsRetentionMs(), config.offsetsRetentionCheckIntervalMs(), config.offsetMetadataMaxBytes(),
                config.consumerSessionTimeoutMs(), config.consumerHeartbeatIntervalMs(), config.consumerMaxSize(),
                config.consumerAssignors(), config.offsetsTopicSegmentBytes());
    }

    /** Kafka's defaults, for tests. */
    static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 5 * 60 * 1000,
                7L * 24 * 3_600_000, 600_000, 4096, 45_000, 5_000, Integer.MAX_VALUE, List.of("uniform", "range"),
                100L * 1024 * 1024);
    }
}
