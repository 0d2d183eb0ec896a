package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.metrics.ControllerStats;
import io.surety.broker.metrics.ReplicationStats;
import io.surety.broker.partition.LeaderSnapshot;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a cluster node's state for the metrics scrape, each piece from its owner: the partitions
 * this node leads through {@link io.surety.broker.partition.Replication#leaderSnapshot()} (one
 * short hold of each partition lock, nothing on the produce or fetch path), the controller's
 * figures from the committed image. Runs on the scrape thread. Stateless.
 */
final class ReplicationGauges {

    private ReplicationGauges() {
    }

    /** Every replicated partition this node leads, with its ISR and followers' lag. */
    static List<ReplicationStats> ledPartitions(PartitionRegistry partitions) {
        List<ReplicationStats> stats = new ArrayList<>();
        for (Partition partition : partitions.all()) {
            partition.replication().leaderSnapshot()
                    .ifPresent(snapshot -> stats.add(stats(partition.topicPartition(), snapshot)));
        }
        return stats;
    }

    static ReplicationStats stats(TopicPartition tp, LeaderSnapshot snapshot) {
        List<ReplicationStats.FollowerLag> lags = new ArrayList<>();
        for (Map.Entry<Integer, Long> follower : snapshot.followerLogEnds().entrySet()) {
            lags.add(new ReplicationStats.FollowerLag(follower.getKey(), snapshot.lag(follower.getKey())));
        }
        return new ReplicationStats(tp.topic(), tp.partition(), snapshot.replicas().size(), snapshot.isr().size(),
                snapshot.underReplicated(), snapshot.underMinIsr(), lags);
    }

    /** The controller's figures: from {@code image} on the active controller, nothing elsewhere. */
    static ControllerStats controller(boolean active, ClusterImage image) {
        if (!active) {
            return ControllerStats.INACTIVE;
        }
        int leaderless = 0;
        for (ClusterImage.PartitionRef partition : image.partitions()) {
            leaderless += partition.state().hasLeader() ? 0 : 1;
        }
        int fenced = 0;
        for (BrokerRegistration broker : image.brokers().values()) {
            fenced += broker.fenced() ? 1 : 0;
        }
        return new ControllerStats(true, leaderless, fenced);
    }
}
