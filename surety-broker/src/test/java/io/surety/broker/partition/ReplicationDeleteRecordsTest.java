package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteRecords on replicated partitions (broker 1 leads three replicas unless said): the leader
 * moves its log start at once and answers when the low watermark — the lowest log start over
 * itself and the replicas on alive brokers — reaches the offset; followers take the leader's log
 * start from their fetch answers and report theirs in the next fetch.
 */
class ReplicationDeleteRecordsTest {

    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    /** Three replicas, all in the ISR, each holding {@code records} records with the high watermark at the end. */
    private ReplicaSet replicatedLog(int records) throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 3, new IsrSettings(2, 10_000));
        set.elect(1);
        set.produce(records);
        for (int round = 0; round < 3; round++) {
            set.fetch(2, Integer.MAX_VALUE);
            set.fetch(3, Integer.MAX_VALUE);
        }
        assertThat(set.get(2).highWatermark()).isEqualTo(records);
        assertThat(set.get(3).highWatermark()).isEqualTo(records);
        return set;
    }

    @Test
    void shouldAnswerAtOnceWithLogStartWhenPartitionHasOneReplica() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 1, new IsrSettings(1, 10_000));
        set.elect(1);
        set.produce(5);

        DelayedDeleteRecords waiter = set.replication(1).deleteRecords(3, set.nowMs + TIMEOUT_MS, set.nowMs);

        assertThat(waiter.result()).isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.NONE, 3));
        assertThat(set.leader().logStartOffset()).isEqualTo(3);
    }

    @Test
    void shouldAnswerOnlyOnceEveryFollowerReportedTheNewLogStart() throws Exception {
        ReplicaSet set = replicatedLog(10);

        DelayedDeleteRecords waiter = set.replication(1).deleteRecords(6, set.nowMs + TIMEOUT_MS, set.nowMs);
        assertThat(set.leader().logStartOffset()).as("the leader deletes at once").isEqualTo(6);
        assertThat(waiter.result()).isNotDone();

        set.fetch(2, Integer.MAX_VALUE);
        assertThat(set.get(2).logStartOffset()).as("applied from the fetch answer").isEqualTo(6);
        assertThat(waiter.result()).as("2 has not reported it yet").isNotDone();
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(3, Integer.MAX_VALUE);
        assertThat(waiter.result()).as("3 has not reported it yet").isNotDone();
        set.fetch(3, Integer.MAX_VALUE);

        assertThat(waiter.result()).isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.NONE, 6));
        assertThat(set.get(3).logStartOffset()).isEqualTo(6);
    }

    @Test
    void shouldStopWaitingForReplicaWhoseBrokerIsFenced() throws Exception {
        ReplicaSet set = replicatedLog(10);
        DelayedDeleteRecords waiter = set.replication(1).deleteRecords(6, set.nowMs + TIMEOUT_MS, set.nowMs);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        assertThat(waiter.result()).isNotDone();

        // The metadata fences broker 3 (its session expired): an update of the same leader epoch.
        assertThat(set.replication(1).becomeLeader(new LeaderAndIsr(1, set.leaderEpoch, set.partitionEpoch, set.ids,
                set.isr), set.settings, fenced(3), set.nowMs)).isTrue();

        assertThat(waiter.result()).isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.NONE, 6));
        assertThat(set.get(3).logStartOffset()).isZero();
    }

    @Test
    void shouldTimeOutAtDeadlineWhileReplicaHoldsLowWatermarkBack() throws Exception {
        ReplicaSet set = replicatedLog(10);
        long deadlineMs = set.nowMs + TIMEOUT_MS;
        DelayedDeleteRecords waiter = set.replication(1).deleteRecords(6, deadlineMs, set.nowMs);

        waiter.expire(deadlineMs - 1);
        assertThat(waiter.result()).isNotDone();
        waiter.expire(deadlineMs);

        assertThat(waiter.result()).isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.REQUEST_TIMED_OUT, -1));
        assertThat(set.leader().logStartOffset()).as("the deletion itself stands").isEqualTo(6);
    }

    @Test
    void shouldRefuseOnFollowerAndAnswerWaiterWhenLeadershipMoves() throws Exception {
        ReplicaSet set = replicatedLog(10);
        assertThat(set.replication(2).deleteRecords(6, set.nowMs + TIMEOUT_MS, set.nowMs).result())
                .isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.NOT_LEADER_OR_FOLLOWER, -1));
        assertThat(set.get(2).logStartOffset()).isZero();

        DelayedDeleteRecords waiter = set.replication(1).deleteRecords(6, set.nowMs + TIMEOUT_MS, set.nowMs);
        set.elect(2);

        assertThat(waiter.result()).isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.NOT_LEADER_OR_FOLLOWER, -1));
    }

    @Test
    void shouldRefuseOffsetBeyondHighWatermark() throws Exception {
        ReplicaSet set = replicatedLog(10);
        set.produce(2);

        assertThat(set.replication(1).deleteRecords(11, set.nowMs + TIMEOUT_MS, set.nowMs).result())
                .isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.OFFSET_OUT_OF_RANGE, -1));
        assertThat(set.replication(1).deleteRecords(-2, set.nowMs + TIMEOUT_MS, set.nowMs).result())
                .isCompletedWithValue(new DelayedDeleteRecords.Answer(Errors.OFFSET_OUT_OF_RANGE, -1));
        assertThat(set.leader().logStartOffset()).isZero();
    }

    @Test
    void shouldTakeLowWatermarkOverAliveFollowersCountingSilentOnesAsUnknown() {
        LeaderState state = LeaderState.start(new LeaderAndIsr(1, 1, 1, List.of(1, 2, 3), List.of(1, 2)), 0,
                new IsrSettings(1, 10_000), fenced(3), 0);
        assertThat(state.lowWatermark(50)).as("2 has not fetched in this epoch").isEqualTo(-1);

        state.follower(2).recordLogStart(40);
        assertThat(state.lowWatermark(50)).as("3 is fenced and does not count").isEqualTo(40);
        state.follower(3).recordLogStart(10);
        assertThat(state.lowWatermark(50)).isEqualTo(40);

        state.updateSettings(new IsrSettings(1, 10_000), IsrEligibility.ANY);
        assertThat(state.lowWatermark(50)).as("3 alive again, outside the ISR").isEqualTo(10);
        state.follower(2).recordLogStart(60);
        state.follower(3).recordLogStart(70);
        assertThat(state.lowWatermark(50)).as("never above the leader's own").isEqualTo(50);
    }

    /** Every broker alive and active but {@code brokerId}, which is fenced. */
    private static IsrEligibility fenced(int brokerId) {
        return new IsrEligibility() {
            @Override
            public long registeredEpoch(int id) {
                return -1;
            }

            @Override
            public boolean isActive(int id) {
                return id != brokerId;
            }

            @Override
            public boolean isAlive(int id) {
                return id != brokerId;
            }
        };
    }
}
