package io.surety.broker.replication;

import io.surety.broker.config.ReplicationConfig;
import io.surety.broker.partition.Partition;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * One Fetch a follower sends its leader, and what it asked for each partition, to match the answer
 * against. Kafka's follower fetch (KIP-903, KIP-279):
 * <ul>
 * <li>{@code ReplicaState{ReplicaId = this node, ReplicaEpoch = its broker epoch}}, the newest
 *     version both ends serve (the transport picks it), no fetch session;</li>
 * <li>{@code MaxWaitMs}, {@code MinBytes} and {@code MaxBytes} from {@code replica.fetch.wait.max.ms},
 *     {@code replica.fetch.min.bytes} and {@code replica.fetch.response.max.bytes};</li>
 * <li>per partition (by topic id): {@code FetchOffset} = the follower's log end,
 *     {@code CurrentLeaderEpoch}, {@code LastFetchedEpoch} = the latest epoch in its epoch cache
 *     (none when empty), {@code LogStartOffset}, and {@code PartitionMaxBytes} =
 *     {@code replica.fetch.max.bytes}.</li>
 * </ul>
 * Immutable once built.
 */
final class FollowerFetchRequest {

    /** What was asked for one partition: its state then, and the offset fetched from. */
    record Sent(FollowedPartition state, long fetchOffset) {
    }

    private final FetchRequest.Builder builder;
    private final Map<TopicPartition, Sent> sent;
    private final Map<Uuid, String> topicNames;

    private FollowerFetchRequest(FetchRequest.Builder builder, Map<TopicPartition, Sent> sent, Map<Uuid, String> topicNames) {
        this.builder = builder;
        this.sent = sent;
        this.topicNames = topicNames;
    }

    /** A fetch of {@code ready} (non-empty) from their log ends. */
    static FollowerFetchRequest of(Collection<FollowedPartition> ready, int localNodeId, long brokerEpoch,
            ReplicationConfig config) {
        Map<TopicPartition, FetchRequest.PartitionData> fetchData = new LinkedHashMap<>();
        Map<TopicPartition, Sent> sent = new LinkedHashMap<>();
        Map<Uuid, String> names = new HashMap<>();
        for (FollowedPartition state : ready) {
            Partition partition = state.partition();
            long fetchOffset = partition.logEndOffset();
            OptionalInt lastEpoch = partition.log().latestLeaderEpoch();
            fetchData.put(state.topicPartition(), new FetchRequest.PartitionData(partition.topicId(), fetchOffset,
                    partition.logStartOffset(), config.replicaFetchMaxBytes(), Optional.of(state.leaderEpoch()),
                    lastEpoch.isPresent() ? Optional.of(lastEpoch.getAsInt()) : Optional.empty()));
            sent.put(state.topicPartition(), new Sent(state, fetchOffset));
            names.put(partition.topicId(), state.topicPartition().topic());
        }
        FetchRequest.Builder builder = FetchRequest.Builder.forReplica(ApiKeys.FETCH.latestVersion(), localNodeId,
                brokerEpoch, config.replicaFetchWaitMaxMs(), config.replicaFetchMinBytes(), fetchData)
                .setMaxBytes(config.replicaFetchResponseMaxBytes()).metadata(FetchMetadata.LEGACY);
        return new FollowerFetchRequest(builder, sent, names);
    }

    FetchRequest.Builder builder() {
        return builder;
    }

    /** What was asked for the partition an answer names (by topic id, or by name before Fetch v13), or null. */
    Sent find(Uuid topicId, String topicName, int partitionIndex) {
        String name = topicId != null && !Uuid.ZERO_UUID.equals(topicId) ? topicNames.get(topicId) : topicName;
        return name == null ? null : sent.get(new TopicPartition(name, partitionIndex));
    }

    Collection<Sent> sent() {
        return sent.values();
    }
}
