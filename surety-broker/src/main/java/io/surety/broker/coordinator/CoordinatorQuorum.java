package io.surety.broker.coordinator;

import java.util.concurrent.CompletableFuture;

/**
 * The coordinator quorum group as the coordinator sees it in a cluster: where its rounds are
 * proposed while this node leads the group. Implemented by the cluster wiring over Ratis.
 */
public interface CoordinatorQuorum {

    /**
     * Proposes {@code entry} as the leader of {@code term}; the future completes once the entry is
     * committed (and so in every member's {@link CommittedCoordinatorState}), or exceptionally when
     * it was not or may not be (the term is over, this node does not lead).
     */
    CompletableFuture<Void> propose(long term, byte[] entry);

    /** The term in which this node leads the group and may serve as coordinator; -1 when it does not. */
    long leadingTerm();
}
