package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * SaslAuthenticate on a connection that is not authenticating (no SaslHandshake began an exchange):
 * answered ILLEGAL_SASL_STATE, the connection kept, as Kafka answers it. Tokens of an exchange in
 * progress never reach here: the SASL connection's authenticator takes them.
 */
final class SaslAuthenticateHandler implements ApiHandler {

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_AUTHENTICATE;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return CompletableFuture.completedFuture(new ApiResponse.Send(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setErrorMessage("SaslAuthenticate without a SaslHandshake that began an authentication")));
    }
}
