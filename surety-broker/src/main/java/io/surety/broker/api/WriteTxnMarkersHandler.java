package io.surety.broker.api;

import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;

/**
 * WriteTxnMarkers v1-2: appends COMMIT or ABORT markers to partitions, answered once they are
 * durable. The coordinator of this node writes its markers directly; this request is what
 * {@code Admin.abortTransaction} (and {@code kafka-transactions abort}) sends to close a hanging
 * transaction by hand. A marker older than the producer's epoch gets INVALID_PRODUCER_EPOCH.
 */
final class WriteTxnMarkersHandler implements ApiHandler {

    private final PartitionRegistry partitions;
    private final GroupCommitFlusher flusher;
    private final Clock clock;

    WriteTxnMarkersHandler(PartitionRegistry partitions, GroupCommitFlusher flusher, Clock clock) {
        this.partitions = partitions;
        this.flusher = flusher;
        this.clock = clock;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.WRITE_TXN_MARKERS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        WriteTxnMarkersRequestData data = ((WriteTxnMarkersRequest) request.body()).data();
        long nowMs = clock.millis();
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (WritableTxnMarker marker : data.markers()) {
            WritableTxnMarkerResult result = new WritableTxnMarkerResult().setProducerId(marker.producerId());
            for (WritableTxnMarkerTopic topic : marker.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                for (int index : topic.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult out = new WritableTxnMarkerPartitionResult().setPartitionIndex(index);
                    Partition partition = partitions.get(new TopicPartition(topic.name(), index));
                    if (partition == null) {
                        out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    } else {
                        AppendOutcome outcome = partition.appendMarker(marker.producerId(), marker.producerEpoch(),
                                marker.transactionResult(), nowMs);
                        out.setErrorCode(outcome.error().code());
                        if (outcome.error() == Errors.NONE) {
                            durable.add(flusher.awaitDurable(partition, outcome.endOffset())
                                    .exceptionally(e -> {
                                        out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                                        return null;
                                    }));
                        }
                    }
                    topicResult.partitions().add(out);
                }
                result.topics().add(topicResult);
            }
            response.markers().add(result);
        }
        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new))
                .thenApply(done -> new ApiResponse.Send(response));
    }
}
