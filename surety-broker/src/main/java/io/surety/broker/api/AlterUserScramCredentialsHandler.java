package io.surety.broker.api;

import io.surety.broker.security.ScramUsers;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterUserScramCredentials (v0): adds, replaces and deletes SCRAM users with Kafka's validation
 * ({@link ScramUsers#alter}); what is accepted is durable before the answer, and the next
 * authentication sees it. Connections a deleted user already opened stay open until they
 * re-authenticate or expire ({@code connections.max.reauth.ms}), as in Kafka. When the change
 * cannot be made durable every user gets KAFKA_STORAGE_ERROR and one WARN line says why. The fsync
 * runs on the handler thread: these are rare admin requests. Any thread.
 */
final class AlterUserScramCredentialsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AlterUserScramCredentialsHandler.class);

    private final ScramUsers users;

    AlterUserScramCredentialsHandler(ScramUsers users) {
        this.users = users;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AlterUserScramCredentialsRequestData data = ((AlterUserScramCredentialsRequest) request.body()).data();
        try {
            return CompletableFuture.completedFuture(new ApiResponse.Send(users.alter(data)));
        } catch (IOException e) {
            LOG.warn("Could not store the SCRAM credential change from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The SCRAM credentials could not be stored", e);
        }
    }
}
