package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;

/** This node as the various responses describe a broker: id and advertised address. */
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

    /** The advertised port; a listener on port 0 advertises the port it actually bound. */
    static int advertisedPort(BrokerServices services) {
        BrokerConfig.Listener advertised = services.config().advertisedListener();
        return advertised.port() == 0 ? services.boundPort().getAsInt() : advertised.port();
    }
}
