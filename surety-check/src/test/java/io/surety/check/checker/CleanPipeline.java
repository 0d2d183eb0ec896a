package io.surety.check.checker;

import static io.surety.check.checker.Guarantees.AT_MOST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The smallest clean run of one guarantee: producer "p1" writes six records, seq s to partition
 * s % 2 at offset s / 2 (or where {@link #offsets} says), all acknowledged; consumer "c1" (the copier
 * for exactly-once) is assigned both partitions and reads, processes and commits each partition in
 * the guarantee's order; the final read sees every record in the log and, for exactly-once, every
 * record once in the output at output offset = seq.
 */
final class CleanPipeline {

    static final int RECORDS = 6;

    private final String guarantee;
    private long[] offsets = new long[RECORDS];

    CleanPipeline(String guarantee) {
        this.guarantee = guarantee;
        for (int s = 0; s < RECORDS; s++) {
            offsets[s] = s / 2;
        }
    }

    /** Places record {@code seq} at {@code offset} of its partition instead. */
    CleanPipeline offset(int seq, long offset) {
        offsets = Arrays.copyOf(offsets, RECORDS);
        offsets[seq] = offset;
        return this;
    }

    HistoryBuilder builder() {
        HistoryBuilder h = new HistoryBuilder(guarantee).runStart();
        for (int s = 0; s < RECORDS; s++) {
            h.send("p1", s);
        }
        for (int s = 0; s < RECORDS; s++) {
            h.ack("p1", s, s % 2, guarantee.equals(AT_MOST_ONCE) ? -1 : offsets[s]);
        }
        List<Integer> inLogOrder = new ArrayList<>();
        for (int s = 0; s < RECORDS; s++) {
            inLogOrder.add(s);
        }
        inLogOrder.sort(Comparator.<Integer>comparingInt(s -> s % 2).thenComparingLong(s -> offsets[s]));

        h.assign("c1", "0,1");
        for (int partition = 0; partition < 2; partition++) {
            List<Integer> batch = new ArrayList<>();
            for (int s : inLogOrder) {
                if (s % 2 == partition) {
                    batch.add(s);
                }
            }
            long next = offsets[batch.get(batch.size() - 1)] + 1;
            for (int s : batch) {
                h.poll("c1", "p1", s, partition, offsets[s]);
            }
            if (guarantee.equals(AT_MOST_ONCE)) {
                h.commit("c1", partition, next);
            }
            for (int s : batch) {
                h.process("c1", "p1", s, partition, offsets[s]);
            }
            if (!guarantee.equals(AT_MOST_ONCE) && !guarantee.equals(EXACTLY_ONCE)) {
                h.commit("c1", partition, next);
            }
        }
        for (int s : inLogOrder) {
            h.logRead("p1", s, s % 2, offsets[s]);
        }
        if (guarantee.equals(EXACTLY_ONCE)) {
            for (int s = 0; s < RECORDS; s++) {
                h.outputRead("p1", s, 0, s);
            }
        }
        return h;
    }

    List<HistoryEvent> events() {
        return builder().runEnd("complete").events();
    }

    /** The events of a history except those matching {@code drop}. */
    static List<HistoryEvent> without(List<HistoryEvent> events, Predicate<HistoryEvent> drop) {
        List<HistoryEvent> kept = new ArrayList<>(events);
        int before = kept.size();
        kept.removeIf(drop);
        if (kept.size() == before) {
            throw new AssertionError("nothing to remove");
        }
        return kept;
    }

    static Predicate<HistoryEvent> is(EventType type, long seq) {
        return e -> e.type() == type && e.seq() == seq;
    }
}
