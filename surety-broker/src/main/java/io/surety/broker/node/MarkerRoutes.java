package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.replication.BrokerEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a transaction's markers go, by the committed metadata: to this node's own replica where it
 * leads, to the leader's inter-broker listener elsewhere (one list per leader, for one
 * WriteTxnMarkers request each), nowhere for a partition whose topic no longer exists, and not yet
 * for a partition without a leader or whose leader has no inter-broker endpoint. Immutable value.
 *
 * @param local   partitions this node leads
 * @param remote  partitions led elsewhere, by their leader's inter-broker endpoint
 * @param waiting partitions to try again after a metadata refresh
 * @param gone    partitions of deleted topics, skipped as a single node skips them
 */
record MarkerRoutes(List<TopicPartition> local, Map<BrokerEndpoint, List<TopicPartition>> remote,
                    List<TopicPartition> waiting, List<TopicPartition> gone) {

    static MarkerRoutes of(ClusterImage image, int localNodeId, String interBrokerListener,
            Collection<TopicPartition> partitions) {
        List<TopicPartition> local = new ArrayList<>();
        Map<BrokerEndpoint, List<TopicPartition>> remote = new LinkedHashMap<>();
        List<TopicPartition> waiting = new ArrayList<>();
        List<TopicPartition> gone = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topic(tp.topic());
            PartitionState state = topic == null ? null : topic.partition(tp.partition());
            if (state == null) {
                gone.add(tp);
            } else if (!state.hasLeader()) {
                waiting.add(tp);
            } else if (state.leader() == localNodeId) {
                local.add(tp);
            } else {
                Optional<BrokerEndpoint> leader = endpointOf(image, state.leader(), interBrokerListener);
                if (leader.isPresent()) {
                    remote.computeIfAbsent(leader.get(), k -> new ArrayList<>()).add(tp);
                } else {
                    waiting.add(tp);
                }
            }
        }
        return new MarkerRoutes(List.copyOf(local), Collections.unmodifiableMap(remote), List.copyOf(waiting), List.copyOf(gone));
    }

    /** Broker {@code brokerId}'s endpoint on {@code listener}, if it is registered and has one. */
    static Optional<BrokerEndpoint> endpointOf(ClusterImage image, int brokerId, String listener) {
        BrokerRegistration broker = image.broker(brokerId);
        if (broker == null) {
            return Optional.empty();
        }
        return broker.endpoints().stream().filter(e -> e.name().equals(listener)).findFirst()
                .map(e -> new BrokerEndpoint(brokerId, e.host(), e.port()));
    }
}
