package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.List;

/**
 * The run's time axis: time zero is the RUN_START event (the earliest event if there is none), and
 * the run ends at its latest event (normally RUN_END).
 */
record RunClock(long startNanos, long endNanos) {

    static RunClock of(List<HistoryEvent> history) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        Long runStart = null;
        for (HistoryEvent e : history) {
            start = Math.min(start, e.nanos());
            end = Math.max(end, e.nanos());
            if (e.type() == EventType.RUN_START && runStart == null) {
                runStart = e.nanos();
            }
        }
        if (history.isEmpty()) {
            return new RunClock(0, 0);
        }
        return new RunClock(runStart != null ? runStart : start, end);
    }

    /** Milliseconds from time zero to {@code nanos}; negative before the run started. */
    long millisAt(long nanos) {
        return Math.floorDiv(nanos - startNanos, 1_000_000L);
    }

    long durationMs() {
        return Math.max(0, millisAt(endNanos));
    }
}
