package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionCoordinator;
import io.surety.broker.producer.ProducerIdAllocator;
import io.surety.broker.producer.ProducerIdsUnavailableException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId v0-5. Without a transactional id: a fresh producer id with epoch 0 each time, as
 * Kafka does for idempotent producers; ids are never reused, even across crashes
 * ({@link io.surety.broker.producer.ProducerIdAllocator}). With one: the transaction coordinator
 * bumps the epoch (fencing older producers of that id, aborting their transaction first) or hands
 * out the id's first producer id. v6 (two-phase commit, KIP-939) is not served.
 */
final class InitProducerIdHandler implements ApiHandler {

    /** PRODUCER_FENCED exists from v4; older clients get INVALID_PRODUCER_EPOCH. */
    private static final int FIRST_FENCED_VERSION = 4;

    private final ProducerIdAllocator producerIds;
    private final TransactionCoordinator transactions;

    InitProducerIdHandler(ProducerIdAllocator producerIds, TransactionCoordinator transactions) {
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request.body()).data();
        if (data.transactionalId() != null) {
            return transactions.initProducerId(data).thenApply(response -> new ApiResponse.Send(
                    response.setErrorCode(TxnErrors.fenced(Errors.forCode(response.errorCode()), request.version(),
                            FIRST_FENCED_VERSION).code())));
        }
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        try {
            response.setProducerId(producerIds.nextId()).setProducerEpoch((short) 0)
                    .setErrorCode(Errors.NONE.code());
        } catch (ProducerIdsUnavailableException e) {
            // As Kafka's broker answers while it has no block from the controller: the producer retries.
            response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        } catch (IOException e) {
            response.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }
}
