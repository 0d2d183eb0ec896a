package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Timeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a run's history into what it measured: per guarantee the counts of docs/check.md ("What the
 * checker counts") and a verdict, the fault windows and the throughput timeline. A pure function of
 * the events: nothing is read or written, and the same history always gives the same summary.
 *
 * <p>Events are put in time order ({@link HistoryEvent#nanos()}, ties kept in list order) before
 * they are checked. The work is linear in the history apart from a few sorts.
 */
public final class HistoryChecker {

    private static final Comparator<HistoryEvent> TIME_ORDER = Comparator.comparingLong(HistoryEvent::nanos);

    private HistoryChecker() {
    }

    /**
     * Checks every guarantee found in {@code history} (the events of all of them, plus the run-wide
     * ones) and gathers the faults and the timeline. {@code target}, {@code startedAt},
     * {@code complete} and {@code note} are passed through to the summary as given.
     *
     * @throws IllegalArgumentException if an event names a guarantee other than the three known,
     *                                  or a record event has no record identity
     */
    public static CheckSummary summarize(List<HistoryEvent> history, String target, String startedAt,
                                         boolean complete, String note) {
        return summarize(history, target, startedAt, complete, note, Map.of());
    }

    /** As {@link #summarize(List, String, String, boolean, String)}, with guarantees asked for but not run and why. */
    public static CheckSummary summarize(List<HistoryEvent> history, String target, String startedAt,
                                         boolean complete, String note, Map<String, String> notRun) {
        List<HistoryEvent> ordered = inTimeOrder(history);
        Map<String, List<HistoryEvent>> byGuarantee = new HashMap<>();
        for (HistoryEvent e : ordered) {
            if (e.guarantee() != null) {
                byGuarantee.computeIfAbsent(Guarantees.requireKnown(e.guarantee()), g -> new ArrayList<>()).add(e);
            }
        }
        Set<String> present = new LinkedHashSet<>();
        for (String guarantee : Guarantees.ALL) {
            if (byGuarantee.containsKey(guarantee)) {
                present.add(guarantee);
            }
        }
        List<GuaranteeResult> results = new ArrayList<>();
        for (String guarantee : present) {
            results.add(checkOrdered(guarantee, byGuarantee.get(guarantee)));
        }
        RunClock clock = RunClock.of(ordered);
        List<FaultWindow> faults = FaultWindows.of(ordered, clock);
        results.replaceAll(r -> Guarantees.ACKS_1.equals(r.guarantee())
                ? Acks1Scenario.explain(r, faults, byGuarantee.get(Guarantees.ACKS_1), clock) : r);
        Timeline timeline = TimelineBuilder.build(ordered, clock, present);
        return new CheckSummary(target, startedAt, clock.durationMs(), complete, note, results, faults, timeline,
                notRun);
    }

    /**
     * Counts the anomalies of one guarantee and draws its verdict. Events of other guarantees and
     * run-wide events in {@code events} are ignored.
     *
     * @param guarantee "at-most-once", "at-least-once" or "exactly-once"
     * @throws IllegalArgumentException for an unknown guarantee or a record event without a record identity
     */
    public static GuaranteeResult check(String guarantee, List<HistoryEvent> events) {
        Guarantees.requireKnown(guarantee);
        List<HistoryEvent> own = new ArrayList<>();
        for (HistoryEvent e : events) {
            if (guarantee.equals(e.guarantee())) {
                own.add(e);
            }
        }
        return checkOrdered(guarantee, inTimeOrder(own));
    }

    private static GuaranteeResult checkOrdered(String guarantee, List<HistoryEvent> events) {
        long reordered = ReorderDetector.count(events);
        long skipped = SkipDetector.count(guarantee, events, LogOffsets.of(events));
        Counts counts = RecordIndex.of(guarantee, events).counts(reordered, skipped);
        return counts.toResult(guarantee, VerdictRules.judge(guarantee, counts, readBack(guarantee, events)));
    }

    /**
     * Whether the run read this guarantee's records back at the end (the final read of the input
     * log, and for exactly-once of the output). Without it, a record not delivered yet may still
     * have been in flight, so loss cannot be told from a run cut short.
     */
    private static boolean readBack(String guarantee, List<HistoryEvent> events) {
        EventType last = Guarantees.EXACTLY_ONCE.equals(guarantee) ? EventType.OUTPUT_READ : EventType.LOG_READ;
        for (HistoryEvent e : events) {
            if (e.type() == last) {
                return true;
            }
        }
        return false;
    }

    private static List<HistoryEvent> inTimeOrder(List<HistoryEvent> events) {
        List<HistoryEvent> sorted = new ArrayList<>(events);
        sorted.sort(TIME_ORDER); // stable: events of equal time keep their order
        return sorted;
    }
}
