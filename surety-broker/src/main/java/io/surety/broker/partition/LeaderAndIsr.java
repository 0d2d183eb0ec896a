package io.surety.broker.partition;

import java.util.List;

/**
 * What the cluster metadata says of a partition this node leads: the state a become-leader (or an
 * update of it) applies.
 *
 * @param localBrokerId  this node's id, which must be among the replicas and in the ISR
 * @param leaderEpoch    the leader epoch this node leads in; stamped on every batch it appends
 * @param partitionEpoch the version of the partition's replicas and ISR; an ISR change proposal
 *                       names the one it changes
 * @param replicas       the assigned replicas, preferred leader first
 * @param isr            the committed in-sync replicas
 */
public record LeaderAndIsr(int localBrokerId, int leaderEpoch, int partitionEpoch, List<Integer> replicas,
        List<Integer> isr) {

    public LeaderAndIsr {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        if (leaderEpoch < 0 || !replicas.contains(localBrokerId) || !isr.contains(localBrokerId)
                || !replicas.containsAll(isr)) {
            throw new IllegalArgumentException("Invalid leader state: leader " + localBrokerId + " epoch "
                    + leaderEpoch + ", replicas " + replicas + ", ISR " + isr);
        }
    }
}
