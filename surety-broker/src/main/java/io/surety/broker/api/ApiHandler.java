package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Handles one API key. {@link #handle} runs on a request-handler thread, in arrival order for its
 * connection: whatever it does before returning (appending, reading) happens in that order, and
 * whatever waits (for an fsync, for data to arrive) completes the returned future later.
 * Which versions reach it is decided by {@link ServedVersions}, never by the handler.
 */
interface ApiHandler {

    ApiKeys apiKey();

    CompletableFuture<ApiResponse> handle(ApiRequest request);
}
