package io.surety.check.report;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a running check, handed to {@link ProgressLine#update} about once a second.
 *
 * @param elapsedMs    time since the run started
 * @param plannedMs    the run's planned length (0 if unknown)
 * @param phase        what the run is doing, e.g. "starting broker", "running", "draining", "checking"
 * @param guarantees   per guarantee id, records acknowledged and delivered so far
 * @param activeFaults the faults in effect right now, by name; empty if none
 */
public record Progress(long elapsedMs, long plannedMs, String phase, Map<String, Counts> guarantees,
                       List<String> activeFaults) {

    /** Records of one guarantee acknowledged and delivered so far. */
    public record Counts(long acknowledged, long delivered) {
    }

    public Progress {
        guarantees = Map.copyOf(guarantees);
        activeFaults = List.copyOf(activeFaults);
    }
}
