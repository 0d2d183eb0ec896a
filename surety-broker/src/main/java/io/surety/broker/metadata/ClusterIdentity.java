package io.surety.broker.metadata;

import io.surety.broker.log.StartRefusedException;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Who this data directory says the node is, from its {@code meta.properties} (see
 * {@link DataDirectory}): the cluster id clients see, the node id the directory belongs to, the
 * directory's own id, and whether it was formatted as a replacement. Immutable.
 *
 * <p>The cluster id is written by {@code bin/surety format}, or created on the first start of a
 * single node, as Kafka does, so clients see the same cluster across restarts; a data directory is
 * never silently reused by another node id. The directory id is what the metadata quorum registers
 * for this node: a known node id coming back with another directory id has lost its disk, and is not
 * a voter, leader or ISR member again until the operator formats the new disk with
 * {@code --replace} ({@link #formattedAsReplacement()}).
 *
 * @param clusterId {@code cluster.id}
 * @param nodeId {@code node.id}
 * @param directoryId {@code directory.id}; empty only for a directory opened by an offline tool
 *     before a start gave it one
 * @param formattedAsReplacement whether {@code surety.replacement=true}: formatted with
 *     {@code bin/surety format --replace}
 */
public record ClusterIdentity(String clusterId, int nodeId, Optional<Uuid> directoryId, boolean formattedAsReplacement) {

    public ClusterIdentity {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(directoryId, "directoryId");
    }

    /** An identity without a directory id, as tests and single-node callers that need none build it. */
    public ClusterIdentity(String clusterId, int nodeId) {
        this(clusterId, nodeId, Optional.empty(), false);
    }

    /**
     * Refuses to go on when the cluster this node is joining is not the one its data directory was
     * formatted for: a data directory of another cluster never joins this one.
     *
     * @throws StartRefusedException one line naming both ids and the fix
     */
    public void requireCluster(String quorumClusterId) throws StartRefusedException {
        if (!clusterId.equals(quorumClusterId)) {
            throw new StartRefusedException("The data directory belongs to cluster " + clusterId + " but the quorum is "
                    + "cluster " + quorumClusterId + "; give this node a data directory formatted with bin/surety format "
                    + "--cluster-id " + quorumClusterId);
        }
    }
}
