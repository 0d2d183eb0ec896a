package io.surety.check.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * The cluster a check runs against. The workload reaches it through the check's fault proxy;
 * set-up, catch-up checks and the final reads use {@link #bootstrapServers()} directly.
 */
public interface Target extends AutoCloseable {

    /** The cluster's own address, not the proxy's. */
    String bootstrapServers();

    /** For the report, e.g. "Surety broker started by the check (fsync policy)". */
    String describe();

    /** Whether {@link #crashAndRestart()} can be used. */
    boolean canCrash();

    /** Crashes the broker the hard way and brings it back; returns once it serves again. */
    void crashAndRestart();

    /** The replication factor of the check's topics, or empty for the cluster's default. */
    default Optional<Short> replicationFactor() {
        return Optional.empty();
    }

    /** Settings of the check's topics beyond the cluster's defaults. */
    default Map<String, String> topicConfigs() {
        return Map.of();
    }

    /** Stops what the check started; leaves an external cluster alone. */
    @Override
    void close();
}
