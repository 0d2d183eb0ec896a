package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.record.BatchRecords.TimestampAndOffset;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * ListOffsets: earliest (-2, and earliest-local -4), latest (-1), max timestamp (-3), and the
 * first record at or after a timestamp. Offsets never go past the high watermark; latest under
 * read_committed is the last stable offset. From v4 each answer carries a leader epoch: for latest
 * the partition's current one, otherwise the epoch of the batch holding the offset returned.
 *
 * <p>Kafka's rules ({@code Partition.fetchOffsetForTimestamp}): after the current leader epoch
 * check, only the leader answers (NOT_LEADER_OR_FOLLOWER elsewhere) unless the request comes from
 * the debugging replica id -2. A replicated leader whose high watermark has not reached the start
 * offset of its own epoch yet (just elected: the high watermark it inherited may be stale) answers
 * latest, and a timestamp lookup that finds nothing below the high watermark, with
 * OFFSET_NOT_AVAILABLE; clients retry.
 */
final class ListOffsetsHandler implements ApiHandler {

    private static final long UNKNOWN = -1L;
    private static final byte READ_COMMITTED = 1;
    /** The response carries a leader epoch from v4; earlier versions cannot encode one. */
    private static final short FIRST_VERSION_WITH_LEADER_EPOCH = 4;
    /** The replica id of a debugging tool, which may read a follower. */
    private static final int DEBUGGING_REPLICA_ID = -2;

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;

    ListOffsetsHandler(TopicRegistry topics, PartitionRegistry partitions) {
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ListOffsetsRequestData data = ((ListOffsetsRequest) request.body()).data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            boolean denied = request.access().deniedTopic(topic.name());
            TopicInfo info = denied ? null : topics.get(topic.name());
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition requested : topic.partitions()) {
                if (denied) {
                    topicResponse.partitions().add(new ListOffsetsPartitionResponse()
                            .setPartitionIndex(requested.partitionIndex()).setTimestamp(UNKNOWN).setOffset(UNKNOWN)
                            .setLeaderEpoch(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                Partition partition = info == null ? null
                        : partitions.get(new TopicPartition(info.name(), requested.partitionIndex()));
                topicResponse.partitions().add(answer(partition, requested, request.version(),
                        data.isolationLevel() == READ_COMMITTED, data.replicaId() != DEBUGGING_REPLICA_ID));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private ListOffsetsPartitionResponse answer(Partition partition, ListOffsetsRequestData.ListOffsetsPartition requested,
            short version, boolean readCommitted, boolean leaderOnly) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse()
                .setPartitionIndex(requested.partitionIndex()).setTimestamp(UNKNOWN).setOffset(UNKNOWN)
                .setLeaderEpoch(-1);
        if (partition == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (partition.isOffline()) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        Errors fenced = LeaderEpochCheck.check(requested.currentLeaderEpoch(), partition);
        if (fenced != Errors.NONE) {
            return out.setErrorCode(fenced.code());
        }
        if (leaderOnly && !partition.replication().isLeader()) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        boolean lagging = partition.replication().waitsForReplicas()
                && partition.replication().leaderEpochStartOffset() > partition.highWatermark();
        try {
            long timestamp = requested.timestamp();
            int epoch = -1;
            if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                out.setOffset(partition.logStartOffset());
            } else if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
                if (lagging) {
                    return out.setErrorCode(Errors.OFFSET_NOT_AVAILABLE.code());
                }
                epoch = partition.leaderEpoch();
                out.setOffset(readCommitted ? partition.lastStableOffset() : partition.highWatermark());
            } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
                setFound(out, partition.offsetOfMaxTimestamp());
            } else if (timestamp >= 0) {
                setFound(out, partition.offsetForTimestamp(timestamp));
            } else {
                return out.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            }
            if (out.offset() < 0 && lagging) {
                return out.setErrorCode(Errors.OFFSET_NOT_AVAILABLE.code());
            }
            if (out.offset() >= 0 && version >= FIRST_VERSION_WITH_LEADER_EPOCH) {
                out.setLeaderEpoch(epoch >= 0 ? epoch : partition.epochForOffset(out.offset()));
            }
            return out.setErrorCode(Errors.NONE.code());
        } catch (IOException e) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }

    private static void setFound(ListOffsetsPartitionResponse out, TimestampAndOffset found) {
        if (found != null) {
            out.setTimestamp(found.timestamp()).setOffset(found.offset());
        }
    }
}
