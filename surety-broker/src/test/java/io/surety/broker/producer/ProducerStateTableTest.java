package io.surety.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.log.BatchHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Kafka's idempotent-producer rules, one partition's table at a time. */
class ProducerStateTableTest {

    private static final String TP = "t-0";
    private static final long PID = 7;
    private static final short EPOCH = 0;
    private static final long T0 = 1_700_000_000_000L;

    private final ProducerStateTable table = new ProducerStateTable();
    private long nextOffset;

    @Test
    void shouldAcceptAnySequenceWhenProducerIsNew() {
        assertThat(table.check(PID, EPOCH, 42, 44, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.check(PID, (short) 5, 1000, 1000, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.lastSequence(PID)).isEqualTo(-1);
    }

    @Test
    void shouldAcceptInOrderAndRefuseGapsWhenEpochIsUnchanged() {
        append(PID, EPOCH, 0, 4);
        assertThat(table.check(PID, EPOCH, 5, 9, TP)).isEqualTo(SequenceCheck.ACCEPT);
        append(PID, EPOCH, 5, 9);
        assertThat(table.lastSequence(PID)).isEqualTo(9);

        assertThat(table.check(PID, EPOCH, 11, 12, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(PID, EPOCH, 3, 6, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(PID, EPOCH, 9, 10, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(PID, EPOCH, 10, 10, TP)).isEqualTo(SequenceCheck.ACCEPT);
    }

    @Test
    void shouldAnswerWithOriginalOffsetsWhenOneOfLastFiveBatchesIsRetried() {
        List<BatchMetadata> appended = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            appended.add(append(PID, EPOCH, i * 3, i * 3 + 2));
        }
        for (int i = 1; i < 6; i++) {
            BatchMetadata original = appended.get(i);
            SequenceCheck check = table.check(PID, EPOCH, original.firstSequence(), original.lastSequence(), TP);
            assertThat(check).isEqualTo(new SequenceCheck.Duplicate(original));
            assertThat(((SequenceCheck.Duplicate) check).original().firstOffset()).isEqualTo(original.firstOffset());
        }
        BatchMetadata sixthOld = appended.get(0);
        assertThat(table.check(PID, EPOCH, sixthOld.firstSequence(), sixthOld.lastSequence(), TP))
                .isInstanceOf(SequenceCheck.OutOfOrder.class);
        // Same first sequence, different length: not the same batch.
        assertThat(table.check(PID, EPOCH, 15, 16, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
    }

    @Test
    void shouldRefuseStaleEpochAndRequireZeroWhenEpochIsNew() {
        append(PID, (short) 3, 0, 9);
        assertThat(table.check(PID, (short) 2, 10, 10, TP)).isInstanceOf(SequenceCheck.StaleEpoch.class);
        assertThat(table.check(PID, (short) 2, 0, 9, TP)).isInstanceOf(SequenceCheck.StaleEpoch.class);
        assertThat(table.check(PID, (short) 4, 10, 10, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(PID, (short) 4, 0, 0, TP)).isEqualTo(SequenceCheck.ACCEPT);

        append(PID, (short) 4, 0, 0);
        assertThat(table.check(PID, (short) 3, 0, 9, TP)).as("old epoch's retry is no longer a duplicate")
                .isInstanceOf(SequenceCheck.StaleEpoch.class);
        assertThat(table.check(PID, (short) 4, 1, 1, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.check(PID + 1, (short) 0, 77, 77, TP)).as("other producers are independent")
                .isEqualTo(SequenceCheck.ACCEPT);
    }

    @Test
    void shouldWrapSequenceWhenItPassesIntegerMax() {
        append(PID, EPOCH, Integer.MAX_VALUE - 2, Integer.MAX_VALUE);
        assertThat(table.check(PID, EPOCH, 0, 3, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.check(PID, EPOCH, 1, 3, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(PID, EPOCH, Integer.MIN_VALUE, Integer.MIN_VALUE, TP))
                .isInstanceOf(SequenceCheck.OutOfOrder.class);

        // A batch that wraps inside itself: MAX-1, MAX, 0, 1.
        BatchHeader wrapping = header(PID + 1, EPOCH, Integer.MAX_VALUE - 1, 4, 0, false);
        assertThat(wrapping.lastSequence()).isEqualTo(1);
        table.replay(wrapping);
        assertThat(table.lastSequence(PID + 1)).isEqualTo(1);
        assertThat(table.check(PID + 1, EPOCH, 2, 2, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.check(PID + 1, EPOCH, Integer.MAX_VALUE - 1, 1, TP)).isInstanceOf(SequenceCheck.Duplicate.class);
    }

    @Test
    void shouldForgetProducerWhenIdleLongerThanExpiration() {
        append(PID, EPOCH, 0, 0, T0);
        append(PID + 1, EPOCH, 0, 0, T0 + 5_000);
        assertThat(table.expire(T0 + 6_000, 2_000)).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.check(PID, EPOCH, 99, 99, TP)).isEqualTo(SequenceCheck.ACCEPT);
        assertThat(table.check(PID + 1, EPOCH, 99, 99, TP)).isInstanceOf(SequenceCheck.OutOfOrder.class);
    }

    @Test
    void shouldRebuildSameStateWhenReplayedFromHeaders() {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("shouldRebuildSameStateWhenReplayedFromHeaders seed=" + seed);
        Random random = new Random(seed);
        Map<Long, int[]> producers = new HashMap<>();
        List<BatchHeader> log = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 500; i++) {
            long pid = random.nextInt(6);
            int[] state = producers.computeIfAbsent(pid, p -> new int[] {0, 0});
            if (random.nextInt(20) == 0) {
                state[0]++;
                state[1] = 0;
            }
            int count = 1 + random.nextInt(4);
            boolean control = random.nextInt(15) == 0;
            boolean idempotent = random.nextInt(10) != 0;
            BatchHeader header = header(idempotent ? pid : -1, (short) state[0], idempotent ? state[1] : -1, count,
                    offset, control);
            log.add(header);
            offset += count;
            if (idempotent && !control) {
                table.record(pid, (short) state[0], new BatchMetadata(header.baseSequence(), header.lastSequence(),
                        header.baseOffset(), header.lastOffset(), header.maxTimestamp()));
                state[1] += count;
            }
        }
        ProducerStateTable replayed = new ProducerStateTable();
        log.forEach(replayed::replay);

        assertThat(replayed.size()).isEqualTo(table.size());
        for (long pid = -1; pid < 7; pid++) {
            assertThat(replayed.lastSequence(pid)).as("seed %d pid %d", seed, pid).isEqualTo(table.lastSequence(pid));
            for (short epoch = 0; epoch < 6; epoch++) {
                for (int sequence = 0; sequence < 400; sequence += 1 + random.nextInt(3)) {
                    int last = sequence + random.nextInt(4);
                    assertThat(replayed.check(pid, epoch, sequence, last, TP))
                            .as("seed %d pid %d epoch %d sequence %d-%d", seed, pid, epoch, sequence, last)
                            .isEqualTo(table.check(pid, epoch, sequence, last, TP));
                }
            }
        }
    }

    private BatchMetadata append(long pid, short epoch, int first, int last) {
        return append(pid, epoch, first, last, T0);
    }

    private BatchMetadata append(long pid, short epoch, int first, int last, long timestampMs) {
        SequenceCheck check = table.check(pid, epoch, first, last, TP);
        assertThat(check).isEqualTo(SequenceCheck.ACCEPT);
        int count = last >= first ? last - first + 1 : (Integer.MAX_VALUE - first) + last + 2;
        BatchMetadata batch = new BatchMetadata(first, last, nextOffset, nextOffset + count - 1, timestampMs);
        nextOffset += count;
        table.record(pid, epoch, batch);
        return batch;
    }

    private static BatchHeader header(long pid, short epoch, int baseSequence, int count, long baseOffset,
            boolean control) {
        short attributes = (short) (control ? 0x30 : 0);
        return new BatchHeader(baseOffset, 100, 0, BatchHeader.MAGIC_V2, attributes, count - 1, T0, T0, pid, epoch,
                baseSequence, count);
    }
}
