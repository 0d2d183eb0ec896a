package io.surety.broker.api;

import io.surety.broker.security.ScramUsers;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterUserScramCredentials (v0): adds, replaces and deletes SCRAM users with Kafka's validation
 * ({@link ScramUsers#decide}). On a single node the change is durable in the node's security store
 * before the answer; in cluster mode the request goes to the active controller, which commits it
 * to the replicated metadata, from where every node applies it (NOT_CONTROLLER or
 * REQUEST_TIMED_OUT for every user when that fails, which the admin client retries). The next
 * authentication sees the change; connections a deleted user already opened stay open until they
 * re-authenticate or expire ({@code connections.max.reauth.ms}), as in Kafka. When a single node
 * cannot make the change durable every user gets KAFKA_STORAGE_ERROR and one WARN line says why.
 * The fsync runs on the handler thread: these are rare admin requests. Any thread.
 */
final class AlterUserScramCredentialsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlterUserScramCredentialsHandler.class);

    private final ScramUsers users;
    private final Optional<ClusterView> cluster;

    AlterUserScramCredentialsHandler(ScramUsers users, Optional<ClusterView> cluster) {
        this.users = users;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AlterUserScramCredentialsRequestData data = ((AlterUserScramCredentialsRequest) request.body()).data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, data).handle((answer, failure) ->
                    new ApiResponse.Send(failure == null ? answer : everyUserFailed(data, failure)));
        }
        try {
            return CompletableFuture.completedFuture(new ApiResponse.Send(users.alter(data)));
        } catch (IOException e) {
            LOG.warn("Could not store the SCRAM credential change from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The SCRAM credentials could not be stored", e);
        }
    }

    private static AlterUserScramCredentialsResponseData everyUserFailed(AlterUserScramCredentialsRequestData data,
            Throwable failure) {
        ApiError error = ApiError.fromThrowable(failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure);
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        Set<String> users = new LinkedHashSet<>();
        data.deletions().forEach(d -> users.add(d.name()));
        data.upsertions().forEach(u -> users.add(u.name()));
        users.forEach(user -> response.results().add(new AlterUserScramCredentialsResult().setUser(user)
                .setErrorCode(error.error().code()).setErrorMessage(error.message())));
        return response;
    }
}
