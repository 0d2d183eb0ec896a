package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.Timeline;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput over the run in buckets of {@link #BUCKET_MS}: per guarantee, the ACK events and the
 * PROCESS events (the copier's too) in each bucket. Every list has one entry per bucket from time
 * zero to the end of the run; events before time zero count in the first bucket.
 */
final class TimelineBuilder {

    static final long BUCKET_MS = 1000;

    private TimelineBuilder() {
    }

    static Timeline build(List<HistoryEvent> history, RunClock clock, Collection<String> guarantees) {
        int buckets = history.isEmpty() ? 0 : (int) (clock.durationMs() / BUCKET_MS) + 1;
        Map<String, long[]> acknowledged = new LinkedHashMap<>();
        Map<String, long[]> delivered = new LinkedHashMap<>();
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
            long bucket = Math.max(0, clock.millisAt(e.nanos())) / BUCKET_MS;
            series.get(e.guarantee())[(int) Math.min(bucket, buckets - 1)]++;
        }
        return new Timeline(BUCKET_MS, asLists(acknowledged), asLists(delivered));
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
