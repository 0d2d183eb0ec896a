package io.surety.broker.partition;

/**
 * Where a leader's ISR change proposals go. A follower's fetch ({@link Replication#updateFollowerFetchState})
 * and the periodic lag check ({@link Replication#maybeShrinkIsr}) return an {@link IsrProposal}; whoever got it
 * hands it here, and the implementation sends it to the controller as AlterPartition and reports the answer
 * back with {@link Replication#isrChangeCommitted} or {@link Replication#isrChangeRefused}. Until then the
 * proposal stays in flight and the partition proposes nothing else.
 *
 * <p>Thread-safety: called on request handler threads (and the ISR check's thread), outside the partition
 * lock. It must return at once: enqueue the proposal, never send and wait inline.
 */
@FunctionalInterface
public interface IsrChangeSink {

    /**
     * A node that has no controller to send to (a single node, whose partitions never propose):
     * proposals are dropped, so one that did arrive would stay in flight for good.
     */
    IsrChangeSink NONE = (partition, proposal) -> { };

    /** Sends {@code proposal} for {@code partition} to the controller. */
    void propose(Partition partition, IsrProposal proposal);
}
