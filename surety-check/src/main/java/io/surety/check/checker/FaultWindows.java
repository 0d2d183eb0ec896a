package io.surety.check.checker;

import io.surety.check.history.HistoryEvent;
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
 * does); a FAULT_END with no open window is ignored. A CRASH is a window of no length named
 * "&lt;guarantee&gt; consumer crash &lt;point&gt;". Windows are listed by start time.
 */
final class FaultWindows {

    private FaultWindows() {
    }

    static List<FaultWindow> of(List<HistoryEvent> history, RunClock clock) {
        List<long[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Deque<Integer>> open = new HashMap<>();
        for (HistoryEvent e : history) {
            long ms = clock.millisAt(e.nanos());
            switch (e.type()) {
                case FAULT_START -> {
                    String name = e.detail() == null ? "fault" : e.detail();
                    open.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(spans.size());
                    spans.add(new long[] {ms, -1});
                    names.add(name);
                }
                case FAULT_END -> {
                    Deque<Integer> waiting = open.get(e.detail() == null ? "fault" : e.detail());
                    if (waiting != null && !waiting.isEmpty()) {
                        spans.get(waiting.removeFirst())[1] = ms;
                    }
                }
                case CRASH -> {
                    spans.add(new long[] {ms, ms});
                    names.add(crashName(e));
                }
                default -> {
                    // not a fault
                }
            }
        }
        List<FaultWindow> windows = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            windows.add(new FaultWindow(names.get(i), spans.get(i)[0], spans.get(i)[1]));
        }
        windows.sort(Comparator.comparingLong(FaultWindow::startMs));
        return windows;
    }

    private static String crashName(HistoryEvent crash) {
        String who = crash.guarantee() == null ? "" : crash.guarantee() + " ";
        return who + "consumer crash" + (crash.detail() == null || crash.detail().isBlank() ? "" : " " + crash.detail());
    }
}
