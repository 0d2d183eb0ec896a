package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.Stall;
import io.surety.check.result.Timeline;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput over the run in buckets of {@link #BUCKET_MS}: per guarantee, the ACK events and the
 * PROCESS events (the copier's too) in each bucket. Every list has one entry per bucket from time
 * zero to the end of the run; events before time zero count in the first bucket. And per guarantee
 * the longest gap between two consecutive ACK events: while the producers send at a steady rate,
 * that is how long the cluster could not acknowledge anything, failovers and quorum losses
 * included.
 */
final class TimelineBuilder {

    static final long BUCKET_MS = 1000;

    private TimelineBuilder() {
    }

    static Timeline build(List<HistoryEvent> history, RunClock clock, Collection<String> guarantees) {
        int buckets = history.isEmpty() ? 0 : (int) (clock.durationMs() / BUCKET_MS) + 1;
        Map<String, long[]> acknowledged = new LinkedHashMap<>();
        Map<String, long[]> delivered = new LinkedHashMap<>();
        Map<String, Long> lastAckMs = new HashMap<>();
        Map<String, Stall> longest = new LinkedHashMap<>();
        for (String guarantee : guarantees) {
            acknowledged.put(guarantee, new long[buckets]);
            delivered.put(guarantee, new long[buckets]);
        }
        for (HistoryEvent e : history) {
            Map<String, long[]> series = e.type() == EventType.ACK ? acknowledged
                    : e.type() == EventType.PROCESS ? delivered : null;
            if (series == null || e.guarantee() == null || !series.containsKey(e.guarantee())) {
                continue;
            }
            long atMs = clock.millisAt(e.nanos());
            long bucket = Math.max(0, atMs) / BUCKET_MS;
            series.get(e.guarantee())[(int) Math.min(bucket, buckets - 1)]++;
            if (series == acknowledged) {
                Long previous = lastAckMs.put(e.guarantee(), atMs);
                Stall current = longest.get(e.guarantee());
                if (previous != null && atMs >= previous && (current == null || atMs - previous > current.durationMs())) {
                    longest.put(e.guarantee(), new Stall(previous, atMs));
                }
            }
        }
        return new Timeline(BUCKET_MS, asLists(acknowledged), asLists(delivered), longest);
    }

    private static Map<String, List<Long>> asLists(Map<String, long[]> series) {
        Map<String, List<Long>> lists = new LinkedHashMap<>();
        series.forEach((guarantee, counts) -> {
            List<Long> list = new ArrayList<>(counts.length);
            for (long count : counts) {
                list.add(count);
            }
            lists.put(guarantee, List.copyOf(list));
        });
        return lists;
    }
}
