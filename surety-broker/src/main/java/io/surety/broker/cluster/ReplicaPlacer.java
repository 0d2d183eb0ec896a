package io.surety.broker.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Rack-unaware round-robin replica placement, the scheme Kafka's admin tools long used: the
 * first replicas of consecutive partitions walk the broker list from a start index, and each
 * partition's followers are the brokers after its first replica, offset by a shift that grows
 * by one every time the partitions wrap around the list, so followers spread as evenly as leaders.
 * Stateless; the caller draws the start index and shift (at random, as Kafka does, or fixed to
 * continue an existing topic).
 */
final class ReplicaPlacer {

    private ReplicaPlacer() {
    }

    /**
     * The replica lists of {@code count} partitions numbered from {@code firstPartitionId}.
     *
     * @param brokers the brokers to place on, in id order; at least {@code replicationFactor}
     * @param startIndex where in {@code brokers} partition 0's first replica goes
     * @param shift the initial follower shift
     */
    static List<List<Integer>> place(List<Integer> brokers, int firstPartitionId, int count, int replicationFactor,
            int startIndex, int shift) {
        int n = brokers.size();
        if (replicationFactor < 1 || replicationFactor > n) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " over " + n + " brokers");
        }
        List<List<Integer>> out = new ArrayList<>(count);
        int followerShift = shift;
        for (int p = firstPartitionId; p < firstPartitionId + count; p++) {
            if (p > 0 && p % n == 0) {
                followerShift++;
            }
            int first = (p + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(brokers.get(followerIndex(first, followerShift, j, n)));
            }
            out.add(replicas);
        }
        return out;
    }

    private static int followerIndex(int first, int shift, int replica, int n) {
        return (first + 1 + (shift + replica) % (n - 1)) % n;
    }
}
