package io.surety.broker.api;

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
 * OffsetForLeaderEpoch, which consumers use to detect log truncation after a leader change. This
 * node has led every partition since its creation, in epoch {@link Partition#LEADER_EPOCH}: that
 * epoch ends at the log end offset, and any other epoch is unknown (-1, -1). A current leader
 * epoch above ours is UNKNOWN_LEADER_EPOCH, below it (other than -1, "no check") FENCED_LEADER_EPOCH.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private static final int NO_EPOCH_CHECK = -1;
    private static final int UNDEFINED_EPOCH = -1;
    private static final long UNDEFINED_OFFSET = -1L;

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
            TopicInfo info = topics.get(topic.topic());
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition requested : topic.partitions()) {
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
        int current = requested.currentLeaderEpoch();
        if (partition == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (partition.isOffline()) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        if (current > Partition.LEADER_EPOCH) {
            return out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        if (current != NO_EPOCH_CHECK && current < Partition.LEADER_EPOCH) {
            return out.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
        }
        out.setErrorCode(Errors.NONE.code());
        if (requested.leaderEpoch() == Partition.LEADER_EPOCH) {
            out.setLeaderEpoch(Partition.LEADER_EPOCH).setEndOffset(partition.logEndOffset());
        }
        return out;
    }
}
