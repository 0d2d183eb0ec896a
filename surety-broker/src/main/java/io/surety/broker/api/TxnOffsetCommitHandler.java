package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

/**
 * TxnOffsetCommit v0-4: offsets staged inside the producer's transaction, visible to the group
 * once it commits. v5 goes with transaction version 2 (no AddOffsetsToTxn), which is not served.
 */
final class TxnOffsetCommitHandler implements ApiHandler {

    private final TransactionCoordinator transactions;

    TxnOffsetCommitHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.TXN_OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        TxnOffsetCommitRequestData data = ((TxnOffsetCommitRequest) request.body()).data();
        Access access = request.access();
        if (data.topics().stream().noneMatch(topic -> access.deniedTopic(topic.name()))) {
            return transactions.txnOffsetCommit(data, request.version()).thenApply(ApiResponse.Send::new);
        }
        // The topics the requester may not READ are answered here; the others are committed.
        TxnOffsetCommitRequestData allowed = data.duplicate();
        allowed.topics().removeIf(topic -> access.deniedTopic(topic.name()));
        CompletableFuture<TxnOffsetCommitResponseData> committed = allowed.topics().isEmpty()
                ? CompletableFuture.completedFuture(new TxnOffsetCommitResponseData())
                : transactions.txnOffsetCommit(allowed, request.version());
        return committed.thenApply(response -> {
            for (TxnOffsetCommitRequestTopic topic : data.topics()) {
                if (access.deniedTopic(topic.name())) {
                    TxnOffsetCommitResponseTopic answer = new TxnOffsetCommitResponseTopic().setName(topic.name());
                    topic.partitions().forEach(partition -> answer.partitions().add(new TxnOffsetCommitResponsePartition()
                            .setPartitionIndex(partition.partitionIndex())
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                    response.topics().add(answer);
                }
            }
            return new ApiResponse.Send(response);
        });
    }
}
