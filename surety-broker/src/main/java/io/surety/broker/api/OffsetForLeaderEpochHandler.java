package io.surety.broker.api;

import io.surety.broker.log.LeaderEpochCache;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

/**
 * OffsetForLeaderEpoch, which consumers use to detect log truncation after a leader change (and a
 * follower, later, to find where its log diverges). Answered from the partition's leader-epoch
 * cache by Kafka's rules ({@link io.surety.broker.log.LeaderEpochCache#endOffsetFor}): the
 * requested epoch, or the largest known one below it, and where it ends. A current leader epoch
 * above the partition's is UNKNOWN_LEADER_EPOCH, below it (other than -1, "no check")
 * FENCED_LEADER_EPOCH; then only the leader answers (NOT_LEADER_OR_FOLLOWER on a follower, as
 * Kafka's {@code ReplicaManager.lastOffsetForLeaderEpoch}); an unknown partition
 * UNKNOWN_TOPIC_OR_PARTITION, an offline one KAFKA_STORAGE_ERROR.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private static final int UNDEFINED_EPOCH = LeaderEpochCache.UNDEFINED_EPOCH;
    private static final long UNDEFINED_OFFSET = LeaderEpochCache.UNDEFINED_OFFSET;

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;

    OffsetForLeaderEpochHandler(TopicRegistry topics, PartitionRegistry partitions) {
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request.body()).data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : data.topics()) {
            boolean denied = request.access().deniedTopic(topic.topic());
            TopicInfo info = denied ? null : topics.get(topic.topic());
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition requested : topic.partitions()) {
                if (denied) {
                    result.partitions().add(new EpochEndOffset().setPartition(requested.partition())
                            .setLeaderEpoch(UNDEFINED_EPOCH).setEndOffset(UNDEFINED_OFFSET)
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                Partition partition = info == null ? null
                        : partitions.get(new TopicPartition(info.name(), requested.partition()));
                result.partitions().add(answer(partition, requested));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private static EpochEndOffset answer(Partition partition, OffsetForLeaderPartition requested) {
        EpochEndOffset out = new EpochEndOffset().setPartition(requested.partition())
                .setLeaderEpoch(UNDEFINED_EPOCH).setEndOffset(UNDEFINED_OFFSET);
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
        if (!partition.replication().isLeader()) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        LeaderEpochCache.EpochEndOffset found = partition.endOffsetForEpoch(requested.leaderEpoch());
        return out.setErrorCode(Errors.NONE.code()).setLeaderEpoch(found.epoch()).setEndOffset(found.endOffset());
    }
}
