package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: the API keys this broker has handlers for, each with its advertised range from
 * {@link ServedVersions}, so the answer can never promise an API that has no handler nor a version
 * the table does not list. No features are advertised, so Kafka 4.x producers stay on the
 * pre-KIP-890 transaction protocol (Produce up to v11).
 *
 * <p>The advertised range is the served one except where the table says otherwise, as Apache
 * Kafka 4.x does for Produce (KAFKA-18659): advertised from v0 although only v3+ is served, because librdkafka before 2.11.1 (Debian 12's is 2.0.2) turns
 * gzip, snappy and lz4 off unless the advertised Produce range includes v0. Clients pick the
 * highest version both sides know, so none sends v0-v2; one that does has its connection closed,
 * as Kafka does.
 */
final class ApiVersionsHandler implements ApiHandler {

    private final ApiDispatcher dispatcher;

    ApiVersionsHandler(ApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ApiVersionsRequest body = (ApiVersionsRequest) request.body();
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        if (request.version() >= 3 && !body.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
            return CompletableFuture.completedFuture(new ApiResponse.Send(data));
        }
        for (ApiHandler handler : dispatcher.handlers()) {
            ServedVersions.Range range = ServedVersions.of(handler.apiKey()).orElseThrow();
            data.apiKeys().add(new ApiVersion().setApiKey(range.api().id)
                    .setMinVersion(range.advertisedMin()).setMaxVersion(range.max()));
        }
        data.setFinalizedFeaturesEpoch(-1);
        return CompletableFuture.completedFuture(new ApiResponse.Send(data));
    }
}
