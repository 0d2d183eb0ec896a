package io.surety.broker.metadata;

/**
 * The cluster id and node id recorded in the data directory's {@code meta.properties} (see
 * {@link DataDirectory}), created on first start, as Kafka does, so clients see the same cluster
 * across restarts and a data directory is never silently reused by a different node id.
 */
public record ClusterIdentity(String clusterId, int nodeId) {
}
