package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.resource.ResourceType;

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
        Access access = request.access();
        List<String> allowed = body.data().transactionalIds().stream()
                .filter(id -> !access.denied(ResourceType.TRANSACTIONAL_ID, id)).toList();
        return transactions.describe(allowed).thenApply(states -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            response.transactionStates().addAll(states);
            if (access.checked()) {
                // The partitions of topics the requester may not DESCRIBE are left out, as Kafka leaves them out.
                for (TransactionState state : states) {
                    state.topics().removeIf(topic -> !access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.TOPIC,
                            topic.topic()));
                }
            }
            body.data().transactionalIds().stream().filter(id -> access.denied(ResourceType.TRANSACTIONAL_ID, id))
                    .forEach(id -> response.transactionStates().add(new TransactionState().setTransactionalId(id)
                            .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())));
            return new ApiResponse.Send(response);
        });
    }
}
