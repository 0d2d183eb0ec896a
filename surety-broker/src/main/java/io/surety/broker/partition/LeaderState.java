package io.surety.broker.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The replication state of a partition this node leads in one leader epoch: the assignment, the
 * committed ISR, the ISR change in flight (at most one), each follower's progress, and the leader
 * epoch start offset (LESO: the log end when the epoch began). It decides, from offsets handed in,
 * what the high watermark may be and which ISR change to propose; it reads no log and sends
 * nothing. Kafka's rules ({@code Partition.scala}):
 * <ul>
 * <li><b>Maximal ISR</b> (KIP-497): the committed ISR plus the members a proposal in flight adds.
 *     The high watermark is the minimum over it of the followers' log ends and the leader's own
 *     contribution, and also waits for a follower that is caught up and about to join;</li>
 * <li>the high watermark does not advance while the committed ISR is smaller than the effective
 *     minimum, min({@code min.insync.replicas}, replica count);</li>
 * <li>a follower may join when its log end reaches the high watermark and the LESO, it is active
 *     with the broker epoch the metadata shows, and (the applied-HWM rule) the high watermark has
 *     reached the LESO;</li>
 * <li>a follower leaves when it has not caught up to the leader's log end within
 *     {@code replica.lag.time.max.ms};</li>
 * <li>nothing is proposed while a proposal is in flight.</li>
 * </ul>
 *
 * <p>Thread-safety: none; every method runs under the partition lock. {@link #effectiveMinIsr},
 * {@link #isr} and the epochs are also read by {@link Partition} under that lock only.
 *
 * <p>Implementation notes: the applied-HWM rule is waived while the ISR is below its minimum. The
 * high watermark is frozen then, so it may never reach the LESO, and requiring it would keep the
 * ISR below the minimum for good. Joining at the LESO is still safe: the new leader held every
 * committed record when it was elected, so a follower that copied its log up to the LESO in this
 * epoch holds them too.
 */
final class LeaderState {

    /** The id a single node leads under; it has no followers and needs no id. */
    static final int SOLO = -1;

    private final int localId;
    private final int leaderEpoch;
    private final long epochStartOffset;
    private int partitionEpoch;
    private List<Integer> replicas;
    private Set<Integer> isr;
    /** The ISR change in flight, or null. */
    private IsrProposal pending;
    private final Map<Integer, FollowerProgress> followers = new LinkedHashMap<>();
    private IsrSettings settings;
    private IsrEligibility eligibility;

    private LeaderState(int localId, int leaderEpoch, long epochStartOffset, IsrSettings settings,
            IsrEligibility eligibility) {
        this.localId = localId;
        this.leaderEpoch = leaderEpoch;
        this.epochStartOffset = epochStartOffset;
        this.settings = settings;
        this.eligibility = eligibility;
    }

    /** The single node: the only replica and the whole ISR. */
    static LeaderState solo(int leaderEpoch, long epochStartOffset) {
        LeaderState state = new LeaderState(SOLO, leaderEpoch, epochStartOffset, IsrSettings.DEFAULTS, IsrEligibility.ANY);
        state.replicas = List.of(SOLO);
        state.isr = Set.of(SOLO);
        return state;
    }

    /** A new leader epoch starting at {@code epochStartOffset}; every follower starts unknown. */
    static LeaderState start(LeaderAndIsr assignment, long epochStartOffset, IsrSettings settings,
            IsrEligibility eligibility, long nowMs) {
        LeaderState state = new LeaderState(assignment.localBrokerId(), assignment.leaderEpoch(), epochStartOffset,
                settings, eligibility);
        state.update(assignment, nowMs, true);
        return state;
    }

    /**
     * The metadata changed the assignment or ISR within this leader epoch ({@code partitionEpoch}
     * at or above the current one): both are taken as committed and a proposal in flight is
     * dropped, as Kafka does. New followers start unknown; with {@code resetAll} every one does.
     */
    void update(LeaderAndIsr assignment, long nowMs, boolean resetAll) {
        partitionEpoch = assignment.partitionEpoch();
        replicas = assignment.replicas();
        isr = new LinkedHashSet<>(assignment.isr());
        pending = null;
        followers.keySet().retainAll(replicas);
        for (int id : replicas) {
            if (id != localId && (resetAll || !followers.containsKey(id))) {
                FollowerProgress progress = new FollowerProgress(id);
                progress.reset(nowMs, isr.contains(id));
                followers.put(id, progress);
            }
        }
    }

    /** Whether {@code assignment} is the partition state this leader holds: its partition epoch, replicas and ISR. */
    boolean holds(LeaderAndIsr assignment) {
        return assignment.partitionEpoch() == partitionEpoch && assignment.replicas().equals(replicas)
                && new LinkedHashSet<>(assignment.isr()).equals(isr);
    }

    void updateSettings(IsrSettings newSettings, IsrEligibility newEligibility) {
        settings = newSettings;
        eligibility = newEligibility;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    int partitionEpoch() {
        return partitionEpoch;
    }

    int localId() {
        return localId;
    }

    long epochStartOffset() {
        return epochStartOffset;
    }

    List<Integer> replicas() {
        return replicas;
    }

    /** The committed ISR. */
    Set<Integer> isr() {
        return isr;
    }

    /** The committed ISR plus the members a proposal in flight adds. */
    Set<Integer> maximalIsr() {
        if (pending == null) {
            return isr;
        }
        Set<Integer> maximal = new LinkedHashSet<>(isr);
        maximal.addAll(pending.newIsr());
        return maximal;
    }

    Optional<IsrProposal> pending() {
        return Optional.ofNullable(pending);
    }

    /** Whether other replicas exist: the high watermark then comes from them, not from the log alone. */
    boolean replicated() {
        return replicas.size() > 1;
    }

    int effectiveMinIsr() {
        return Math.min(settings.minInsyncReplicas(), replicas.size());
    }

    boolean underMinIsr() {
        return isr.size() < effectiveMinIsr();
    }

    /** The follower {@code brokerId}, or null when it is not an assigned replica. */
    FollowerProgress follower(int brokerId) {
        return followers.get(brokerId);
    }

    /** Whether a fetch with {@code fetchBrokerEpoch} comes from an incarnation older than the metadata's. */
    boolean isStaleFetch(int brokerId, long fetchBrokerEpoch) {
        return fetchBrokerEpoch != -1 && eligibility.registeredEpoch(brokerId) > fetchBrokerEpoch;
    }

    /**
     * The high watermark the replicas allow, or -1 while the ISR is below its minimum: the
     * minimum of {@code localContribution} and the log ends of the maximal ISR's followers and of
     * followers waiting to join. The caller keeps the larger of this and the current one.
     */
    long highWatermarkCandidate(long localContribution) {
        if (underMinIsr()) {
            return -1;
        }
        Set<Integer> maximal = maximalIsr();
        long candidate = localContribution;
        for (FollowerProgress follower : followers.values()) {
            if ((maximal.contains(follower.brokerId()) || follower.holdsHighWatermark())
                    && follower.logEndOffset() < candidate) {
                candidate = follower.logEndOffset();
            }
        }
        return candidate;
    }

    /**
     * The partition's low watermark (Kafka's {@code Partition.lowWatermarkIfLeader}): the lowest of
     * {@code leaderLogStartOffset} and the log start offsets that the followers on alive brokers
     * ({@link IsrEligibility#isAlive}) reported in this leader epoch, in the ISR or not. A follower
     * that has not fetched in this epoch counts as -1, so the low watermark waits for it. A single
     * node's is its own log start.
     */
    long lowWatermark(long leaderLogStartOffset) {
        long lowest = leaderLogStartOffset;
        for (FollowerProgress follower : followers.values()) {
            if (follower.logStartOffset() < lowest && eligibility.isAlive(follower.brokerId())) {
                lowest = follower.logStartOffset();
            }
        }
        return lowest;
    }

    /**
     * After {@code follower}'s fetch: the proposal adding it to the ISR if it may join (see the
     * class comment), recorded as in flight. Also refreshes whether it holds the high watermark.
     */
    Optional<IsrProposal> maybeExpand(FollowerProgress follower, long highWatermark, long leaderLogEndOffset,
            long nowMs) {
        boolean eligible = isEligible(follower);
        boolean outside = !maximalIsr().contains(follower.brokerId());
        follower.holdHighWatermark(outside && eligible
                && follower.isCaughtUp(leaderLogEndOffset, nowMs, settings.replicaLagTimeMaxMs()));
        if (pending != null || isr.contains(follower.brokerId()) || !eligible) {
            return Optional.empty();
        }
        long end = follower.logEndOffset();
        boolean appliedHwm = highWatermark >= epochStartOffset || underMinIsr();
        if (end < highWatermark || end < epochStartOffset || !appliedHwm) {
            return Optional.empty();
        }
        List<Integer> next = new ArrayList<>(isr);
        next.add(follower.brokerId());
        return Optional.of(propose(next));
    }

    /**
     * The proposal removing every ISR follower not caught up within the lag time, recorded as in
     * flight, if there is one and nothing is in flight. Also lets go of followers waiting to join
     * that have fallen behind.
     */
    Optional<IsrProposal> maybeShrink(long leaderLogEndOffset, long nowMs) {
        long lagMs = settings.replicaLagTimeMaxMs();
        for (FollowerProgress follower : followers.values()) {
            if (follower.holdsHighWatermark() && !follower.isCaughtUp(leaderLogEndOffset, nowMs, lagMs)) {
                follower.holdHighWatermark(false);
            }
        }
        if (pending != null) {
            return Optional.empty();
        }
        List<Integer> next = new ArrayList<>();
        for (int id : isr) {
            FollowerProgress follower = followers.get(id);
            if (id == localId || follower != null && follower.isCaughtUp(leaderLogEndOffset, nowMs, lagMs)) {
                next.add(id);
            }
        }
        return next.size() == isr.size() ? Optional.empty() : Optional.of(propose(next));
    }

    private IsrProposal propose(List<Integer> newIsr) {
        Map<Integer, Long> epochs = new HashMap<>();
        for (int id : newIsr) {
            FollowerProgress follower = followers.get(id);
            if (follower != null) {
                epochs.put(id, follower.brokerEpoch());
            }
        }
        pending = new IsrProposal(leaderEpoch, partitionEpoch, newIsr, epochs);
        return pending;
    }

    private boolean isEligible(FollowerProgress follower) {
        long registered = eligibility.registeredEpoch(follower.brokerId());
        return eligibility.isActive(follower.brokerId())
                && (follower.brokerEpoch() == -1 || registered == -1 || follower.brokerEpoch() == registered);
    }

    /**
     * The controller committed {@code proposal} as {@code newIsr} in {@code newPartitionEpoch}.
     * Returns false, changing nothing, when it is not the proposal in flight or the epoch is older
     * (the metadata already moved past it). An equal epoch is the controller's "nothing to change"
     * (the ISR already was {@code newIsr}): taken as committed, as Kafka's leader takes it, or the
     * proposal would stay in flight and block every later change until new metadata came.
     */
    boolean committed(IsrProposal proposal, int newPartitionEpoch, List<Integer> newIsr) {
        if (proposal != pending || newPartitionEpoch < partitionEpoch) {
            return false;
        }
        pending = null;
        partitionEpoch = newPartitionEpoch;
        isr = new LinkedHashSet<>(newIsr);
        isr.add(localId);
        return true;
    }

    /** The controller refused {@code proposal}: the committed ISR stands; a later check may propose again. */
    boolean refused(IsrProposal proposal) {
        if (proposal != pending) {
            return false;
        }
        pending = null;
        return true;
    }

    /** The state a metrics scrape reports, with the leader's log bounds given. */
    LeaderSnapshot snapshot(long logStartOffset, long logEndOffset) {
        Map<Integer, Long> ends = new HashMap<>();
        followers.values().forEach(f -> ends.put(f.brokerId(), f.logEndOffset()));
        return new LeaderSnapshot(replicas, List.copyOf(isr), effectiveMinIsr(), logStartOffset, logEndOffset, ends);
    }

    @Override
    public String toString() {
        return "leader " + localId + " in epoch " + leaderEpoch + " (partition epoch " + partitionEpoch + ", LESO "
                + epochStartOffset + "), replicas " + replicas + ", ISR " + isr
                + (pending == null ? "" : ", proposed " + pending.newIsr()) + ", followers " + followers.values();
    }
}
