package io.surety.broker.config;

import org.apache.kafka.common.config.ConfigException;

/**
 * The replication settings, with Kafka's names and defaults (replication-design.md §6.9). On a
 * single node they are parsed and checked but change nothing: one node holds one replica. Immutable.
 *
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long leaves the ISR
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}: how long a follower's fetch waits for data
 * @param replicaFetchMaxBytes {@code replica.fetch.max.bytes}: bytes per partition in a follower's fetch
 *     (at least one batch is always returned, KIP-74)
 * @param replicaFetchResponseMaxBytes {@code replica.fetch.response.max.bytes}: bytes in a whole follower fetch response
 * @param replicaFetchMinBytes {@code replica.fetch.min.bytes}: bytes a follower's fetch waits for
 * @param numReplicaFetchers {@code num.replica.fetchers}: fetcher threads per source broker
 * @param brokerSessionTimeoutMs {@code broker.session.timeout.ms}: a broker without heartbeat this long is fenced
 * @param brokerHeartbeatIntervalMs {@code broker.heartbeat.interval.ms}: how often a broker heartbeats
 * @param controlledShutdownEnable {@code controlled.shutdown.enable}: move leadership away before a clean stop exits
 * @param quorumElectionTimeoutMs {@code controller.quorum.election.timeout.ms}: the quorum's election timeout
 * @param minInsyncReplicas {@code min.insync.replicas}: the topics' default least ISR size for acks=all
 * @param uncleanLeaderElectionEnable {@code unclean.leader.election.enable}: the topics' default for electing
 *     a replica outside the ISR, losing records
 * @param replicaFetchBackoffMs {@code replica.fetch.backoff.ms}: how long a follower waits before fetching a
 *     partition again after an error (a lost connection, a corrupt batch, a leader not ready)
 * @param replicaHighWatermarkCheckpointIntervalMs {@code replica.high.watermark.checkpoint.interval.ms}: how
 *     often the replicas' high watermarks are written to {@code replication-offset-checkpoint} when one
 *     changed; 0 or below, only at a clean stop (Kafka's scheduler runs such a task once)
 */
public record ReplicationConfig(
        long replicaLagTimeMaxMs,
        int replicaFetchWaitMaxMs,
        int replicaFetchMaxBytes,
        int replicaFetchResponseMaxBytes,
        int replicaFetchMinBytes,
        int numReplicaFetchers,
        int brokerSessionTimeoutMs,
        int brokerHeartbeatIntervalMs,
        boolean controlledShutdownEnable,
        int quorumElectionTimeoutMs,
        int minInsyncReplicas,
        boolean uncleanLeaderElectionEnable,
        int replicaFetchBackoffMs,
        long replicaHighWatermarkCheckpointIntervalMs) {

    /** Checks what spans several keys, as Kafka does at start. */
    public ReplicationConfig {
        if (replicaFetchWaitMaxMs > replicaLagTimeMaxMs) {
            throw new ConfigException(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS + "=" + replicaFetchWaitMaxMs + " is above "
                    + BrokerConfig.REPLICA_LAG_TIME_MAX_MS + "=" + replicaLagTimeMaxMs + "; a follower waiting that long "
                    + "would leave the ISR while it waits: lower it");
        }
        if (brokerHeartbeatIntervalMs >= brokerSessionTimeoutMs) {
            throw new ConfigException(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS + "=" + brokerHeartbeatIntervalMs
                    + " is not below " + BrokerConfig.BROKER_SESSION_TIMEOUT_MS + "=" + brokerSessionTimeoutMs
                    + "; every broker would be fenced between two heartbeats: make the interval shorter");
        }
    }

    static ReplicationConfig from(ParsedSettings values) {
        return new ReplicationConfig(values.longValue(BrokerConfig.REPLICA_LAG_TIME_MAX_MS),
                values.intValue(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS),
                values.intValue(BrokerConfig.REPLICA_FETCH_MAX_BYTES),
                values.intValue(BrokerConfig.REPLICA_FETCH_RESPONSE_MAX_BYTES),
                values.intValue(BrokerConfig.REPLICA_FETCH_MIN_BYTES),
                values.intValue(BrokerConfig.NUM_REPLICA_FETCHERS),
                values.intValue(BrokerConfig.BROKER_SESSION_TIMEOUT_MS),
                values.intValue(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS),
                values.booleanValue(BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE),
                values.intValue(BrokerConfig.CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS),
                values.intValue(BrokerConfig.MIN_INSYNC_REPLICAS),
                values.booleanValue(BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE),
                values.intValue(BrokerConfig.REPLICA_FETCH_BACKOFF_MS),
                values.longValue(BrokerConfig.REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS));
    }
}
