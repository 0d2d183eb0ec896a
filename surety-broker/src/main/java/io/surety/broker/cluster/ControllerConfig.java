package io.surety.broker.cluster;

/**
 * The settings the controller's decisions read, with Kafka's key names. Immutable.
 *
 * @param sessionTimeoutMs {@code broker.session.timeout.ms}: a broker that has not sent a
 *        heartbeat for this long is fenced
 * @param uncleanLeaderElectionEnable {@code unclean.leader.election.enable}: the default for
 *        topics without an override
 * @param defaultNumPartitions {@code num.partitions}: for CreateTopics without a count
 * @param defaultReplicationFactor {@code default.replication.factor}: for CreateTopics without one
 */
public record ControllerConfig(long sessionTimeoutMs, boolean uncleanLeaderElectionEnable, int defaultNumPartitions,
        short defaultReplicationFactor) {

    /** Kafka's defaults: 9000 ms sessions, unclean election off, 1 partition, replication factor 1. */
    public static ControllerConfig defaults() {
        return new ControllerConfig(9000, false, 1, (short) 1);
    }
}
