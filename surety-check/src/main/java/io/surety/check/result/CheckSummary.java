package io.surety.check.result;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param notRun     guarantees asked for that were not run, each with why (exactly-once on a cluster that
 *                   cannot run transactions); a run with any is not passed
 */
public record CheckSummary(
        String target,
        String startedAt,
        long durationMs,
        boolean complete,
        String note,
        List<GuaranteeResult> results,
        List<FaultWindow> faults,
        Timeline timeline,
        Map<String, String> notRun) {

    public CheckSummary {
        results = List.copyOf(results);
        faults = List.copyOf(faults);
        notRun = Collections.unmodifiableMap(new LinkedHashMap<>(notRun));
    }

    /** A summary in which every guarantee asked for was run. */
    public CheckSummary(String target, String startedAt, long durationMs, boolean complete, String note,
                        List<GuaranteeResult> results, List<FaultWindow> faults, Timeline timeline) {
        this(target, startedAt, durationMs, complete, note, results, faults, timeline, Map.of());
    }

    /**
     * True when every guarantee asked for was run and kept its promise, the run was complete and no
     * fault failed.
     */
    public boolean passed() {
        return complete && notRun.isEmpty() && faultsFailed() == 0 && results.stream().allMatch(r -> r.verdict().passed());
    }

    /** Faults that were tried and failed. */
    public long faultsFailed() {
        return faults.stream().filter(f -> f.status() == FaultStatus.FAILED).count();
    }

    /** The faults counted: injected, by kind, leader or controller kills, failed, skipped. */
    public FaultCounts faultCounts() {
        return FaultCounts.of(faults);
    }

    /** Faults that were never tried. */
    public long faultsSkipped() {
        return faults.stream().filter(f -> f.status() == FaultStatus.SKIPPED).count();
    }
}
