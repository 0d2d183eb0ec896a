package io.surety.broker.api;

import io.surety.broker.cluster.SecurityImage;
import io.surety.broker.security.ScramUsers;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;

/**
 * DescribeUserScramCredentials (v0): each user's mechanisms and iterations, never a salt or key
 * ({@link ScramUsers#describe}), from the node's security store, or in cluster mode from the
 * committed metadata this node has applied (as a Kafka broker answers from its metadata image).
 * Any thread.
 */
final class DescribeUserScramCredentialsHandler implements ApiHandler {

    private final ScramUsers users;
    private final Optional<ClusterView> cluster;

    DescribeUserScramCredentialsHandler(ScramUsers users, Optional<ClusterView> cluster) {
        this.users = users;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeUserScramCredentialsRequestData data = ((DescribeUserScramCredentialsRequest) request.body()).data();
        if (cluster.isPresent()) {
            SecurityImage security = cluster.get().image().security();
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    ScramUsers.describe(data, ScramUsers.iterationsOf(security.scram().values()))));
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(users.describe(data)));
    }
}
