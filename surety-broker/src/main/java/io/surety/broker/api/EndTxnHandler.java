package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.EndTxnRequest;

/**
 * EndTxn v0-4: commits or aborts the producer's transaction. Answered once the transaction is
 * complete — its markers durable in every partition — so a read_committed consumer sees a
 * committed transaction as soon as commitTransaction() returns. v5 (an epoch bump per transaction,
 * KIP-890 part 2) is not served: no transaction.version feature is advertised, so clients stay on
 * the first transaction protocol.
 */
final class EndTxnHandler implements ApiHandler {

    private final TransactionCoordinator transactions;

    EndTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.END_TXN;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        EndTxnRequestData data = ((EndTxnRequest) request.body()).data();
        return transactions.endTxn(data.transactionalId(), data.producerId(), data.producerEpoch(),
                data.committed()).thenApply(error -> new ApiResponse.Send(new EndTxnResponseData()
                        .setErrorCode(TxnErrors.fenced(error, request.version(), 2).code())
                        .setProducerId(-1).setProducerEpoch((short) -1)));
    }
}
