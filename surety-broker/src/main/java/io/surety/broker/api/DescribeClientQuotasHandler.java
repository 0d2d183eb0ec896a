package io.surety.broker.api;

import io.surety.broker.security.ClientQuotaRequests;
import io.surety.broker.security.ClientQuotas;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * DescribeClientQuotas (v0-1): the quotas whose entity the filter matches, from this node's
 * quotas (its store, or in cluster mode the metadata it applied). A filter Kafka refuses (an empty
 * or repeated entity type, a match string where the match type takes none or none with EXACT, ip
 * with user or client-id) is INVALID_REQUEST; an entity type other than user, client-id and ip
 * UNSUPPORTED_VERSION ({@link ClientQuotaRequests#describe}). Any thread.
 */
final class DescribeClientQuotasHandler implements ApiHandler {

    private final ClientQuotas quotas;

    DescribeClientQuotasHandler(ClientQuotas quotas) {
        this.quotas = quotas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return CompletableFuture.completedFuture(new ApiResponse.Send(ClientQuotaRequests.describe(
                ((DescribeClientQuotasRequest) request.body()).data(), quotas)));
    }
}
