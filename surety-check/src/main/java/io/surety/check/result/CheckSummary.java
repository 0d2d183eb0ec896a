package io.surety.check.result;

import java.util.List;

/**
 * Everything a run measured, as written to summary.json and drawn in index.html.
 *
 * @param target     what was checked, e.g. "embedded Surety broker" or the bootstrap servers
 * @param startedAt  ISO-8601 wall-clock start
 * @param durationMs length of the run
 * @param complete   false when the run stopped early (interrupted, cluster unreachable) or a fault failed:
 *                   the counts are partial, or measured under other faults than asked for
 * @param note       why it is not complete, or null
 * @param results    one per guarantee checked
 * @param faults     the faults of the schedule, on the run's time axis, each with what became of it
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

    /** True when every guarantee kept its promise, the run was complete and no fault failed. */
    public boolean passed() {
        return complete && faultsFailed() == 0 && results.stream().allMatch(r -> r.verdict().passed());
    }

    /** Faults that were tried and failed. */
    public long faultsFailed() {
        return faults.stream().filter(f -> f.status() == FaultStatus.FAILED).count();
    }

    /** Faults that were never tried. */
    public long faultsSkipped() {
        return faults.stream().filter(f -> f.status() == FaultStatus.SKIPPED).count();
    }
}
