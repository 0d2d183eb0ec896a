package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListTransactionsRequest;

/**
 * ListTransactions v0-2: transactional ids filtered by state, producer id, duration (v1: open
 * longer than the filter) and id pattern (v2).
 */
final class ListTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator transactions;

    ListTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ListTransactionsRequest body = (ListTransactionsRequest) request.body();
        return transactions.list(body.data()).thenApply(ApiResponse.Send::new);
    }
}
