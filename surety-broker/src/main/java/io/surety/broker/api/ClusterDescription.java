package io.surety.broker.api;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.PartitionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.protocol.Errors;

/**
 * The cluster as responses describe it in cluster mode, read from one committed image: the brokers
 * clients may use, the controller id, where the coordinators run, and which replicas are offline.
 * Stateless; every method reads only the image (and view) it is given.
 *
 * <p>A broker is <em>live</em> when it is registered and unfenced (Kafka's alive brokers; one in
 * controlled shutdown still is), and is described by its endpoint on the listener the request came
 * in on ({@link ApiRequest#listenerName()}), so a client of the inter-broker listener is given
 * inter-broker addresses and a client of the client listener client addresses. As in Kafka, a live
 * broker without that listener is left out, and counts as an offline replica.
 */
final class ClusterDescription {

    /** The node id, leader id or controller id that names no node. */
    static final int NO_NODE = -1;

    private ClusterDescription() {
    }

    /** A live broker with its endpoint on one listener. */
    record LiveBroker(int brokerId, Endpoint endpoint, Optional<String> rack) {
    }

    /** Every live broker with an endpoint on listener {@code listenerName}, in id order. */
    static List<LiveBroker> liveBrokers(ClusterImage image, String listenerName) {
        List<LiveBroker> out = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (!broker.fenced()) {
                endpointOf(broker, listenerName).ifPresent(e -> out.add(new LiveBroker(broker.brokerId(), e, broker.rack())));
            }
        }
        return out;
    }

    /** Broker {@code brokerId} if it is live and has an endpoint on listener {@code listenerName}. */
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
     * a live broker for the same reason). Only brokers with an endpoint on {@code listener} qualify,
     * since the client can reach no other.
     */
    static int controllerId(ClusterView view, ClusterImage image, String listener) {
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
     * The replicas of {@code partition} a client of listener {@code listenerName} cannot use: on
     * brokers that are not live (fenced or not registered) or have no endpoint on that listener.
     */
    static List<Integer> offlineReplicas(ClusterImage image, PartitionState partition, String listenerName) {
        List<Integer> out = new ArrayList<>();
        for (int replica : partition.replicas()) {
            BrokerRegistration broker = image.broker(replica);
            if (broker == null || broker.fenced() || endpointOf(broker, listenerName).isEmpty()) {
                out.add(replica);
            }
        }
        return out;
    }

    /**
     * The endpoint on listener {@code listenerName} of the partition's leader, fenced or not, as
     * Kafka looks a leader up; empty when there is no leader, the leader is not registered, or it
     * has no such listener (see {@link #leaderMissingError}).
     */
    static Optional<Endpoint> leaderEndpoint(ClusterImage image, PartitionState partition, String listenerName) {
        BrokerRegistration leader = partition.hasLeader() ? image.broker(partition.leader()) : null;
        return leader == null ? Optional.empty() : endpointOf(leader, listenerName);
    }

    /**
     * Kafka's error for a partition whose leader has no endpoint for the client: LEADER_NOT_AVAILABLE
     * when there is no leader or it is not registered; when the leader lacks the request's listener,
     * LISTENER_NOT_FOUND from Metadata v6 on ({@code listenerNotFound}), so the misconfiguration
     * shows, and LEADER_NOT_AVAILABLE before.
     */
    static Errors leaderMissingError(ClusterImage image, PartitionState partition, boolean listenerNotFound) {
        boolean registered = partition.hasLeader() && image.broker(partition.leader()) != null;
        return registered && listenerNotFound ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE;
    }

    /** Whether broker {@code brokerId} is live and has an endpoint on listener {@code listenerName}. */
    static boolean reachable(ClusterImage image, int brokerId, String listenerName) {
        return liveBroker(image, brokerId, listenerName).isPresent();
    }

    private static Optional<Endpoint> endpointOf(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.name().equals(listenerName)).findFirst();
    }
}
