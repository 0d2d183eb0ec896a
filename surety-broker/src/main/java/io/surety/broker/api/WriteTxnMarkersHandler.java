package io.surety.broker.api;

import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
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
 * WriteTxnMarkers v1-2: appends COMMIT or ABORT markers to the partitions this node leads, each
 * answered as an acks=all batch ({@link LeaderMarkerAppender}): once durable and past the high
 * watermark, or REQUEST_TIMED_OUT after {@link #MARKER_TIMEOUT_MS}. A partition this node does
 * not lead gets NOT_LEADER_OR_FOLLOWER; a marker older than the producer's epoch
 * INVALID_PRODUCER_EPOCH; a marker whose coordinator epoch is older than the last one this leader
 * took for the producer TRANSACTION_COORDINATOR_FENCED (Kafka's rule). In cluster mode the
 * transaction coordinator sends it for partitions led elsewhere; on any node it is also what
 * {@code Admin.abortTransaction} (and {@code kafka-transactions abort}) sends to close a hanging
 * transaction by hand.
 */
final class WriteTxnMarkersHandler implements ApiHandler {

    /** How long a marker waits for the high watermark: Kafka's request.timeout.ms default, which its coordinator uses. */
    static final long MARKER_TIMEOUT_MS = 30_000;

    private final PartitionRegistry partitions;
    private final LeaderMarkerAppender appender;

    WriteTxnMarkersHandler(PartitionRegistry partitions, LeaderMarkerAppender appender) {
        this.partitions = partitions;
        this.appender = appender;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.WRITE_TXN_MARKERS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        WriteTxnMarkersRequestData data = ((WriteTxnMarkersRequest) request.body()).data();
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<Void>> answered = new ArrayList<>();
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
                        answered.add(appender.append(partition, marker.producerId(), marker.producerEpoch(),
                                        marker.transactionResult(), marker.coordinatorEpoch(), MARKER_TIMEOUT_MS)
                                .thenAccept(error -> out.setErrorCode(error.code())));
                    }
                    topicResult.partitions().add(out);
                }
                result.topics().add(topicResult);
            }
            response.markers().add(result);
        }
        return CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new))
                .thenApply(done -> new ApiResponse.Send(response));
    }
}
