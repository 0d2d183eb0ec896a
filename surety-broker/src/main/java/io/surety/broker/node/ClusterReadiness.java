package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import java.util.ArrayList;
import java.util.List;

/**
 * When a cluster node counts as joined, which is what {@code /ready} answers in cluster mode:
 * the controller registered this incarnation (it has a broker epoch), unfenced it (a heartbeat
 * said so), and the node has applied a metadata image that holds that registration, so the roles
 * of its replicas come from an image at least as new as its joining. Stateless.
 */
final class ClusterReadiness {

    private ClusterReadiness() {
    }

    /**
     * What node {@code nodeId} still lacks to be joined, one line each for {@code /ready}; empty
     * once joined.
     *
     * @param brokerEpoch    the epoch the controller gave this incarnation, -1 while unregistered
     * @param fenced         whether the controller has this broker fenced, as its last heartbeat said
     * @param rolesApplied   the newest image whose replica roles this node has applied
     */
    static List<String> missing(int nodeId, long brokerEpoch, boolean fenced, ClusterImage rolesApplied) {
        List<String> missing = new ArrayList<>();
        if (brokerEpoch < 0) {
            missing.add("registration: the controller has not registered node " + nodeId
                    + " yet (is a majority of the metadata quorum up?)");
        }
        if (fenced) {
            missing.add("unfencing: the controller has not unfenced node " + nodeId
                    + (brokerEpoch < 0 ? "" : " (broker epoch " + brokerEpoch + ")") + " in a heartbeat answer yet");
        }
        BrokerRegistration own = rolesApplied.broker(nodeId);
        if (brokerEpoch < 0 || own == null || own.brokerEpoch() < brokerEpoch) {
            missing.add("metadata: the replica roles applied here come from index " + rolesApplied.appliedIndex()
                    + ", which does not hold this node's registration" + (brokerEpoch < 0 ? "" : " (index " + brokerEpoch + ")"));
        }
        return missing;
    }
}
