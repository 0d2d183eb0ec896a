package io.surety.broker.metrics;

import java.util.List;

/**
 * What a scrape reports about one partition this node leads in a cluster: its replicas, its ISR,
 * and how far each follower is behind. Read from the partition at scrape time.
 *
 * @param followerLags each follower's lag in offsets (the leader's log end minus the follower's
 *                     last fetch offset), in broker id order
 */
public record ReplicationStats(String topic, int partition, int replicas, int isrSize, boolean underReplicated,
        boolean underMinIsr, List<FollowerLag> followerLags) {

    public ReplicationStats {
        followerLags = List.copyOf(followerLags);
    }

    /** One follower's lag behind the leader, in offsets. */
    public record FollowerLag(int replica, long lag) {
    }
}
