package io.surety.broker.api;

import io.surety.broker.cluster.TopicImage;
import io.surety.broker.coordinator.TransactionCoordinator;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn v0-5. v0-3 is the client form: one transaction, its partitions added. v4+ is
 * the batched form brokers use: several transactions, each either added or, with verifyOnly,
 * only checked (KIP-890 part 1). As in Kafka, when any partition does not exist it gets
 * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, and nothing is added. A
 * partition exists when this node hosts it, or in cluster mode when the committed metadata has it
 * (the coordinator's node need not hold a replica of every partition).
 */
final class AddPartitionsToTxnHandler implements ApiHandler {

    private static final short FIRST_BATCHED_VERSION = 4;

    private final PartitionRegistry partitionRegistry;
    private final TransactionCoordinator transactions;
    private final Optional<ClusterView> cluster;

    AddPartitionsToTxnHandler(PartitionRegistry partitionRegistry, TransactionCoordinator transactions,
            Optional<ClusterView> cluster) {
        this.partitionRegistry = partitionRegistry;
        this.transactions = transactions;
        this.cluster = cluster;
    }

    private boolean exists(TopicPartition tp) {
        if (cluster.isEmpty()) {
            return partitionRegistry.get(tp) != null;
        }
        TopicImage topic = cluster.get().image().topic(tp.topic());
        return topic != null && topic.partition(tp.partition()) != null;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AddPartitionsToTxnRequestData data = ((AddPartitionsToTxnRequest) request.body()).data();
        short version = request.version();
        if (version < FIRST_BATCHED_VERSION) {
            List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(data.v3AndBelowTopics());
            return one(data.v3AndBelowTransactionalId(), data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(),
                    false, partitions, version).thenApply(errors -> new ApiResponse.Send(new AddPartitionsToTxnResponseData()
                            .setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse.resultForTransaction(
                                    AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors).topicResults())));
        }
        List<CompletableFuture<AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction txn : data.transactions()) {
            List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(txn.topics());
            results.add(one(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), txn.verifyOnly(), partitions,
                    version).thenApply(errors -> AddPartitionsToTxnResponse.resultForTransaction(txn.transactionalId(), errors)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code());
            results.forEach(r -> response.resultsByTransaction().add(r.join()));
            return new ApiResponse.Send(response);
        });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> one(String transactionalId, long producerId, short epoch,
            boolean verifyOnly, List<TopicPartition> partitions, short version) {
        Map<TopicPartition, Errors> unknown = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (!exists(tp)) {
                unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> out = new LinkedHashMap<>();
            partitions.forEach(tp -> out.put(tp, unknown.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
            return CompletableFuture.completedFuture(out);
        }
        if (verifyOnly) {
            return transactions.verifyPartitions(transactionalId, producerId, epoch, partitions)
                    .thenApply(errors -> {
                        Map<TopicPartition, Errors> out = new LinkedHashMap<>();
                        errors.forEach((tp, e) -> out.put(tp, TxnErrors.abortable(e, version, 5)));
                        return out;
                    });
        }
        return transactions.addPartitions(transactionalId, producerId, epoch, partitions).thenApply(error -> {
            Map<TopicPartition, Errors> out = new LinkedHashMap<>();
            partitions.forEach(tp -> out.put(tp, TxnErrors.fenced(error, version, 2)));
            return out;
        });
    }
}
