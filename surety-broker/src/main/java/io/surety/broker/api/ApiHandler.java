package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Handles one API key. {@link #handle} runs on a request-handler thread, in arrival order for its
 * connection: whatever it does before returning (appending, reading) happens in that order, and
 * whatever waits (for an fsync, for data to arrive) completes the returned future later.
 */
interface ApiHandler {

    ApiKeys apiKey();

    /** Lowest version served; defaults to the lowest kafka-clients knows. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** Highest version served; defaults to the highest kafka-clients knows. */
    default short maxVersion() {
        return apiKey().latestVersion();
    }

    CompletableFuture<ApiResponse> handle(ApiRequest request);
}
