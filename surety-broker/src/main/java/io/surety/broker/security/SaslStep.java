package io.surety.broker.security;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What a connection does with one frame after its {@link SaslAuthenticator} has looked at it. The
 * connection keeps the answers in request order with the responses of the requests it dispatched.
 */
public sealed interface SaslStep {

    /**
     * Serve the frame as an ordinary request, as the authenticator's current principal: ApiVersions
     * before authentication (so its answer is the broker's own), any request once authenticated.
     */
    record Dispatch() implements SaslStep {
    }

    /** Answer the frame with {@code body}, encoded at the request's version; the connection stays open. */
    record Reply(RequestHeader header, ApiMessage body) implements SaslStep {
        public Reply {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Answer a token sent without a Kafka header (after a SaslHandshake v0) with {@code token}, a
     * size-prefixed frame of raw bytes; nothing is sent when the mechanism has no challenge.
     */
    record Token(Optional<byte[]> token) implements SaslStep {
    }

    /**
     * Read nothing more; after {@code delayMs} write {@code answer} (if any) behind the answers
     * already due, then close. {@code reason} is for the log and never holds a secret.
     */
    record Close(Optional<Reply> answer, long delayMs, String reason) implements SaslStep {
        public Close {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(reason, "reason");
        }

        /** Close at once, answering nothing: the frame was not one to answer. */
        static Close now(String reason) {
            return new Close(Optional.empty(), 0, reason);
        }
    }

    /** The one {@link Dispatch}. */
    SaslStep DISPATCH = new Dispatch();
}
