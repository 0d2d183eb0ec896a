package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower's side: batches appended as the leader wrote them (offsets, epochs and CRCs byte
 * for byte), a corrupt batch or an offset gap refused with nothing appended, the leader's high
 * watermark taken (at most the follower's log end), producers rebuilt from what was appended,
 * and truncation on a DivergingEpoch.
 */
class ReplicationFollowerTest {

    @TempDir
    Path dir;

    private ReplicaSet cluster() throws Exception {
        ReplicaSet set = new ReplicaSet(dir, 2, new IsrSettings(1, 10_000));
        set.isr = List.of(1, 2);
        set.elect(1);
        return set;
    }

    @Test
    void shouldAppendLeaderBatchesByteForByteAndTakeItsHighWatermark() throws Exception {
        ReplicaSet set = cluster();
        set.produce(3);
        set.elect(1);
        set.produce(2);
        set.fetch(2, 200);
        assertThat(set.get(2).logEndOffset()).as("a partial last batch waits for the next fetch").isBetween(1L, 4L);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        assertThat(ReplicaSet.wholeLog(set.get(2))).isEqualTo(ReplicaSet.wholeLog(set.get(1)));
        assertThat(set.get(2).log().leaderEpochs()).isEqualTo(set.get(1).log().leaderEpochs());
        assertThat(set.get(2).highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldRefuseCorruptBatchAndOffsetGapWithoutAppending() throws Exception {
        ReplicaSet set = cluster();
        set.produce(2);
        ByteBuffer records = ReplicaSet.wholeLog(set.get(1));
        FollowerLog follower = set.replication(2).follower();

        ByteBuffer corrupt = ByteBuffer.allocate(records.remaining()).put(records.duplicate()).flip();
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
        assertThat(follower.append(corrupt, 2, 0, set.nowMs).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(set.get(2).logEndOffset()).isZero();

        int firstSize = records.getInt(8) + 12;
        ByteBuffer gap = records.duplicate().position(firstSize).slice();
        assertThat(follower.append(gap, 2, 0, set.nowMs).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(set.get(2).logEndOffset()).isZero();

        assertThat(follower.append(records.duplicate(), 1, 0, set.nowMs).error()).isEqualTo(Errors.NONE);
        assertThat(set.get(2).logEndOffset()).isEqualTo(2);
        assertThat(set.get(2).highWatermark()).isEqualTo(1);
        assertThat(set.replication(1).follower().append(records.duplicate(), 1, 0, set.nowMs).error())
                .as("the leader does not append as a follower").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void shouldRebuildProducerStateFromAppendedBatches() throws Exception {
        ReplicaSet set = cluster();
        set.leader().appendMarker(7L, (short) 0, true, set.nowMs);
        set.produce(1);
        set.fetch(2, Integer.MAX_VALUE);
        assertThat(set.get(2).producerIdCount()).isEqualTo(set.get(1).producerIdCount()).isEqualTo(1);
        assertThat(set.get(2).lastStableOffset()).isLessThanOrEqualTo(set.get(2).highWatermark());
    }

    @Test
    void shouldTruncateOnDivergenceToWhereTheEpochsPart() throws Exception {
        ReplicaSet set = cluster();
        set.produce(2);
        set.fetch(2, Integer.MAX_VALUE);
        set.fetch(2, Integer.MAX_VALUE);
        set.isr = List.of(1, 2);
        set.elect(1);
        set.produce(3); // epoch 2 on broker 1 only
        set.isr = List.of(2);
        set.elect(2);
        set.produce(1); // epoch 3 on broker 2 at offset 2
        long before = set.get(1).logEndOffset();
        assertThat(before).isEqualTo(5);
        ReplicaFetchCheck first = set.fetch(1, Integer.MAX_VALUE);
        assertThat(first).isEqualTo(new ReplicaFetchCheck.Diverging(1, 2));
        assertThat(set.get(1).logEndOffset()).isEqualTo(2);
        set.fetch(1, Integer.MAX_VALUE);
        set.fetch(1, Integer.MAX_VALUE);
        assertThat(ReplicaSet.wholeLog(set.get(1))).isEqualTo(ReplicaSet.wholeLog(set.get(2)));
    }
}
