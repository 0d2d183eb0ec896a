package io.surety.broker.api;

import io.surety.broker.security.ScramUsers;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;

/**
 * DescribeUserScramCredentials (v0): each user's mechanisms and iterations, never a salt or key
 * ({@link ScramUsers#describe}). Any thread.
 */
final class DescribeUserScramCredentialsHandler implements ApiHandler {

    private final ScramUsers users;

    DescribeUserScramCredentialsHandler(ScramUsers users) {
        this.users = users;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return CompletableFuture.completedFuture(new ApiResponse.Send(
                users.describe(((DescribeUserScramCredentialsRequest) request.body()).data())));
    }
}
