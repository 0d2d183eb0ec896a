package io.surety.check.checker;

import io.surety.check.history.HistoryEvent;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The faults of a run on its time axis. A FAULT_START opens a window named by its detail; the next
 * FAULT_END with the same name closes the oldest open window of that name (end -1 if none ever
 * does); a FAULT_END with no open window is ignored. A FAULT_FAILED marks the oldest open window
 * of its name as failed, with its reason; with no open window it is a failed fault of no length.
 * A FAULT_SKIPPED is a skipped fault of no length, at the time it was due. A CRASH is a window of
 * no length named "&lt;guarantee&gt; consumer crash &lt;point&gt;". Windows are listed by start
 * time.
 */
final class FaultWindows {

    private FaultWindows() {
    }

    /** A window being put together while the history is walked. */
    private static final class Span {
        final String name;
        final long startMs;
        long endMs;
        FaultStatus status = FaultStatus.RAN;
        String reason;

        Span(String name, long startMs, long endMs) {
            this.name = name;
            this.startMs = startMs;
            this.endMs = endMs;
        }

        Span outcome(FaultStatus outcome, String why) {
            status = outcome;
            reason = why == null || why.isBlank() ? "no reason recorded" : why;
            return this;
        }

        FaultWindow window() {
            return new FaultWindow(name, startMs, endMs, status, reason);
        }
    }

    static List<FaultWindow> of(List<HistoryEvent> history, RunClock clock) {
        List<Span> spans = new ArrayList<>();
        Map<String, Deque<Span>> open = new HashMap<>();
        for (HistoryEvent e : history) {
            long ms = clock.millisAt(e.nanos());
            switch (e.type()) {
                case FAULT_START -> {
                    Span span = new Span(name(e), ms, -1);
                    open.computeIfAbsent(span.name, n -> new ArrayDeque<>()).addLast(span);
                    spans.add(span);
                }
                case FAULT_END -> {
                    Deque<Span> waiting = open.get(name(e));
                    if (waiting != null && !waiting.isEmpty()) {
                        waiting.removeFirst().endMs = ms;
                    }
                }
                case FAULT_FAILED -> {
                    Deque<Span> waiting = open.get(name(e));
                    if (waiting != null && !waiting.isEmpty()) {
                        waiting.peekFirst().outcome(FaultStatus.FAILED, e.reason());
                    } else {
                        spans.add(new Span(name(e), ms, ms).outcome(FaultStatus.FAILED, e.reason()));
                    }
                }
                case FAULT_SKIPPED -> spans.add(new Span(name(e), ms, ms).outcome(FaultStatus.SKIPPED, e.reason()));
                case CRASH -> spans.add(new Span(crashName(e), ms, ms));
                default -> {
                    // not a fault
                }
            }
        }
        List<FaultWindow> windows = new ArrayList<>(spans.size());
        spans.forEach(span -> windows.add(span.window()));
        windows.sort(Comparator.comparingLong(FaultWindow::startMs));
        return windows;
    }

    private static String name(HistoryEvent fault) {
        return fault.detail() == null ? "fault" : fault.detail();
    }

    private static String crashName(HistoryEvent crash) {
        String who = crash.guarantee() == null ? "" : crash.guarantee() + " ";
        return who + "consumer crash" + (crash.detail() == null || crash.detail().isBlank() ? "" : " " + crash.detail());
    }
}
