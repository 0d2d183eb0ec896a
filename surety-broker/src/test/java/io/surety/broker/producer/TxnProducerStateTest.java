package io.surety.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Open transactions, the first unstable offset and the aborted-transaction index of one partition,
 * including a seeded random interleaving of transactional and plain producers checked against a
 * simple model after every step.
 */
class TxnProducerStateTest {

    private static final short EPOCH = 0;

    private final ProducerStateTable table = new ProducerStateTable();
    private long nextOffset;

    private long appendTxn(long producerId, int records) {
        long first = nextOffset;
        table.record(producerId, EPOCH, new BatchMetadata(0, records - 1, first, first + records - 1, 0), true);
        nextOffset += records;
        return first;
    }

    private long marker(long producerId, short epoch, boolean commit) {
        long at = nextOffset++;
        table.completeTransaction(producerId, epoch, commit, at, 0);
        return at;
    }

    @Test
    void shouldTrackTheFirstUnstableOffsetAcrossInterleavedTransactions() {
        assertThat(table.firstUnstableOffset()).isEqualTo(-1);
        long a = appendTxn(1, 3);
        long b = appendTxn(2, 2);
        appendTxn(1, 1);
        assertThat(table.firstUnstableOffset()).isEqualTo(a);
        marker(1, EPOCH, true);
        assertThat(table.firstUnstableOffset()).isEqualTo(b);
        long abortAt = marker(2, EPOCH, false);
        assertThat(table.firstUnstableOffset()).isEqualTo(-1);
        assertThat(table.aborted().overlapping(0, nextOffset)).containsExactly(new AbortedTransactions.Entry(2, b, abortAt));
        assertThat(table.aborted().overlapping(abortAt + 1, nextOffset)).isEmpty();
        assertThat(table.aborted().overlapping(0, b)).as("a fetch ending before the transaction").isEmpty();
    }

    @Test
    void shouldFenceOlderEpochsWhenAMarkerCarriesANewOne() {
        appendTxn(1, 1);
        marker(1, (short) 1, false);
        assertThat(table.check(1, EPOCH, 1, 1, "t-0")).isInstanceOf(SequenceCheck.StaleEpoch.class);
        assertThat(table.hasOpenTransaction(1)).isFalse();
        assertThat(table.expire(Long.MAX_VALUE, 1)).isEqualTo(1);
    }

    @Test
    void shouldNeverExpireAProducerWithAnOpenTransaction() {
        appendTxn(1, 1);
        assertThat(table.expire(Long.MAX_VALUE, 1)).isZero();
        assertThat(table.snapshot()).singleElement().satisfies(p -> assertThat(p.currentTxnStartOffset()).isZero());
    }

    @Test
    void shouldReportEveryOverlappingAbortedTransactionWhenTransactionsInterleaveRandomly() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("TxnProducerStateTest seed=" + seed);
        long[] open = new long[5];
        java.util.Arrays.fill(open, -1);
        List<AbortedTransactions.Entry> model = new java.util.ArrayList<>();
        for (int step = 0; step < 2_000; step++) {
            int producer = random.nextInt(5);
            if (open[producer] >= 0 && random.nextInt(3) == 0) {
                boolean commit = random.nextBoolean();
                long at = marker(producer, EPOCH, commit);
                if (!commit) {
                    model.add(new AbortedTransactions.Entry(producer, open[producer], at));
                }
                open[producer] = -1;
            } else {
                long first = appendTxn(producer, 1 + random.nextInt(3));
                if (open[producer] < 0) {
                    open[producer] = first;
                }
            }
            long expectedUnstable = java.util.Arrays.stream(open).filter(o -> o >= 0).min().orElse(-1);
            assertThat(table.firstUnstableOffset()).as("seed %d step %d", seed, step).isEqualTo(expectedUnstable);
            long from = random.nextInt((int) nextOffset + 1);
            long to = from + random.nextInt(50);
            List<AbortedTransactions.Entry> expected = model.stream()
                    .filter(e -> e.markerOffset() >= from && e.firstOffset() < to).toList();
            assertThat(table.aborted().overlapping(from, to)).as("seed %d step %d", seed, step)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
