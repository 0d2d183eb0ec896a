package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;

/** AddOffsetsToTxn v0-4: the group's offsets will be committed inside the producer's transaction. */
final class AddOffsetsToTxnHandler implements ApiHandler {

    private final TransactionCoordinator transactions;

    AddOffsetsToTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_OFFSETS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AddOffsetsToTxnRequestData data = ((AddOffsetsToTxnRequest) request.body()).data();
        return transactions.addOffsets(data.transactionalId(), data.producerId(), data.producerEpoch(),
                data.groupId()).thenApply(error -> new ApiResponse.Send(new AddOffsetsToTxnResponseData()
                        .setErrorCode(TxnErrors.fenced(error, request.version(), 2).code())));
    }
}
