package io.surety.broker.api;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.PartitionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The cluster as responses describe it in cluster mode, read from one committed image: the brokers
 * clients may use, the controller id, where the coordinators run, and which replicas are offline.
 * Stateless; every method reads only the image (and view) it is given.
 *
 * <p>A broker is <em>live</em> when it is registered and unfenced (Kafka's alive brokers; one in
 * controlled shutdown still is), and is described by its endpoint on the client listener
 * ({@link ClusterView#clientListenerName()}); a live broker without that listener is left out, as
 * Kafka leaves out brokers without the listener a request came on.
 */
final class ClusterDescription {

    /** The node id, leader id or controller id that names no node. */
    static final int NO_NODE = -1;

    private ClusterDescription() {
    }

    /** A live broker with its client endpoint. */
    record LiveBroker(int brokerId, Endpoint endpoint, Optional<String> rack) {
    }

    /** Every live broker with a client endpoint, in id order. */
    static List<LiveBroker> liveBrokers(ClusterImage image, String listenerName) {
        List<LiveBroker> out = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (!broker.fenced()) {
                endpointOf(broker, listenerName).ifPresent(e -> out.add(new LiveBroker(broker.brokerId(), e, broker.rack())));
            }
        }
        return out;
    }

    /** Broker {@code brokerId} if it is live and has a client endpoint. */
    static Optional<LiveBroker> liveBroker(ClusterImage image, int brokerId, String listenerName) {
        BrokerRegistration broker = image.broker(brokerId);
        if (broker == null || broker.fenced()) {
            return Optional.empty();
        }
        return endpointOf(broker, listenerName).map(e -> new LiveBroker(brokerId, e, broker.rack()));
    }

    /**
     * The controller id responses give: the node that leads the metadata quorum, when it is a live
     * broker; otherwise this node when live, else the first live broker, else {@link #NO_NODE}.
     * Any broker forwards what only the controller decides, so a client that sends
     * controller-bound requests to the fallback is still served (Kafka's brokers in KRaft mode give
     * a live broker for the same reason).
     */
    static int controllerId(ClusterView view, ClusterImage image) {
        String listener = view.clientListenerName();
        OptionalInt leader = view.activeControllerId();
        if (leader.isPresent() && liveBroker(image, leader.getAsInt(), listener).isPresent()) {
            return leader.getAsInt();
        }
        if (liveBroker(image, view.nodeId(), listener).isPresent()) {
            return view.nodeId();
        }
        List<LiveBroker> live = liveBrokers(image, listener);
        return live.isEmpty() ? NO_NODE : live.get(0).brokerId();
    }

    /**
     * The node whose local group and transaction coordinators serve the cluster, or
     * {@link #NO_NODE} while no broker is live: the live broker with the lowest id.
     *
     * <p>Interim (issue 16 item 6, until the coordinators move onto the quorum): the coordinators
     * are each node's own, unreplicated, so every node must send clients to the same one. The
     * lowest live id is a choice every node makes alike from the same image. When that broker is
     * fenced the choice moves to the next one, whose coordinator does not have the groups' offsets
     * or the transactions' state: there is no failover yet.
     */
    static int coordinatorId(ClusterImage image, String listenerName) {
        List<LiveBroker> live = liveBrokers(image, listenerName);
        return live.isEmpty() ? NO_NODE : live.get(0).brokerId();
    }

    /** The replicas of {@code partition} on brokers that are not live (fenced or not registered). */
    static List<Integer> offlineReplicas(ClusterImage image, PartitionState partition) {
        List<Integer> out = new ArrayList<>();
        for (int replica : partition.replicas()) {
            BrokerRegistration broker = image.broker(replica);
            if (broker == null || broker.fenced()) {
                out.add(replica);
            }
        }
        return out;
    }

    private static Optional<Endpoint> endpointOf(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.name().equals(listenerName)).findFirst();
    }
}
