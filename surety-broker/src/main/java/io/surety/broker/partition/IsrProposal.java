package io.surety.broker.partition;

import java.util.List;
import java.util.Map;

/**
 * An ISR change the leader wants the controller to commit (AlterPartition): the leader returns it,
 * the caller sends it, and hands the answer back with {@link Partition#isrChangeCommitted} or
 * {@link Partition#isrChangeRefused}. At most one is in flight per partition; until it is
 * answered the leader counts its added members in the maximal ISR (KIP-497).
 *
 * @param leaderEpoch    the epoch of the leader proposing it
 * @param partitionEpoch the partition epoch it changes (the controller refuses a stale one)
 * @param newIsr         the proposed ISR, the leader included
 * @param brokerEpochs   the broker epoch each follower in {@code newIsr} sent with its last fetch
 *                       (KIP-903; -1 when it sent none), so the controller can refuse a member
 *                       that has since restarted
 */
public record IsrProposal(int leaderEpoch, int partitionEpoch, List<Integer> newIsr, Map<Integer, Long> brokerEpochs) {

    public IsrProposal {
        newIsr = List.copyOf(newIsr);
        brokerEpochs = Map.copyOf(brokerEpochs);
    }
}
