package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Uuid;

/**
 * Works out the one {@link PartitionChange} that takes a partition from its current state to a
 * target ISR and recovery state, electing a leader on the way: the rules of Kafka's
 * {@code PartitionChangeBuilder} without eligible leader replicas. Used once per partition per
 * decision; not thread-safe.
 *
 * <p>Reassignment: a change may set new replicas with the ones being added and removed
 * ({@link #targetReassignment}), and every change completes a reassignment in progress once its
 * target replicas are all in the target ISR: the replicas become the target, the removed ones
 * leave the ISR, and if the leader was one of them a leader is elected from what remains.
 *
 * <p>Election, in order:
 * <ul>
 *   <li>{@link Election#PREFERRED}: the first (target) replica if it is in the target ISR and acceptable;
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
    private List<Integer> targetReplicas;
    private List<Integer> targetAdding;
    private List<Integer> targetRemoving;
    private LeaderRecoveryState targetRecoveryState;
    private Election election = Election.ONLINE;
    private boolean unclean;

    PartitionChangeBuilder(Uuid topicId, int partitionId, PartitionState current, IntPredicate acceptableLeader) {
        this.topicId = Objects.requireNonNull(topicId, "topicId");
        this.partitionId = partitionId;
        this.current = current;
        this.acceptableLeader = acceptableLeader;
        this.targetIsr = current.isr();
        this.targetReplicas = current.replicas();
        this.targetAdding = current.addingReplicas();
        this.targetRemoving = current.removingReplicas();
        this.targetRecoveryState = current.leaderRecoveryState();
    }

    PartitionChangeBuilder targetIsr(List<Integer> isr) {
        this.targetIsr = List.copyOf(isr);
        return this;
    }

    /**
     * New replicas with the reassignment they describe: {@code adding} and {@code removing} are
     * subsets of {@code replicas} (both empty: no reassignment).
     */
    PartitionChangeBuilder targetReassignment(List<Integer> replicas, List<Integer> adding, List<Integer> removing) {
        this.targetReplicas = List.copyOf(replicas);
        this.targetAdding = List.copyOf(adding);
        this.targetRemoving = List.copyOf(removing);
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
        completeReassignmentIfCaughtUp();
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
        Optional<List<Integer>> replicas = changed(targetReplicas, current.replicas());
        Optional<List<Integer>> adding = changed(targetAdding, current.addingReplicas());
        Optional<List<Integer>> removing = changed(targetRemoving, current.removingReplicas());
        if (newLeader.isEmpty() && isr.isEmpty() && recovery.isEmpty() && replicas.isEmpty() && adding.isEmpty()
                && removing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PartitionChange(topicId, partitionId, isr, newLeader, replicas, recovery, adding,
                removing));
    }

    private static Optional<List<Integer>> changed(List<Integer> target, List<Integer> current) {
        return target.equals(current) ? Optional.empty() : Optional.of(target);
    }

    /**
     * Kafka's {@code completeReassignmentIfNeeded}: once every target replica is in the target ISR,
     * the removing replicas leave both the replicas and the ISR, and nothing is being added.
     */
    private void completeReassignmentIfCaughtUp() {
        if (targetAdding.isEmpty() && targetRemoving.isEmpty()) {
            return;
        }
        List<Integer> target = new ArrayList<>(targetReplicas);
        target.removeAll(targetRemoving);
        if (target.isEmpty() || !targetIsr.containsAll(target)) {
            return;
        }
        List<Integer> isr = new ArrayList<>(targetIsr);
        isr.removeAll(targetRemoving);
        targetReplicas = List.copyOf(target);
        targetIsr = List.copyOf(isr);
        targetAdding = List.of();
        targetRemoving = List.of();
    }

    private int electLeader() {
        unclean = false;
        if (election == Election.PREFERRED && valid(targetReplicas.get(0))) {
            return targetReplicas.get(0);
        }
        if (valid(current.leader())) {
            return current.leader();
        }
        for (int replica : targetReplicas) {
            if (valid(replica)) {
                return replica;
            }
        }
        if (election == Election.UNCLEAN) {
            for (int replica : targetReplicas) {
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
