package io.surety.broker.api;

import io.surety.broker.config.TransactionConfig;
import io.surety.broker.coordinator.GroupCoordinator;
import io.surety.broker.coordinator.TransactionCoordinator;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.RequestMetrics;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.partition.TransactionVerifier;
import io.surety.broker.security.ClientQuotas;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to the one handler registered for its API key: a table, not a switch.
 * With an authorizer, the request's {@link AccessRules} rule runs first: the request is answered
 * with its authorization error, or handled knowing what its principal was denied.
 * A handler that throws gets Kafka's error response for its request (UNKNOWN_SERVER_ERROR or the
 * exception's mapped code) instead of a dropped connection. Thread-safe (immutable table).
 *
 * <p>Every request is counted here when its response is ready ({@link RequestMetrics}: count,
 * latency, the error codes in the body) and, with logger {@code io.surety.broker.requests} at
 * DEBUG, logged as one line: API, version, client address, principal and client id, correlation id, latency and the
 * first error code of the response.
 */
public final class ApiDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);
    private static final Logger REQUEST_LOG = LoggerFactory.getLogger("io.surety.broker.requests");

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;
    /** Null without an authorizer: then no request is checked, at no cost. */
    private final AccessRules accessRules;
    private final ClientQuotaEnforcer quotas;

    /** Builds every handler with only the services it uses, from what the broker wired. */
    public ApiDispatcher(BrokerServices services, RequestMetrics metrics) {
        this.metrics = metrics;
        this.quotas = new ClientQuotaEnforcer(services.clientQuotas() != null ? services.clientQuotas() : new ClientQuotas(),
                metrics);
        this.accessRules = services.accessControl()
                .map(control -> new AccessRules(control.authorizer(), services.config().network())).orElse(null);
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(this);
        BrokerNode localNode = new BrokerNode(services.identity(), services.config().network(), services.boundPort());
        TopicRegistry topics = services.topics();
        PartitionRegistry partitions = services.partitions();
        TopicOperations topicOperations = services.topicOperations();
        GroupCoordinator groups = services.groups();
        TransactionCoordinator transactions = services.transactions();
        Clock clock = services.clock();
        Optional<ClusterView> cluster = services.cluster();
        IncrementalAlterConfigsHandler alterConfigs = new IncrementalAlterConfigsHandler(services.config(), topics,
                topicOperations, localNode, cluster);
        List<ApiHandler> all = new ArrayList<>(List.of(
                apiVersions,
                cluster.<ApiHandler>map(view -> new ClusterMetadataHandler(services.config().topics(), view))
                        .orElseGet(() -> new MetadataHandler(services.config().topics(), topics, partitions,
                                topicOperations, localNode)),
                new ProduceHandler(topics, partitions, services.flusher(), services.metrics().topics(),
                        transactionVerifier(services.config().transactions(), transactions), clock,
                        services.timer(), services.replicaServing(), remoteVerification(services)),
                new FetchHandler(topics, partitions, services.metrics().topics(),
                        new FetchWaiting(clock, services.timer(), services.handlerPool(), services.watchers()),
                        services.replicaServing()),
                new ListOffsetsHandler(topics, partitions),
                new InitProducerIdHandler(services.producerIds(), transactions),
                new CreateTopicsHandler(services.config(), topics, topicOperations, localNode, cluster),
                new DeleteTopicsHandler(services.config().topics(), topics, topicOperations, cluster),
                new CreatePartitionsHandler(topics, topicOperations, localNode, cluster),
                new DescribeConfigsHandler(services.config(), topics, localNode, cluster),
                alterConfigs,
                new AlterConfigsHandler(alterConfigs, topics, cluster),
                new DescribeClusterHandler(localNode, cluster),
                new OffsetForLeaderEpochHandler(topics, partitions),
                new DeleteRecordsHandler(topics, partitions, clock, services.timer()),
                new DescribeTopicPartitionsHandler(topics, partitions, localNode, cluster),
                new FindCoordinatorHandler(localNode, cluster),
                new JoinGroupHandler(groups),
                new SyncGroupHandler(groups),
                new HeartbeatHandler(groups),
                new LeaveGroupHandler(groups),
                new OffsetCommitHandler(groups),
                new OffsetFetchHandler(groups),
                new OffsetDeleteHandler(groups),
                new DescribeGroupsHandler(groups),
                new ListGroupsHandler(groups),
                new DeleteGroupsHandler(groups),
                new ConsumerGroupHeartbeatHandler(groups),
                new ConsumerGroupDescribeHandler(groups),
                new AddPartitionsToTxnHandler(partitions, transactions, cluster),
                new AddOffsetsToTxnHandler(transactions),
                new EndTxnHandler(transactions),
                new TxnOffsetCommitHandler(transactions),
                new DescribeTransactionsHandler(transactions),
                new ListTransactionsHandler(transactions),
                new DescribeProducersHandler(partitions),
                new DescribeLogDirsHandler(services.config().storage().dataDir(), partitions),
                new SaslHandshakeHandler(),
                new DescribeClientQuotasHandler(services.clientQuotas()),
                new AlterClientQuotasHandler(services.clientQuotas(), Optional.ofNullable(services.securityStore()), cluster),
                new DescribeUserScramCredentialsHandler(services.scramUsers(), cluster),
                new AlterUserScramCredentialsHandler(services.scramUsers(), cluster),
                new CreateAclsHandler(services.accessControl(), cluster),
                new DescribeAclsHandler(services.accessControl()),
                new DeleteAclsHandler(services.accessControl(), cluster),
                new SaslAuthenticateHandler(),
                new WriteTxnMarkersHandler(partitions, new LeaderMarkerAppender(services.flusher(),
                        services.replicaServing().logEndWatchers(), services.timer(), clock))));
        cluster.ifPresent(view -> all.add(new ElectLeadersHandler(view)));
        cluster.ifPresent(view -> all.add(new DescribeQuorumHandler(view)));
        cluster.ifPresent(view -> all.add(new AlterPartitionReassignmentsHandler(view)));
        cluster.ifPresent(view -> all.add(new ListPartitionReassignmentsHandler(view)));
        register(all, ServedVersions.served(cluster.isPresent()));
        metrics.serve(handlers.keySet());
    }

    /**
     * What the produce path checks a transactional batch against (KIP-890 part 1): the
     * coordinator's published transactions, or nothing when
     * {@code transaction.partition.verification.enable=false}. The coordinator's view is read at
     * each check, so building the table needs no running coordinator (the network layer's tests
     * build it without one). In cluster mode it is used while this node runs the coordinator
     * ({@link #remoteVerification} otherwise).
     */
    private static TransactionVerifier transactionVerifier(TransactionConfig config, TransactionCoordinator transactions) {
        if (!config.verificationEnabled()) {
            return TransactionVerifier.NONE;
        }
        return (producerId, epoch, partition) -> transactions.view().verify(producerId, epoch, partition);
    }

    /**
     * Cluster mode with verification on: a leader whose coordinator runs on another node asks it
     * (AddPartitionsToTxn verify-only) before a batch opens a transaction in a partition.
     */
    private static Optional<ProduceHandler.RemoteVerification> remoteVerification(BrokerServices services) {
        if (!services.config().transactions().verificationEnabled()) {
            return Optional.empty();
        }
        return services.cluster().map(view -> new ProduceHandler.RemoteVerification(view,
                new RemotelyVerifiedAppends(services.coordinatorVerification(), services.handlerPool())));
    }

    /** Registers one handler per API key; the keys must be exactly the {@code served} rows of {@link ServedVersions}. */
    private void register(Collection<ApiHandler> all, List<ServedVersions.Range> served) {
        for (ApiHandler handler : all) {
            if (served.stream().noneMatch(range -> range.api() == handler.apiKey())) {
                throw new IllegalStateException("No ServedVersions row for " + handler.apiKey() + " in this mode");
            }
            handlers.put(handler.apiKey(), handler);
        }
        for (ServedVersions.Range range : served) {
            if (!handlers.containsKey(range.api())) {
                throw new IllegalStateException("No handler for " + range.api() + ", which ServedVersions lists");
            }
        }
    }

    /**
     * Whether {@code version} of {@code key} is served ({@link ServedVersions}, and the key in this
     * node's mode); if not, the connection closes.
     */
    public boolean supports(ApiKeys key, short version) {
        return handlers.containsKey(key) && ServedVersions.serves(key, version);
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
        ApiKeys api = request.header().apiKey();
        if ((api == ApiKeys.PRODUCE || api == ApiKeys.FETCH) && quotas.active()) {
            pending = pending.thenApply(response -> quotas.apply(request, response));
        }
        pending.whenComplete((response, error) -> completed(request, response, startNs));
        return pending;
    }

    private CompletableFuture<ApiResponse> handle(ApiRequest request) {
        try {
            if (accessRules == null) {
                return serve(request);
            }
            AccessRule.Verdict verdict = accessRules.check(request);
            if (verdict instanceof AccessRule.Verdict.Proceed proceed) {
                return serve(request.withAccess(proceed.access()));
            }
            return CompletableFuture.completedFuture(refused(request, verdict));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(errorResponse(request, e));
        }
    }

    private CompletableFuture<ApiResponse> serve(ApiRequest request) {
        return handlers.get(request.header().apiKey()).handle(request).exceptionally(error -> errorResponse(request, error));
    }

    /** What a request its rule refused gets instead of its handler's answer. */
    private static ApiResponse refused(ApiRequest request, AccessRule.Verdict verdict) {
        if (verdict instanceof AccessRule.Verdict.Reject reject) {
            return new ApiResponse.Send(request.body().getErrorResponse(0, reject.error().exception()).data());
        }
        if (verdict instanceof AccessRule.Verdict.Answer answer) {
            return new ApiResponse.Send(answer.body());
        }
        return new ApiResponse.Close(((AccessRule.Verdict.Close) verdict).reason());
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
                REQUEST_LOG.debug("{} v{} from {} principal={} client-id={} correlation-id={} took {} ms, error {}",
                        api.name, request.version(), request.clientAddress(), request.principal(),
                        request.header().clientId(),
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
