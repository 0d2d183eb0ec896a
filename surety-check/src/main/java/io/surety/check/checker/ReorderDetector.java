package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts records the input log holds out of their producer's order ({@code reordered}). The final
 * log read is walked per partition in offset order; per producer the highest sequence seen so far
 * in that partition is kept, and a record whose sequence is lower was written after a later record
 * of its producer. Only a record's first position in a partition is considered: a second copy
 * further on is a log duplicate, counted as such, not a reorder. A record is counted once.
 */
final class ReorderDetector {

    private static final Comparator<HistoryEvent> LOG_ORDER =
            Comparator.comparingInt(HistoryEvent::partition).thenComparingLong(HistoryEvent::offset);

    private ReorderDetector() {
    }

    static long count(List<HistoryEvent> events) {
        List<HistoryEvent> reads = new ArrayList<>();
        for (HistoryEvent e : events) {
            if (e.type() == EventType.LOG_READ && e.producer() != null && e.seq() >= 0) {
                reads.add(e);
            }
        }
        reads.sort(LOG_ORDER);

        Set<RecordKey> reordered = new HashSet<>();
        Map<String, Long> highestSeq = new HashMap<>();
        Set<RecordKey> seenInPartition = new HashSet<>();
        HistoryEvent previous = null;
        for (HistoryEvent read : reads) {
            if (previous == null || previous.partition() != read.partition()) {
                highestSeq.clear();
                seenInPartition.clear();
            }
            previous = read;
            RecordKey record = new RecordKey(read.producer(), read.seq());
            if (!seenInPartition.add(record)) {
                continue;
            }
            Long highest = highestSeq.get(read.producer());
            if (highest != null && read.seq() < highest) {
                reordered.add(record);
            } else {
                highestSeq.put(read.producer(), read.seq());
            }
        }
        return reordered.size();
    }
}
