package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset (-1: the high
 * watermark), durably, and answers with the new log start offset as the low watermark. An offset
 * beyond the high watermark, or negative other than -1, is OFFSET_OUT_OF_RANGE; an offset at or
 * below the current start changes nothing. A topic whose {@code cleanup.policy} lacks
 * {@code delete} (compact only) is refused with POLICY_VIOLATION, as Kafka refuses it.
 */
final class DeleteRecordsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordsHandler.class);
    private static final long UNKNOWN = -1L;

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final Clock clock;

    DeleteRecordsHandler(TopicRegistry topics, PartitionRegistry partitions, Clock clock) {
        this.topics = topics;
        this.partitions = partitions;
        this.clock = clock;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request.body()).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        long nowMs = clock.millis();
        for (DeleteRecordsTopic topic : data.topics()) {
            TopicInfo info = topics.get(topic.name());
            DeleteRecordsTopicResult result = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition requested : topic.partitions()) {
                Partition partition = info == null ? null
                        : partitions.get(new TopicPartition(info.name(), requested.partitionIndex()));
                result.partitions().add(delete(partition, requested, nowMs));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private static DeleteRecordsPartitionResult delete(Partition partition, DeleteRecordsPartition requested, long nowMs) {
        DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult()
                .setPartitionIndex(requested.partitionIndex()).setLowWatermark(UNKNOWN);
        if (partition == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!partition.config().deleteByRetention()) {
            // As Kafka: records of a log whose cleanup.policy lacks delete can not be deleted.
            return out.setErrorCode(Errors.POLICY_VIOLATION.code());
        }
        long highWatermark = partition.highWatermark();
        long offset = requested.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? highWatermark : requested.offset();
        if (offset < 0 || offset > highWatermark) {
            return out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        }
        try {
            return out.setLowWatermark(partition.deleteRecordsBefore(offset, nowMs)).setErrorCode(Errors.NONE.code());
        } catch (IOException e) {
            LOG.warn("Could not delete records of {} before offset {}", partition.topicPartition(), offset, e);
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }
}
