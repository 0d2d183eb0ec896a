package io.surety.check.result;

import java.util.List;

/**
 * Everything a run measured, as written to summary.json and drawn in index.html.
 *
 * @param target     what was checked, e.g. "embedded Surety broker" or the bootstrap servers
 * @param startedAt  ISO-8601 wall-clock start
 * @param durationMs length of the run
 * @param complete   false when the run stopped early (interrupted, cluster unreachable): the counts are partial
 * @param note       why it stopped early, or null
 * @param results    one per guarantee checked
 * @param faults     the faults injected, on the run's time axis
 * @param timeline   throughput over time
 */
public record CheckSummary(
        String target,
        String startedAt,
        long durationMs,
        boolean complete,
        String note,
        List<GuaranteeResult> results,
        List<FaultWindow> faults,
        Timeline timeline) {

    public CheckSummary {
        results = List.copyOf(results);
        faults = List.copyOf(faults);
    }

    /** True when every guarantee kept its promise and the run was complete. */
    public boolean passed() {
        return complete && results.stream().allMatch(r -> r.verdict().passed());
    }
}
