package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.resource.ResourceType;

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
        Access access = request.access();
        // Only the transactional ids the requester may DESCRIBE are listed, as in Kafka.
        return transactions.list(body.data()).thenApply(response -> {
            if (access.checked()) {
                response.transactionStates().removeIf(state -> !access.allowsQuietly(AclOperation.DESCRIBE,
                        ResourceType.TRANSACTIONAL_ID, state.transactionalId()));
            }
            return new ApiResponse.Send(response);
        });
    }
}
