package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Uuid;

/**
 * Works out the one {@link PartitionChange} that takes a partition from its current state to a
 * target ISR and recovery state, electing a leader on the way: the rules of Kafka's
 * {@code PartitionChangeBuilder} without reassignment or eligible leader replicas. Used once per
 * partition per decision; not thread-safe.
 *
 * <p>Election, in order:
 * <ul>
 *   <li>{@link Election#PREFERRED}: the first replica if it is in the target ISR and acceptable;
 *       else the current leader if still valid; else the first valid replica in assignment order.</li>
 *   <li>{@link Election#ONLINE} and {@link Election#UNCLEAN}: the current leader if still valid;
 *       else the first valid replica in assignment order; and only for UNCLEAN, when none is
 *       valid, the first acceptable replica outside the ISR, which becomes the ISR alone and leads
 *       RECOVERING.</li>
 * </ul>
 * Valid means in the target ISR and accepted by the leader predicate (eligible brokers, see
 * {@link BrokerRegistration#eligible()}). An empty target ISR is never written: the last member
 * stays in the ISR with no leader, so the partition waits for it rather than losing what only it
 * holds.
 */
final class PartitionChangeBuilder {

    /** How hard to look for a leader. */
    enum Election {
        /** Move leadership to the preferred replica if it is valid. */
        PREFERRED,
        /** Keep the partition led from its ISR. */
        ONLINE,
        /** As ONLINE, then any acceptable replica, losing what only the ISR held. */
        UNCLEAN
    }

    private final Uuid topicId;
    private final int partitionId;
    private final PartitionState current;
    private final IntPredicate acceptableLeader;
    private List<Integer> targetIsr;
    private LeaderRecoveryState targetRecoveryState;
    private Election election = Election.ONLINE;
    private boolean unclean;

    PartitionChangeBuilder(Uuid topicId, int partitionId, PartitionState current, IntPredicate acceptableLeader) {
        this.topicId = Objects.requireNonNull(topicId, "topicId");
        this.partitionId = partitionId;
        this.current = current;
        this.acceptableLeader = acceptableLeader;
        this.targetIsr = current.isr();
        this.targetRecoveryState = current.leaderRecoveryState();
    }

    PartitionChangeBuilder targetIsr(List<Integer> isr) {
        this.targetIsr = List.copyOf(isr);
        return this;
    }

    PartitionChangeBuilder targetRecoveryState(LeaderRecoveryState state) {
        this.targetRecoveryState = state;
        return this;
    }

    PartitionChangeBuilder election(Election type) {
        this.election = type;
        return this;
    }

    /** Whether the change {@link #build} returned elects a leader from outside the ISR. */
    boolean unclean() {
        return unclean;
    }

    /** The change, or empty when the partition would stay as it is. */
    Optional<PartitionChange> build() {
        int leader = electLeader();
        OptionalInt newLeader = leader != current.leader() ? OptionalInt.of(leader) : OptionalInt.empty();
        Optional<List<Integer>> isr = Optional.empty();
        Optional<LeaderRecoveryState> recovery = Optional.empty();
        if (unclean) {
            isr = Optional.of(List.of(leader));
            if (current.leaderRecoveryState() != LeaderRecoveryState.RECOVERING) {
                recovery = Optional.of(LeaderRecoveryState.RECOVERING);
            }
        } else {
            if (!targetIsr.isEmpty() && !targetIsr.equals(current.isr())) {
                isr = Optional.of(targetIsr);
            }
            if (targetRecoveryState != current.leaderRecoveryState()) {
                recovery = Optional.of(targetRecoveryState);
            }
        }
        if (newLeader.isEmpty() && isr.isEmpty() && recovery.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PartitionChange(topicId, partitionId, isr, newLeader, Optional.empty(), recovery));
    }

    private int electLeader() {
        unclean = false;
        if (election == Election.PREFERRED && valid(current.preferredLeader())) {
            return current.preferredLeader();
        }
        if (valid(current.leader())) {
            return current.leader();
        }
        for (int replica : current.replicas()) {
            if (valid(replica)) {
                return replica;
            }
        }
        if (election == Election.UNCLEAN) {
            for (int replica : current.replicas()) {
                if (acceptableLeader.test(replica)) {
                    unclean = true;
                    return replica;
                }
            }
        }
        return ClusterImage.NO_LEADER;
    }

    private boolean valid(int replica) {
        return replica != ClusterImage.NO_LEADER && targetIsr.contains(replica) && acceptableLeader.test(replica);
    }
}
