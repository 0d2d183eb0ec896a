package io.surety.broker.api;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to the one handler registered for its API key: a table, not a switch.
 * A handler that throws gets Kafka's error response for its request (UNKNOWN_SERVER_ERROR or the
 * exception's mapped code) instead of a dropped connection. Thread-safe (immutable table).
 */
public final class ApiDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

    public ApiDispatcher(BrokerServices services) {
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(this);
        register(List.of(
                apiVersions,
                new MetadataHandler(services),
                new ProduceHandler(services),
                new FetchHandler(services),
                new ListOffsetsHandler(services),
                new InitProducerIdHandler(services),
                new CreateTopicsHandler(services),
                new DeleteTopicsHandler(services),
                new CreatePartitionsHandler(services),
                new DescribeConfigsHandler(services),
                new IncrementalAlterConfigsHandler(services),
                new DescribeClusterHandler(services),
                new OffsetForLeaderEpochHandler(services),
                new DeleteRecordsHandler(services),
                new DescribeTopicPartitionsHandler(services),
                new FindCoordinatorHandler(services),
                new JoinGroupHandler(services),
                new SyncGroupHandler(services),
                new HeartbeatHandler(services),
                new LeaveGroupHandler(services),
                new OffsetCommitHandler(services),
                new OffsetFetchHandler(services),
                new OffsetDeleteHandler(services),
                new DescribeGroupsHandler(services),
                new ListGroupsHandler(services),
                new DeleteGroupsHandler(services),
                new ConsumerGroupHeartbeatHandler(services),
                new ConsumerGroupDescribeHandler(services),
                new AddPartitionsToTxnHandler(services),
                new AddOffsetsToTxnHandler(services),
                new EndTxnHandler(services),
                new TxnOffsetCommitHandler(services),
                new DescribeTransactionsHandler(services),
                new ListTransactionsHandler(services),
                new DescribeProducersHandler(services),
                new WriteTxnMarkersHandler(services)));
    }

    private void register(Collection<ApiHandler> all) {
        for (ApiHandler handler : all) {
            handlers.put(handler.apiKey(), handler);
        }
    }

    public boolean supports(ApiKeys key, short version) {
        ApiHandler handler = handlers.get(key);
        return handler != null && version >= handler.minVersion() && version <= handler.maxVersion();
    }

    Collection<ApiHandler> handlers() {
        return handlers.values();
    }

    /** The body sent (at v0) to a client asking for an ApiVersions version we do not serve. */
    public ApiVersionsResponseData unsupportedApiVersionsResponse() {
        ApiHandler apiVersions = handlers.get(ApiKeys.API_VERSIONS);
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        data.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(apiVersions.minVersion()).setMaxVersion(apiVersions.maxVersion()));
        return data;
    }

    /** Starts handling {@code request}; the future completes with what to send back. */
    public CompletableFuture<ApiResponse> dispatch(ApiRequest request) {
        ApiHandler handler = handlers.get(request.header().apiKey());
        try {
            return handler.handle(request).exceptionally(error -> errorResponse(request, error));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(errorResponse(request, e));
        }
    }

    private static ApiResponse errorResponse(ApiRequest request, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (Errors.forException(cause) == Errors.UNKNOWN_SERVER_ERROR) {
            LOG.error("{} v{} from {} failed", request.header().apiKey(), request.version(), request.clientAddress(), cause);
        }
        return new ApiResponse.Send(request.body().getErrorResponse(0, cause).data());
    }
}
