package io.surety.broker.quorum;

/**
 * One voter of the quorum: a node id and the address its quorum peer listens on (the node's
 * CONTROLLER listener, the address given for it in {@code controller.quorum.voters}).
 */
public record QuorumPeer(int nodeId, String host, int port) {

    public QuorumPeer {
        if (nodeId < 0) {
            throw new IllegalArgumentException("node id " + nodeId + " is negative");
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("voter " + nodeId + " has no host");
        }
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("voter " + nodeId + " has port " + port);
        }
    }

    String address() {
        return host + ":" + port;
    }
}
