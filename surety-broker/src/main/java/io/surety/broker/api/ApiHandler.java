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

    /**
     * Lowest version ApiVersions advertises; defaults to {@link #minVersion()}. Lower only where
     * Apache Kafka advertises versions it does not serve, for clients that check the advertised
     * range rather than negotiate (Produce); a request below {@link #minVersion()} still closes
     * the connection, as in Kafka.
     */
    default short advertisedMinVersion() {
        return minVersion();
    }

    /** Highest version served; defaults to the highest kafka-clients knows. */
    default short maxVersion() {
        return apiKey().latestVersion();
    }

    CompletableFuture<ApiResponse> handle(ApiRequest request);
}
