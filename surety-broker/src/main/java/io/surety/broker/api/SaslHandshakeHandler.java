package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * SaslHandshake on a connection that is not authenticating: on a listener without SASL, or one
 * already authenticated whose session does not allow a re-authentication now (it never expires, or
 * the last one began less than a second ago). Answered ILLEGAL_SASL_STATE, the connection kept, as
 * Kafka answers it. The handshakes that do begin an authentication never reach here: the SASL
 * connection's authenticator answers them.
 */
final class SaslHandshakeHandler implements ApiHandler {

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_HANDSHAKE;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return CompletableFuture.completedFuture(new ApiResponse.Send(new SaslHandshakeResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())));
    }
}
