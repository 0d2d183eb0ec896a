package io.surety.broker.partition;

import io.surety.broker.log.Log;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication side of one {@link Partition}: its role (leader, follower, no leader), the
 * leader's ISR and followers' progress ({@link LeaderState}), the acks=all waiters
 * ({@link DelayedProduce}) and DeleteRecords waiters ({@link DelayedDeleteRecords}), and, through
 * {@link FollowerLog}, the follower's appends and truncations. Pure logic over the partition's log: it opens no socket,
 * starts no thread and sends nothing; ISR changes are returned as {@link IsrProposal}s for the
 * caller to send (AlterPartition), and times are passed in (monotonic milliseconds for lag, the
 * caller's clock for deadlines). See
 * replication-design.md, section 6.4, for the rules, which are Kafka's.
 *
 * <p>A single node is a leader whose only replica and ISR is itself ({@link Partition#becomeLeader()}):
 * its high watermark follows the log as before, appends do no replication work, and acks=all is
 * answered after the flush.
 *
 * <p>What guards what (the partition lock is the one lock of {@link Partition}; lock order:
 * partition lock, then the waiters' monitor, then the log's own locks):
 * <pre>
 *  state                                  changed by                          guarded by
 *  role (which object)                    becomeLeader, becomeFollower        partition lock; volatile for readers
 *  LeaderState: ISR, proposal in flight,  becomeLeader, fetch updates,        partition lock (read and written)
 *    partition epoch, followers' progress   ISR checks and answers
 *  the log's high watermark (replicated)  the open (restoreHighWatermark),   partition lock (the log's writer)
 *                                           fetch updates, ISR answers, leader
 *                                           appends and flushes, follower
 *                                           appends, truncation
 *  follower appends, truncation           FollowerLog                         partition lock (the log's writer)
 *  acks=all waiters                       awaitReplication, completion,       the waiters' own monitor; futures
 *                                           expiry                              completed outside every lock
 *  DeleteRecords waiters                  deleteRecords, completion, expiry   the same
 * </pre>
 */
public final class Replication {

    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    /** Refusals of an ISR change after which the leader waits for the partition's newer metadata. */
    private static final Set<Errors> AWAIT_METADATA = EnumSet.of(Errors.INVALID_UPDATE_VERSION,
            Errors.FENCED_LEADER_EPOCH, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_ID,
            Errors.INVALID_REQUEST, Errors.NEW_LEADER_ELECTED);

    private final Partition partition;
    private final Log log;
    private final ReentrantLock lock;
    /** Replaced under the lock; read by request handlers (see the table above). */
    private volatile PartitionRole role;
    private final OffsetWaiters<DelayedProduce> waiters = DelayedProduce.waiters();
    private final OffsetWaiters<DelayedDeleteRecords> deletions = DelayedDeleteRecords.waiters();
    private final FollowerLog follower;

    Replication(Partition partition, Log log, ReentrantLock lock) {
        this.partition = partition;
        this.log = log;
        this.lock = lock;
        this.role = new PartitionRole.NoLeader(Math.max(0, log.latestLeaderEpoch().orElse(0)));
        this.follower = new FollowerLog(partition, log, lock, () -> role instanceof PartitionRole.Follower);
    }

    /** The current role (its leader state is only for use under the partition lock). */
    PartitionRole role() {
        return role;
    }

    /** Under the lock: the single node leads in {@code epoch}, already assigned in the log. */
    void becomeSolo(int epoch) {
        log.setHighWatermarkFromReplicas(false);
        role = new PartitionRole.Leader(LeaderState.solo(epoch, log.logEndOffset()));
    }

    /** The leader epoch the partition is in (whichever role this node has in it). */
    public int leaderEpoch() {
        return role.leaderEpoch();
    }

    /**
     * A replica of a cluster opening, before it has a role or serves: its high watermark is set
     * from the replicas from now on and starts at {@code checkpointed} (what this node last wrote
     * to its {@link HighWatermarkCheckpoint}), clamped to the log, or at the log start when the
     * checkpoint has no entry for it. Never the log end, which may hold records only this replica
     * has: the leader raises it as followers fetch, a follower takes it from its leader. An offline
     * partition is left as it is (it serves nothing, and is not checkpointed).
     */
    void restoreHighWatermark(OptionalLong checkpointed) {
        lock.lock();
        try {
            if (!partition.isOffline()) {
                log.startHighWatermarkFromReplicasAt(checkpointed.orElse(log.logStartOffset()));
            }
        } catch (IOException e) {
            partition.storageFailure("high watermark restore", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes this node the leader as the metadata says. A leader epoch above the current one starts
     * a new epoch: it is recorded at the log end in the epoch cache and its checkpoint made durable
     * before anything is served, that offset becomes the leader epoch start offset (LESO), and
     * every follower starts unknown. The same leader epoch with a partition epoch at or above ours
     * only updates the replicas and ISR (and drops an ISR change in flight, as Kafka does); but the
     * very state this leader holds again (the metadata changed elsewhere) only updates the settings
     * and which brokers may join, and keeps the change in flight. (The same partition epoch can
     * bring other replicas: an ISR change this leader proposed gave it the epoch, and the
     * controller completed a reassignment in the same change.) A stale state, an epoch below one the log has seen, or an
     * offline partition changes nothing; returns whether the state was applied. With one replica
     * the partition behaves as the single node does (the high watermark follows the log).
     */
    public boolean becomeLeader(LeaderAndIsr state, IsrSettings settings, IsrEligibility eligibility, long nowMs) {
        boolean advanced;
        LowWatermarkReached deleted;
        lock.lock();
        try {
            PartitionRole current = role;
            if (partition.isOffline() || state.leaderEpoch() < current.leaderEpoch()) {
                return false;
            }
            if (current instanceof PartitionRole.Leader leader && leader.leaderEpoch() == state.leaderEpoch()) {
                if (state.partitionEpoch() < leader.state().partitionEpoch()) {
                    return false;
                }
                if (!leader.state().holds(state)) {
                    leader.state().update(state, nowMs, false);
                }
                leader.state().updateSettings(settings, eligibility);
            } else {
                if (log.latestLeaderEpoch().orElse(-1) > state.leaderEpoch()) {
                    LOG.error("Refusing to lead {} in epoch {}: its log has seen epoch {}", partition.topicPartition(),
                            state.leaderEpoch(), log.latestLeaderEpoch().getAsInt());
                    return false;
                }
                log.assignLeaderEpoch(state.leaderEpoch());
                role = new PartitionRole.Leader(LeaderState.start(state, log.logEndOffset(), settings, eligibility, nowMs));
                LOG.info("Leading {} in epoch {} from offset {}, ISR {}", partition.topicPartition(), state.leaderEpoch(),
                        log.logEndOffset(), state.isr());
            }
            LeaderState leader = ((PartitionRole.Leader) role).state();
            log.setHighWatermarkFromReplicas(leader.replicated());
            long before = log.highWatermark();
            if (leader.replicated()) {
                advanceLeaderHighWatermark(leader);
            }
            advanced = log.highWatermark() > before;
            // The metadata may have fenced the broker of a replica that held the low watermark back.
            deleted = takeReachedDeletions(leader);
        } catch (IOException e) {
            partition.storageFailure("leader epoch checkpoint", e);
            return false;
        } finally {
            lock.unlock();
        }
        deleted.complete();
        if (advanced) {
            partition.highWatermarkAdvanced();
        }
        return true;
    }

    /**
     * Makes this node a follower of {@code leaderId} in {@code leaderEpoch} (or, with leader -1, a
     * replica of a partition with no leader): produce is refused from now on, and acks=all appends
     * and DeleteRecords requests waiting here are answered NOT_LEADER_OR_FOLLOWER. A stale epoch
     * changes nothing; returns whether the role changed. The log is not touched: the follower finds
     * where it diverges from its leader's by fetching ({@link #truncateOnDivergence}).
     */
    public boolean becomeFollower(int leaderId, int leaderEpoch) {
        List<DelayedProduce> orphaned;
        List<DelayedDeleteRecords> orphanedDeletions;
        lock.lock();
        try {
            PartitionRole current = role;
            if (leaderEpoch < current.leaderEpoch() || leaderEpoch == current.leaderEpoch()
                    && !(current instanceof PartitionRole.NoLeader)) {
                return false;
            }
            role = leaderId < 0 ? new PartitionRole.NoLeader(leaderEpoch) : new PartitionRole.Follower(leaderId, leaderEpoch);
            log.setHighWatermarkFromReplicas(true);
            orphaned = waiters.takeAll();
            orphanedDeletions = deletions.takeAll();
            LOG.info("Following {} for {} in epoch {}", leaderId < 0 ? "no leader" : "broker " + leaderId, partition.topicPartition(),
                    leaderEpoch);
        } finally {
            lock.unlock();
        }
        DelayedProduce.completeAll(orphaned, Errors.NOT_LEADER_OR_FOLLOWER);
        DelayedDeleteRecords.failAll(orphanedDeletions, Errors.NOT_LEADER_OR_FOLLOWER);
        return true;
    }

    /** Changes the ISR settings of a leader (a topic or broker configuration change). */
    public void updateIsrSettings(IsrSettings settings, IsrEligibility eligibility) {
        lock.lock();
        try {
            if (role instanceof PartitionRole.Leader leader) {
                leader.state().updateSettings(settings, eligibility);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether this node leads the partition. */
    public boolean isLeader() {
        return role instanceof PartitionRole.Leader;
    }

    /** Whether acks=all waits for other replicas ({@link #awaitReplication}) rather than for the flush alone. */
    public boolean waitsForReplicas() {
        return role instanceof PartitionRole.Leader leader && leader.state().replicated();
    }

    /** The committed ISR while this node leads; empty otherwise. */
    public List<Integer> isr() {
        lock.lock();
        try {
            return role instanceof PartitionRole.Leader leader ? List.copyOf(leader.state().isr()) : List.of();
        } finally {
            lock.unlock();
        }
    }

    /** The ISR change in flight while this node leads. */
    public Optional<IsrProposal> pendingIsrChange() {
        lock.lock();
        try {
            return role instanceof PartitionRole.Leader leader ? leader.state().pending() : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The replication state while this node leads a replicated partition (more than one replica),
     * for the metrics scrape; empty otherwise. Takes the partition lock for the copy.
     */
    public Optional<LeaderSnapshot> leaderSnapshot() {
        lock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader) || !leader.state().replicated()) {
                return Optional.empty();
            }
            return Optional.of(leader.state().snapshot(log.logStartOffset(), log.logEndOffset()));
        } finally {
            lock.unlock();
        }
    }

    /** The leader epoch start offset while this node leads, else -1. */
    public long leaderEpochStartOffset() {
        return role instanceof PartitionRole.Leader leader ? leader.state().epochStartOffset() : -1;
    }

    /**
     * Leader side of a follower's fetch, before reading: Kafka's epoch checks and KIP-279 divergence
     * check ({@code Partition.fetchRecords}). {@code currentLeaderEpoch} -1 skips the epoch check,
     * {@code lastFetchedEpoch} -1 the divergence check. See {@link ReplicaFetchCheck}.
     */
    public ReplicaFetchCheck checkReplicaFetch(int replicaId, int currentLeaderEpoch, int lastFetchedEpoch, long fetchOffset) {
        lock.lock();
        try {
            return ReplicaFetchRules.check(role, log, partition.isOffline(), replicaId, currentLeaderEpoch,
                    lastFetchedEpoch, fetchOffset);
        } finally {
            lock.unlock();
        }
    }

    /** Reads for a follower: up to the log end, not the high watermark. */
    public ReadResult readForReplica(long offset, int maxBytes, boolean minOneBatch)
            throws IOException, OffsetOutOfRangeException {
        partition.requireOnline();
        return log.readForReplica(offset, maxBytes, minOneBatch);
    }

    /** What {@link #updateFollowerFetchState} found: an error for the fetch, and an ISR change to send. */
    public record FollowerFetchUpdate(Errors error, Optional<IsrProposal> isrChange) {
    }

    /**
     * Records that follower {@code replicaId} (broker epoch {@code brokerEpoch}, -1 if unknown)
     * fetched from {@code fetchOffset} at {@code nowMs} (monotonic): its log reaches that far and
     * starts at {@code logStartOffset} (the fetch's LogStartOffset, -1 if it did not say). May
     * advance the high watermark (waking fetches and completing acks=all waiters) and the low
     * watermark (completing DeleteRecords waiters), and may return the proposal adding it to the
     * ISR, for the caller to send. Refused with NOT_LEADER_OR_FOLLOWER when this node does not
     * lead, the replica is not assigned, or the fetch comes from an older incarnation of the
     * broker. Call it only for a fetch that {@link #checkReplicaFetch} let read.
     */
    public FollowerFetchUpdate updateFollowerFetchState(int replicaId, long brokerEpoch, long fetchOffset,
            long logStartOffset, long nowMs) {
        Optional<IsrProposal> proposal;
        boolean advanced;
        LowWatermarkReached deleted;
        lock.lock();
        try {
            FollowerProgress follower = role instanceof PartitionRole.Leader leader
                    ? leader.state().follower(replicaId) : null;
            if (follower == null || partition.isOffline()
                    || ((PartitionRole.Leader) role).state().isStaleFetch(replicaId, brokerEpoch)) {
                return new FollowerFetchUpdate(Errors.NOT_LEADER_OR_FOLLOWER, Optional.empty());
            }
            LeaderState state = ((PartitionRole.Leader) role).state();
            long logEnd = log.logEndOffset();
            follower.recordFetch(Math.min(fetchOffset, logEnd), logEnd, nowMs, brokerEpoch);
            follower.recordLogStart(logStartOffset);
            proposal = state.maybeExpand(follower, log.highWatermark(), logEnd, nowMs);
            proposal.ifPresent(p -> LOG.info("Proposing ISR {} for {}: replica {} caught up", p.newIsr(),
                    partition.topicPartition(), replicaId));
            advanced = advanceLeaderHighWatermark(state);
            deleted = takeReachedDeletions(state);
        } catch (IOException e) {
            partition.storageFailure("high watermark update", e);
            return new FollowerFetchUpdate(Errors.KAFKA_STORAGE_ERROR, Optional.empty());
        } finally {
            lock.unlock();
        }
        deleted.complete();
        if (advanced) {
            partition.highWatermarkAdvanced();
        }
        return new FollowerFetchUpdate(Errors.NONE, proposal);
    }

    /**
     * The periodic ISR check at {@code nowMs} (monotonic): the proposal removing the followers that
     * have not caught up to the log end within {@code replica.lag.time.max.ms}, if any and nothing
     * is in flight. The caller sends it.
     */
    public Optional<IsrProposal> maybeShrinkIsr(long nowMs) {
        Optional<IsrProposal> proposal;
        boolean advanced;
        lock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader) || !leader.state().replicated() || partition.isOffline()) {
                return Optional.empty();
            }
            proposal = leader.state().maybeShrink(log.logEndOffset(), nowMs);
            proposal.ifPresent(p -> LOG.info("Proposing ISR {} for {}: {} fell behind", p.newIsr(), partition.topicPartition(),
                    leader.state()));
            advanced = advanceLeaderHighWatermark(leader.state());
        } catch (IOException e) {
            partition.storageFailure("high watermark update", e);
            return Optional.empty();
        } finally {
            lock.unlock();
        }
        if (advanced) {
            partition.highWatermarkAdvanced();
        }
        return proposal;
    }

    /**
     * The controller committed {@code proposal} as {@code newIsr} in {@code newPartitionEpoch}. The
     * high watermark may move (a slow member left); if the ISR is now below its minimum, acks=all
     * waiters are answered NOT_ENOUGH_REPLICAS_AFTER_APPEND. Ignored (false) when the proposal is no
     * longer the one in flight or the metadata already moved past it.
     */
    public boolean isrChangeCommitted(IsrProposal proposal, int newPartitionEpoch, List<Integer> newIsr) {
        List<DelayedProduce> belowMin = List.of();
        boolean advanced;
        lock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader) || !leader.state().committed(proposal, newPartitionEpoch, newIsr)) {
                return false;
            }
            LeaderState state = leader.state();
            LOG.info("ISR of {} is now {} (partition epoch {}){}", partition.topicPartition(), state.isr(), newPartitionEpoch,
                    state.underMinIsr() ? ", below min.insync.replicas " + state.effectiveMinIsr() : "");
            if (state.underMinIsr()) {
                belowMin = waiters.takeAll();
            }
            advanced = advanceLeaderHighWatermark(state);
        } catch (IOException e) {
            partition.storageFailure("high watermark update", e);
            return true;
        } finally {
            lock.unlock();
        }
        DelayedProduce.completeAll(belowMin, Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        if (advanced) {
            partition.highWatermarkAdvanced();
        }
        return true;
    }

    /**
     * The controller refused {@code proposal} ({@code error}), or it was not answered. What follows
     * is Kafka's: when the refusal says this leader's view of the partition is out of date (a stale
     * partition or leader epoch, an unknown partition, a request that no longer fits it, a new
     * leader elected), the proposal stays in flight and nothing is proposed until the metadata
     * brings the partition's newer state ({@link #becomeLeader}); proposing again from the same
     * stale state could only be refused again. After any other error the committed ISR stands and
     * a later fetch or check may propose again. Ignored (false) when it is no longer the one in flight.
     */
    public boolean isrChangeRefused(IsrProposal proposal, Errors error) {
        lock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader) || leader.state().pending().orElse(null) != proposal) {
                return false;
            }
            if (AWAIT_METADATA.contains(error)) {
                LOG.info("ISR change {} of {} refused: {}; waiting for newer metadata of the partition", proposal.newIsr(),
                        partition.topicPartition(), error);
                return true;
            }
            LOG.info("ISR change {} of {} refused: {}", proposal.newIsr(), partition.topicPartition(), error);
            return leader.state().refused(proposal);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The acks=all wait of an append ending at {@code requiredOffset} (its last offset + 1) on a
     * replicated leader, answered by {@link DelayedProduce#deadlineMs} at the latest when the caller's
     * timer calls {@link DelayedProduce#expire}. Already answered when the high watermark is there,
     * the ISR is below its minimum, this node does not lead, or the partition is offline.
     */
    public DelayedProduce awaitReplication(long requiredOffset, long deadlineMs) {
        lock.lock();
        try {
            if (partition.isOffline()) {
                return DelayedProduce.completed(requiredOffset, Errors.KAFKA_STORAGE_ERROR);
            }
            if (!(role instanceof PartitionRole.Leader leader)) {
                return DelayedProduce.completed(requiredOffset, Errors.NOT_LEADER_OR_FOLLOWER);
            }
            boolean belowMin = leader.state().maximalIsr().size() < leader.state().effectiveMinIsr();
            if (log.highWatermark() >= requiredOffset || leader.state().underMinIsr()) {
                return DelayedProduce.completed(requiredOffset, log.highWatermark() >= requiredOffset && !belowMin
                        ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
            }
            return waiters.add(requiredOffset, deadlineMs);
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords on this node: as the leader, moves the log start offset up to {@code offset}
     * (-1: the high watermark), durably, and returns the wait for the low watermark (the lowest
     * log start over this log and the replicas on alive brokers) to reach it, answered by
     * {@code deadlineMs} at the latest when the caller's timer calls
     * {@link DelayedDeleteRecords#expire}. The followers move their log start when their next fetch
     * answer carries the leader's ({@link FollowerLog#append}) and report it in the fetch after;
     * that fetch completes the wait ({@link #updateFollowerFetchState}). Already answered when the
     * low watermark is there (always on a single node), with OFFSET_OUT_OF_RANGE for an offset
     * beyond the high watermark or negative other than -1, NOT_LEADER_OR_FOLLOWER when this node
     * does not lead, and KAFKA_STORAGE_ERROR when the partition is offline or the deletion fails.
     */
    public DelayedDeleteRecords deleteRecords(long offset, long deadlineMs, long nowMs) {
        lock.lock();
        try {
            if (partition.isOffline()) {
                return DelayedDeleteRecords.completed(Errors.KAFKA_STORAGE_ERROR, -1);
            }
            if (!(role instanceof PartitionRole.Leader leader)) {
                return DelayedDeleteRecords.completed(Errors.NOT_LEADER_OR_FOLLOWER, -1);
            }
            long highWatermark = log.highWatermark();
            long target = offset == -1 ? highWatermark : offset;
            if (target < 0 || target > highWatermark) {
                return DelayedDeleteRecords.completed(Errors.OFFSET_OUT_OF_RANGE, -1);
            }
            log.deleteRecordsBefore(target, nowMs);
            partition.producerStateChanged(log.logStartOffset());
            long lowWatermark = leader.state().lowWatermark(log.logStartOffset());
            return lowWatermark >= target ? DelayedDeleteRecords.completed(Errors.NONE, lowWatermark)
                    : deletions.add(target, deadlineMs);
        } catch (IOException e) {
            LOG.warn("Could not delete records of {} before offset {}", partition.topicPartition(), offset, e);
            return DelayedDeleteRecords.completed(Errors.KAFKA_STORAGE_ERROR, -1);
        } finally {
            lock.unlock();
        }
    }

    /** DeleteRecords waiters taken out once the low watermark reached them, to complete outside the lock. */
    private record LowWatermarkReached(List<DelayedDeleteRecords> reached, long lowWatermark) {
        void complete() {
            DelayedDeleteRecords.reachAll(reached, lowWatermark);
        }
    }

    /** Under the lock: takes out the DeleteRecords waiters that the leader's low watermark has reached. */
    private LowWatermarkReached takeReachedDeletions(LeaderState state) {
        if (deletions.isEmpty()) {
            return new LowWatermarkReached(List.of(), -1);
        }
        long lowWatermark = state.lowWatermark(log.logStartOffset());
        return new LowWatermarkReached(deletions.takeUpTo(lowWatermark), lowWatermark);
    }

    /** Under the lock: the high watermark moves up to what the leader's replicas allow; returns whether it moved. */
    boolean advanceLeaderHighWatermark(LeaderState state) throws IOException {
        long candidate = state.highWatermarkCandidate(log.localHighWatermark());
        return candidate > log.highWatermark() && log.advanceHighWatermarkTo(candidate);
    }

    /** Takes the lock to move a replicated leader's high watermark (after a flush moved its durable end). */
    void advanceLeaderHighWatermarkLocked() throws IOException {
        lock.lock();
        try {
            if (role instanceof PartitionRole.Leader leader && leader.state().replicated() && partition.offlineReason() == null) {
                advanceLeaderHighWatermark(leader.state());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Without the lock, after the high watermark moved: completes the acks=all waiters it reached. */
    void completeReached() {
        if (waitsForReplicas()) {
            DelayedProduce.completeAll(waiters.takeUpTo(log.highWatermark()), Errors.NONE);
        }
    }

    /**
     * Answers every acks=all and DeleteRecords waiter with {@code error} (the partition went
     * offline; rare, so under the lock is fine).
     */
    void failWaiters(Errors error) {
        DelayedProduce.completeAll(waiters.takeAll(), error);
        DelayedDeleteRecords.failAll(deletions.takeAll(), error);
    }

    // ------------------------------------------------------------------ follower side

    /** The follower's writes to this replica: appending what the leader sent, truncating to match it. */
    public FollowerLog follower() {
        return follower;
    }

    /**
     * Everything below this offset is on disk. Under {@code flush.policy=fsync} a follower reports
     * only this far in its next fetch, so an acks=all acknowledgement means durable on every ISR
     * member (see replication-design.md, section 6.4, rule 4).
     */
    public long durableEndOffset() {
        return log.durableEndOffset();
    }
}
