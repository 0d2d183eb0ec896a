package io.surety.broker.api;

import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.producer.ProducerStateTable.ProducerSnapshot;
import io.surety.broker.record.ControlBatches;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;

/**
 * DescribeProducers v0: the idempotent and transactional producers each partition knows, with
 * the start offset of their open transaction (what {@code kafka-transactions find-hanging} looks
 * for).
 */
final class DescribeProducersHandler implements ApiHandler {

    private final PartitionRegistry partitions;

    DescribeProducersHandler(PartitionRegistry partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_PRODUCERS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeProducersRequestData data = ((DescribeProducersRequest) request.body()).data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
            TopicResponse out = new TopicResponse().setName(topic.name());
            boolean denied = request.access().deniedTopic(topic.name());
            for (int index : topic.partitionIndexes()) {
                out.partitions().add(denied ? new PartitionResponse().setPartitionIndex(index)
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message())
                        : describe(new TopicPartition(topic.name(), index)));
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private PartitionResponse describe(TopicPartition tp) {
        PartitionResponse out = new PartitionResponse().setPartitionIndex(tp.partition());
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (partition.isOffline()) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        for (ProducerSnapshot producer : partition.producerSnapshot()) {
            out.activeProducers().add(new ProducerState().setProducerId(producer.producerId())
                    .setProducerEpoch(producer.epoch()).setLastSequence(producer.lastSequence())
                    .setLastTimestamp(producer.lastTimestampMs())
                    .setCoordinatorEpoch(producer.currentTxnStartOffset() >= 0
                            ? Math.max(producer.coordinatorEpoch(), ControlBatches.COORDINATOR_EPOCH) : -1)
                    .setCurrentTxnStartOffset(producer.currentTxnStartOffset()));
        }
        return out.setErrorCode(Errors.NONE.code());
    }
}
