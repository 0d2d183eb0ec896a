package io.surety.broker.api;

import org.apache.kafka.common.protocol.ApiMessage;

/** What goes back on the connection for one request. */
public sealed interface ApiResponse {

    /** A response body, encoded at the request's version. */
    record Send(ApiMessage body) implements ApiResponse {
    }

    /** No response at all (produce with acks=0). */
    record Silent() implements ApiResponse {
    }

    /** Close the connection after earlier responses are written (acks=0 produce that failed). */
    record Close(String reason) implements ApiResponse {
    }

    ApiResponse SILENT = new Silent();
}
