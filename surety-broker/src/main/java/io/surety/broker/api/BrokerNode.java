package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import java.util.List;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;

/** This node as the various responses describe a broker (id and advertised address), and as replica assignments must name it. */
final class BrokerNode {

    private BrokerNode() {
    }

    static MetadataResponseBroker metadataBroker(BrokerServices services) {
        BrokerConfig.Listener advertised = services.config().advertisedListener();
        return new MetadataResponseBroker().setNodeId(services.identity().nodeId())
                .setHost(advertised.host()).setPort(advertisedPort(services)).setRack(null);
    }

    static DescribeClusterBroker describeClusterBroker(BrokerServices services) {
        BrokerConfig.Listener advertised = services.config().advertisedListener();
        return new DescribeClusterBroker().setBrokerId(services.identity().nodeId())
                .setHost(advertised.host()).setPort(advertisedPort(services)).setRack(null);
    }

    /**
     * Checks a manual replica assignment for one partition: on a single node it must name this
     * node, once. Throws {@link InvalidReplicaAssignmentException} with Kafka's message otherwise.
     */
    static void checkAssignment(BrokerServices services, List<Integer> brokerIds) {
        if (brokerIds.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
        }
        int node = services.identity().nodeId();
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
    static int advertisedPort(BrokerServices services) {
        BrokerConfig.Listener advertised = services.config().advertisedListener();
        return advertised.port() == 0 ? services.boundPort().getAsInt() : advertised.port();
    }
}
