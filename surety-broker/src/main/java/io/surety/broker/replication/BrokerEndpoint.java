package io.surety.broker.replication;

/** Where another broker of the cluster takes requests from its peers: its inter-broker listener. */
public record BrokerEndpoint(int nodeId, String host, int port) {

    @Override
    public String toString() {
        return "broker " + nodeId + " at " + host + ":" + port;
    }
}
