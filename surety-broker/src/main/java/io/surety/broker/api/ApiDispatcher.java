package io.surety.broker.api;

import io.surety.broker.metrics.RequestMetrics;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Every request is counted here when its response is ready ({@link RequestMetrics}: count,
 * latency, the error codes in the body) and, with logger {@code io.surety.broker.requests} at
 * DEBUG, logged as one line: API, version, client address and id, correlation id, latency and the
 * first error code of the response.
 */
public final class ApiDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);
    private static final Logger REQUEST_LOG = LoggerFactory.getLogger("io.surety.broker.requests");

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;

    public ApiDispatcher(BrokerServices services, RequestMetrics metrics) {
        this.metrics = metrics;
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
        metrics.serve(handlers.keySet());
    }

    /** Registers one handler per API key; the keys must be exactly the rows of {@link ServedVersions}. */
    private void register(Collection<ApiHandler> all) {
        for (ApiHandler handler : all) {
            if (ServedVersions.of(handler.apiKey()).isEmpty()) {
                throw new IllegalStateException("No ServedVersions row for " + handler.apiKey());
            }
            handlers.put(handler.apiKey(), handler);
        }
        for (ServedVersions.Range range : ServedVersions.all()) {
            if (!handlers.containsKey(range.api())) {
                throw new IllegalStateException("No handler for " + range.api() + ", which ServedVersions lists");
            }
        }
    }

    /** Whether {@code version} of {@code key} is served ({@link ServedVersions}); if not, the connection closes. */
    public boolean supports(ApiKeys key, short version) {
        return ServedVersions.serves(key, version);
    }

    Collection<ApiHandler> handlers() {
        return handlers.values();
    }

    /** The body sent (at v0) to a client asking for an ApiVersions version we do not serve. */
    public ApiVersionsResponseData unsupportedApiVersionsResponse() {
        ServedVersions.Range apiVersions = ServedVersions.of(ApiKeys.API_VERSIONS).orElseThrow();
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        data.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(apiVersions.advertisedMin()).setMaxVersion(apiVersions.max()));
        return data;
    }

    /** Starts handling {@code request}; the future completes with what to send back. */
    public CompletableFuture<ApiResponse> dispatch(ApiRequest request) {
        long startNs = System.nanoTime();
        CompletableFuture<ApiResponse> pending = handle(request);
        pending.whenComplete((response, error) -> completed(request, response, startNs));
        return pending;
    }

    private CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ApiHandler handler = handlers.get(request.header().apiKey());
        try {
            return handler.handle(request).exceptionally(error -> errorResponse(request, error));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(errorResponse(request, e));
        }
    }

    /** Counts (and at DEBUG logs) one request whose response is ready; runs on the completing thread. */
    private void completed(ApiRequest request, ApiResponse response, long startNs) {
        long latencyNs = System.nanoTime() - startNs;
        ApiKeys api = request.header().apiKey();
        try {
            String outcome;
            if (response instanceof ApiResponse.Send send) {
                outcome = metrics.answered(api, request.version(), send.body(), latencyNs).name();
            } else if (response instanceof ApiResponse.Silent) {
                metrics.unanswered(api, latencyNs);
                outcome = "NONE (no response, acks=0)";
            } else {
                metrics.closed(api, latencyNs);
                outcome = "connection closed"
                        + (response instanceof ApiResponse.Close close ? ": " + close.reason() : "");
            }
            if (REQUEST_LOG.isDebugEnabled()) {
                REQUEST_LOG.debug("{} v{} from {} client-id={} correlation-id={} took {} ms, error {}", api.name,
                        request.version(), request.clientAddress(), request.header().clientId(),
                        request.header().correlationId(), String.format(Locale.ROOT, "%.3f", latencyNs / 1e6), outcome);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not count the {} response for {}", api.name, request.clientAddress(), e);
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
