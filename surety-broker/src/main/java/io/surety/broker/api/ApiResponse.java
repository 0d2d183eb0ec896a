package io.surety.broker.api;

import org.apache.kafka.common.protocol.ApiMessage;

/** What goes back on the connection for one request. */
public sealed interface ApiResponse {

    /**
     * A response body, encoded at the request's version. With {@code throttleMs} above 0 (a client
     * over its quota), the connection reads nothing more for that long once it is sent, as Kafka
     * mutes a throttled channel.
     */
    record Send(ApiMessage body, int throttleMs) implements ApiResponse {

        public Send(ApiMessage body) {
            this(body, 0);
        }
    }

    /** No response at all (produce with acks=0). */
    record Silent() implements ApiResponse {
    }

    /** Close the connection after earlier responses are written (acks=0 produce that failed). */
    record Close(String reason) implements ApiResponse {
    }

    ApiResponse SILENT = new Silent();
}
