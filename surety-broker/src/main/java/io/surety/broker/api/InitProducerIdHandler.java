package io.surety.broker.api;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId for idempotent producers: a fresh producer id with epoch 0 each time, as Kafka
 * does when there is no transactional id. Ids are never reused, even across crashes
 * ({@link io.surety.broker.producer.ProducerIdAllocator}). Transactional ids are refused until the
 * transaction coordinator exists.
 */
final class InitProducerIdHandler implements ApiHandler {

    private final BrokerServices services;

    InitProducerIdHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request.body()).data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            response.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        } else {
            try {
                response.setProducerId(services.producerIds().nextId()).setProducerEpoch((short) 0)
                        .setErrorCode(Errors.NONE.code());
            } catch (IOException e) {
                response.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }
}
