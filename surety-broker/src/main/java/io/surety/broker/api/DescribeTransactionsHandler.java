package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;

/** DescribeTransactions v0: state, producer, timeout and partitions of each transactional id. */
final class DescribeTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator transactions;

    DescribeTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeTransactionsRequest body = (DescribeTransactionsRequest) request.body();
        return transactions.describe(body.data().transactionalIds()).thenApply(states -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            response.transactionStates().addAll(states);
            return new ApiResponse.Send(response);
        });
    }
}
