package io.surety.broker.api;

import io.surety.broker.security.ClientQuotaRequests;
import io.surety.broker.security.ClientQuotas;
import io.surety.broker.security.SecurityStore;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterClientQuotas (v0-1) with Kafka's validation ({@link ClientQuotaRequests#alter}): on a single
 * node the accepted entries are stored (Kafka's {@code ClientQuotaRecord}s, in the security store)
 * before the answer, and enforced from the next request; in cluster mode the request goes to the
 * active controller, which commits them to the replicated metadata, from where every node takes
 * them. A change that cannot be made durable is KAFKA_STORAGE_ERROR for every entry. Any thread.
 */
final class AlterClientQuotasHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlterClientQuotasHandler.class);

    private final ClientQuotas quotas;
    private final Optional<SecurityStore> store;
    private final Optional<ClusterView> cluster;

    AlterClientQuotasHandler(ClientQuotas quotas, Optional<SecurityStore> store, Optional<ClusterView> cluster) {
        this.quotas = quotas;
        this.store = store;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AlterClientQuotasRequest body = (AlterClientQuotasRequest) request.body();
        AlterClientQuotasRequestData data = body.data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.ALTER_CLIENT_QUOTAS, data).handle((answer, failure) ->
                    new ApiResponse.Send(failure == null ? answer
                            : body.getErrorResponse(0, CreateAclsHandler.unwrap(failure)).data()));
        }
        try {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    store.orElseThrow().change(() -> ClientQuotaRequests.alter(data, quotas))));
        } catch (IOException e) {
            LOG.warn("Could not store the client quotas from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The client quotas could not be stored", e);
        }
    }
}
