package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of replication on three replicas (broker 1 leads unless said): the high
 * watermark over the maximal ISR and its min-ISR freeze, ISR expansion and shrink proposals, one
 * in flight at a time, acks=all waiters, and the leader's answer to a follower's fetch position.
 */
class ReplicationLeaderTest {

    private static final long LAG_MS = 10_000;

    @TempDir
    Path dir;

    private ReplicaSet cluster(int minIsr, List<Integer> isr) throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(minIsr, LAG_MS));
        set.isr = isr;
        set.elect(1);
        return set;
    }

    @Test
    void shouldKeepHighWatermarkAtSlowestMemberOfMaximalIsrIncludingPendingAddition() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2));
        set.produce(4);
        // Broker 3 catches up to the high watermark (0) and the LESO (0): its addition is proposed, not yet committed.
        Replication.FollowerFetchUpdate update = set.replication(1).updateFollowerFetchState(3, -1, 0, 0, set.nowMs);
        assertThat(update.isrChange()).map(IsrProposal::newIsr).contains(List.of(1, 2, 3));
        set.replication(1).updateFollowerFetchState(2, -1, 4, 0, set.nowMs);

        assertThat(set.leader().highWatermark()).as("the pending member 3 is at 0").isZero();
        set.replication(1).updateFollowerFetchState(3, -1, 3, 0, set.nowMs);
        assertThat(set.leader().highWatermark()).isEqualTo(3);
        set.replication(1).updateFollowerFetchState(3, -1, 4, 0, set.nowMs);
        assertThat(set.leader().highWatermark()).isEqualTo(4);
    }

    @Test
    void shouldNotAdvanceHighWatermarkWhileIsrIsBelowMinimum() throws Exception {
        ReplicaSet set = cluster(3, List.of(1, 2));
        set.produce(3);
        set.replication(1).updateFollowerFetchState(2, -1, 3, 0, set.nowMs);
        assertThat(set.leader().highWatermark()).isZero();

        // Broker 3 joins (caught up to the LESO; the applied-HWM rule is waived below the minimum).
        set.commit(set.replication(1).updateFollowerFetchState(3, -1, 3, 0, set.nowMs).isrChange());
        assertThat(set.isr).containsExactly(1, 2, 3);
        assertThat(set.leader().highWatermark()).isEqualTo(3);
    }

    @Test
    void shouldExpandIsrOnlyWhenCaughtUpToHighWatermarkAndEpochStart() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(1, LAG_MS));
        set.isr = List.of(1, 2);
        set.elect(2);
        set.produce(5);
        set.fetch(1, Integer.MAX_VALUE);
        set.fetch(3, Integer.MAX_VALUE);
        // Broker 1 has all 5 batches but learned only high watermark 0 (HW travels on the next fetch).
        assertThat(set.get(1).highWatermark()).isZero();
        set.isr = List.of(1, 2);
        set.elect(1);
        Replication leader = set.replication(1);
        assertThat(leader.leaderEpochStartOffset()).isEqualTo(5);

        assertThat(leader.updateFollowerFetchState(3, -1, 3, 0, set.nowMs).isrChange()).as("below the LESO").isEmpty();
        assertThat(leader.updateFollowerFetchState(3, -1, 5, 0, set.nowMs).isrChange())
                .as("at the LESO, but the high watermark (0) has not reached it").isEmpty();
        leader.updateFollowerFetchState(2, -1, 5, 0, set.nowMs);
        assertThat(set.leader().highWatermark()).isEqualTo(5);
        assertThat(leader.updateFollowerFetchState(3, -1, 5, 0, set.nowMs).isrChange()).map(IsrProposal::newIsr)
                .contains(List.of(1, 2, 3));
    }

    @Test
    void shouldProposeShrinkOnlyAfterLagTimeAndOneProposalAtATime() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2, 3));
        Replication leader = set.replication(1);
        long start = set.nowMs;
        leaveThreeBehind(set, start);

        assertThat(leader.maybeShrinkIsr(start + LAG_MS)).isEmpty();
        Optional<IsrProposal> shrink = leader.maybeShrinkIsr(start + LAG_MS + 1);
        assertThat(shrink).map(IsrProposal::newIsr).contains(List.of(1, 2));
        assertThat(leader.maybeShrinkIsr(start + LAG_MS + 2)).as("one in flight").isEmpty();
        assertThat(set.leader().highWatermark()).as("3 still counts until the shrink commits").isZero();

        assertThat(leader.isrChangeRefused(shrink.get(), Errors.INELIGIBLE_REPLICA)).isTrue();
        assertThat(leader.pendingIsrChange()).isEmpty();
        Optional<IsrProposal> again = leader.maybeShrinkIsr(start + 3 * LAG_MS);
        assertThat(again).map(IsrProposal::newIsr).contains(List.of(1, 2));
        set.commit(again);
        assertThat(leader.isr()).containsExactly(1, 2);
        assertThat(set.leader().highWatermark()).isEqualTo(2);
    }

    /**
     * A proposal refused for a stale partition epoch is not sent again from the same state: the
     * leader waits for the partition's newer metadata, as Kafka's does. Before, every fetch of the
     * follower proposed it again at once, and was refused again, until the metadata arrived; and any
     * metadata change elsewhere dropped the proposal in flight, so the next fetch sent a duplicate.
     */
    @Test
    void shouldKeepAnIsrChangeInFlightThroughUnchangedMetadataAndAfterAStaleEpochRefusal() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2));
        Replication leader = set.replication(1);
        IsrSettings settings = new IsrSettings(1, LAG_MS);
        Optional<IsrProposal> expand = leader.updateFollowerFetchState(3, -1, 0, 0, set.nowMs).isrChange();
        assertThat(expand).map(IsrProposal::newIsr).contains(List.of(1, 2, 3));

        LeaderAndIsr unchanged = new LeaderAndIsr(1, set.leaderEpoch, set.partitionEpoch, List.of(1, 2, 3), set.isr);
        assertThat(leader.becomeLeader(unchanged, settings, IsrEligibility.ANY, set.nowMs)).isTrue();
        assertThat(leader.pendingIsrChange()).as("the same partition state again").isEqualTo(expand);
        assertThat(leader.updateFollowerFetchState(3, -1, 0, 0, set.nowMs).isrChange()).as("one in flight").isEmpty();

        assertThat(leader.isrChangeRefused(expand.get(), Errors.INVALID_UPDATE_VERSION)).isTrue();
        assertThat(leader.pendingIsrChange()).as("awaiting newer metadata").isEqualTo(expand);
        assertThat(leader.updateFollowerFetchState(3, -1, 0, 0, set.nowMs).isrChange()).isEmpty();

        LeaderAndIsr newer = new LeaderAndIsr(1, set.leaderEpoch, set.partitionEpoch + 1, List.of(1, 2, 3), set.isr);
        assertThat(leader.becomeLeader(newer, settings, IsrEligibility.ANY, set.nowMs)).isTrue();
        assertThat(leader.pendingIsrChange()).isEmpty();
        Optional<IsrProposal> again = leader.updateFollowerFetchState(3, -1, 0, 0, set.nowMs).isrChange();
        assertThat(again).map(IsrProposal::newIsr).contains(List.of(1, 2, 3));
        assertThat(again).map(IsrProposal::partitionEpoch).contains(set.partitionEpoch + 1);
    }

    /**
     * A controller whose ISR already is the proposed one answers with the partition epoch unchanged
     * (nothing to commit). The leader takes that as committed; before, the proposal stayed in flight
     * and the leader proposed nothing more until metadata of a newer epoch arrived.
     */
    @Test
    void shouldTakeAnAnswerWithTheSamePartitionEpochAsCommitted() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2, 3));
        Replication leader = set.replication(1);
        long start = set.nowMs;
        leaveThreeBehind(set, start);
        Optional<IsrProposal> shrink = leader.maybeShrinkIsr(start + LAG_MS + 1);
        assertThat(shrink).map(IsrProposal::newIsr).contains(List.of(1, 2));

        assertThat(leader.isrChangeCommitted(shrink.get(), set.partitionEpoch, List.of(1, 2))).isTrue();
        assertThat(leader.pendingIsrChange()).isEmpty();
        assertThat(leader.isr()).containsExactly(1, 2);
        assertThat(leader.isrChangeCommitted(shrink.get(), set.partitionEpoch - 1, List.of(1, 2)))
                .as("an older epoch is not an answer to anything in flight").isFalse();
    }

    /**
     * The controller can commit a leader's ISR change and move a replica away in the same change (a
     * reassignment completing): the answer gives the leader the new partition epoch, and the
     * metadata of that same epoch brings the new replicas, which the leader must take.
     */
    @Test
    void shouldTakeTheReplicasTheMetadataBringsInThePartitionEpochItsOwnIsrChangeGaveIt() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2, 3));
        Replication leader = set.replication(1);
        long start = set.nowMs;
        leaveThreeBehind(set, start);
        set.commit(leader.maybeShrinkIsr(start + LAG_MS + 1));
        assertThat(leader.isr()).containsExactly(1, 2);

        LeaderAndIsr moved = new LeaderAndIsr(1, set.leaderEpoch, set.partitionEpoch, List.of(1, 2), List.of(1, 2));
        assertThat(leader.becomeLeader(moved, new IsrSettings(1, LAG_MS), IsrEligibility.ANY, set.nowMs)).isTrue();
        Replication.FollowerFetchUpdate removed = leader.updateFollowerFetchState(3, -1, 2, 0, start + LAG_MS + 2);
        assertThat(removed.error()).as("3 is no longer a replica").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(removed.isrChange()).isEmpty();
    }

    /**
     * Two batches on the leader; from {@code start} broker 2 fetches them within the lag time and
     * broker 3 stays at offset 0, so from {@code start + LAG_MS + 1} broker 3 may be shrunk away.
     */
    private static void leaveThreeBehind(ReplicaSet set, long start) {
        Replication leader = set.replication(1);
        set.produce(2);
        leader.updateFollowerFetchState(2, -1, 0, 0, start);
        leader.updateFollowerFetchState(3, -1, 0, 0, start);
        leader.updateFollowerFetchState(2, -1, 2, 0, start + LAG_MS);
    }

    @Test
    void shouldRefuseAcksAllBeforeAppendWhenIsrBelowMinimum() throws Exception {
        ReplicaSet set = cluster(2, List.of(1));
        AppendOutcome outcome = set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true);
        assertThat(outcome.error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(set.leader().logEndOffset()).isZero();
        assertThat(set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, false).error())
                .as("acks=1").isEqualTo(Errors.NONE);
    }

    @Test
    void shouldCompleteAcksAllWaiterWhenHighWatermarkReachesItsEnd() throws Exception {
        ReplicaSet set = cluster(2, List.of(1, 2, 3));
        AppendOutcome outcome = set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true);
        DelayedProduce waiter = set.replication(1).awaitReplication(outcome.endOffset(), set.nowMs + 30_000);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        assertThat(waiter.result()).as("3 has not fetched").isNotDone();
        set.fetch(3, Integer.MAX_VALUE);
        set.fetch(3, Integer.MAX_VALUE);
        assertThat(waiter.result()).isCompletedWithValue(Errors.NONE);
        assertThat(set.leader().highWatermark()).isEqualTo(1);
    }

    @Test
    void shouldAnswerNotEnoughReplicasAfterAppendWhenIsrFallsBelowMinimumWhileWaiting() throws Exception {
        ReplicaSet set = cluster(2, List.of(1, 2));
        set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true);
        DelayedProduce waiter = set.replication(1).awaitReplication(1, set.nowMs + 30_000);
        set.commit(set.replication(1).maybeShrinkIsr(set.nowMs + LAG_MS + 1));
        assertThat(waiter.result()).isCompletedWithValue(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    @Test
    void shouldTimeOutAcksAllWaiterAtItsDeadline() throws Exception {
        ReplicaSet set = cluster(2, List.of(1, 2));
        set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true);
        DelayedProduce waiter = set.replication(1).awaitReplication(1, set.nowMs + 30_000);
        waiter.expire(set.nowMs + 29_999);
        assertThat(waiter.result()).isNotDone();
        waiter.expire(set.nowMs + 30_000);
        assertThat(waiter.result()).isCompletedWithValue(Errors.REQUEST_TIMED_OUT);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        assertThat(waiter.result()).isCompletedWithValue(Errors.REQUEST_TIMED_OUT);
    }

    @Test
    void shouldAnswerNotLeaderWhenLeadershipIsLostWhileWaiting() throws Exception {
        ReplicaSet set = cluster(2, List.of(1, 2));
        set.leader().append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true);
        DelayedProduce waiter = set.replication(1).awaitReplication(1, set.nowMs + 30_000);
        set.elect(2);
        assertThat(waiter.result()).isCompletedWithValue(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(set.get(1).append(set.batch(), set.nowMs).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void shouldAnswerFollowerFetchWithDivergingEpochByKafkaRules() throws Exception {
        ReplicaSet set = cluster(1, List.of(1, 2, 3));
        set.produce(3);
        set.elect(1);
        set.produce(2);
        set.elect(1);
        set.produce(1);
        // The leader's epochs: 1 at [0,3), 2 at [3,5), 3 from 5; log end 6.
        Replication leader = set.replication(1);
        int epoch = set.leaderEpoch;
        assertThat(leader.checkReplicaFetch(2, epoch, 1, 3)).isEqualTo(new ReplicaFetchCheck.ReadFrom(3));
        assertThat(leader.checkReplicaFetch(2, epoch, 1, 4)).isEqualTo(new ReplicaFetchCheck.Diverging(1, 3));
        assertThat(leader.checkReplicaFetch(2, epoch, 2, 5)).isEqualTo(new ReplicaFetchCheck.ReadFrom(5));
        assertThat(leader.checkReplicaFetch(2, epoch, 3, 6)).isEqualTo(new ReplicaFetchCheck.ReadFrom(6));
        assertThat(leader.checkReplicaFetch(2, epoch, 3, 7)).isEqualTo(new ReplicaFetchCheck.Diverging(3, 6));
        assertThat(leader.checkReplicaFetch(2, epoch, 4, 7)).as("an epoch the leader never had")
                .isEqualTo(new ReplicaFetchCheck.Refused(Errors.OFFSET_OUT_OF_RANGE));
        assertThat(leader.checkReplicaFetch(2, epoch, -1, 7)).isEqualTo(new ReplicaFetchCheck.Refused(Errors.OFFSET_OUT_OF_RANGE));
        assertThat(leader.checkReplicaFetch(2, epoch - 1, 3, 6)).isEqualTo(new ReplicaFetchCheck.Refused(Errors.FENCED_LEADER_EPOCH));
        assertThat(leader.checkReplicaFetch(2, epoch + 1, 3, 6)).isEqualTo(new ReplicaFetchCheck.Refused(Errors.UNKNOWN_LEADER_EPOCH));
        assertThat(leader.checkReplicaFetch(9, -1, 3, 6)).isEqualTo(new ReplicaFetchCheck.Refused(Errors.NOT_LEADER_OR_FOLLOWER));
        assertThat(set.replication(2).checkReplicaFetch(3, -1, 3, 6))
                .isEqualTo(new ReplicaFetchCheck.Refused(Errors.NOT_LEADER_OR_FOLLOWER));
    }

    @Test
    void shouldKeepSingleNodeHighWatermarkFollowingTheLog() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 1, IsrSettings.DEFAULTS);
        Partition solo = set.get(1);
        set.leaderId = 1;
        set.produce(3);
        assertThat(solo.highWatermark()).isEqualTo(3);
        assertThat(solo.replication().waitsForReplicas()).isFalse();
        assertThat(solo.append(set.batch(), set.nowMs, TransactionVerifier.NONE, true, true).error()).isEqualTo(Errors.NONE);
    }
}
