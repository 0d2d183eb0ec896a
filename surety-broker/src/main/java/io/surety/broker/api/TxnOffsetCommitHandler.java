package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
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
        TxnOffsetCommitRequest body = (TxnOffsetCommitRequest) request.body();
        return transactions.txnOffsetCommit(body.data(), request.version()).thenApply(ApiResponse.Send::new);
    }
}
