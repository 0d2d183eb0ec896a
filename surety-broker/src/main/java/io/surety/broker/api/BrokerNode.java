package io.surety.broker.api;

import io.surety.broker.config.NetworkConfig;
import io.surety.broker.metadata.ClusterIdentity;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;

/**
 * This node as the various responses describe a broker (cluster id, node id and advertised
 * address), and as replica assignments must name it. Immutable and thread-safe; the bound port is
 * read when asked, since a listener on port 0 binds after the handlers are built.
 */
final class BrokerNode {

    private final ClusterIdentity identity;
    private final NetworkConfig network;
    private final IntSupplier boundPort;

    BrokerNode(ClusterIdentity identity, NetworkConfig network, IntSupplier boundPort) {
        this.identity = identity;
        this.network = network;
        this.boundPort = boundPort;
    }

    int nodeId() {
        return identity.nodeId();
    }

    String clusterId() {
        return identity.clusterId();
    }

    MetadataResponseBroker metadataBroker() {
        return new MetadataResponseBroker().setNodeId(nodeId())
                .setHost(network.advertisedListener().host()).setPort(advertisedPort()).setRack(null);
    }

    DescribeClusterBroker describeClusterBroker() {
        return new DescribeClusterBroker().setBrokerId(nodeId())
                .setHost(network.advertisedListener().host()).setPort(advertisedPort()).setRack(null);
    }

    /**
     * Checks a manual replica assignment for one partition: on a single node it must name this
     * node, once. Throws {@link InvalidReplicaAssignmentException} with Kafka's message otherwise.
     */
    void checkAssignment(List<Integer> brokerIds) {
        if (brokerIds.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
        }
        int node = nodeId();
        List<Integer> sorted = brokerIds.stream().sorted().toList();
        for (int i = 0; i < sorted.size(); i++) {
            int brokerId = sorted.get(i);
            if (brokerId != node) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + brokerId + ", but no such broker is registered.");
            }
            if (i > 0) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + brokerId + " more than once.");
            }
        }
    }

    /** The advertised port; a listener on port 0 advertises the port it actually bound. */
    int advertisedPort() {
        NetworkConfig.Listener advertised = network.advertisedListener();
        return advertised.port() == 0 ? boundPort.getAsInt() : advertised.port();
    }
}
