package io.surety.check.report;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Stall;
import io.surety.check.result.Timeline;
import io.surety.check.result.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Summaries the report tests draw: one like a real 60 s run under faults. */
final class Summaries {

    static final String LOSS = "37 acknowledged records were never delivered.";
    static final String DUPLICATES = "112 records were delivered more than once.";

    private Summaries() {
    }

    static GuaranteeResult atMostOnce() {
        return new GuaranteeResult("at-most-once", "never duplicated; may lose",
                58_210, 58_190, 20, 58_153, 37, 3, 0, 0, 0, 0, 0, 0, Verdict.of(List.of()));
    }

    static GuaranteeResult atLeastOnce() {
        return new GuaranteeResult("at-least-once", "never lost; may duplicate",
                57_964, 57_940, 24, 57_940, 0, 0, 112, 4, 0, 0, 0, 0, Verdict.of(List.of()));
    }

    static GuaranteeResult exactlyOnce() {
        return new GuaranteeResult("exactly-once", "each acknowledged record delivered once; none lost, none duplicated",
                41_500, 41_000, 500, 41_000, 0, 0, 0, 0, 0, 0, 0, 0, Verdict.of(List.of()));
    }

    static List<FaultWindow> faults() {
        return List.of(
                new FaultWindow("network partition: broker", 8_000, 16_000),
                new FaultWindow("kill -9 broker", 24_000, 24_000),
                new FaultWindow("consumer crash", 31_500, 31_500),
                new FaultWindow("latency 200 ms", 38_000, 47_000),
                new FaultWindow("producer crash", 51_000, 51_000),
                new FaultWindow("packet loss 5%", 55_000, -1));
    }

    /** A complete run where at-most-once lost records (allowed) and exactly-once duplicated (forbidden). */
    static CheckSummary realistic() {
        GuaranteeResult eos = exactlyOnce();
        GuaranteeResult failedEos = new GuaranteeResult(eos.guarantee(), eos.promise(), eos.sent(), eos.acknowledged(),
                eos.failed(), eos.delivered(), 0, 0, 112, 0, 3, 0, 0, 0, Verdict.of(List.of(DUPLICATES,
                "3 records were read out of order within a partition.")));
        return new CheckSummary("embedded Surety broker (127.0.0.1:19092)", "2025-03-14T10:15:30Z", 60_000, true, null,
                List.of(atMostOnce(), atLeastOnce(), failedEos), faults(), timeline(60));
    }

    /** A cluster run in which exactly-once could not be run: every other guarantee kept its promise. */
    static CheckSummary withoutExactlyOnce() {
        return new CheckSummary("3-node Surety cluster", "2025-03-14T12:00:00Z", 140_000, true, null,
                List.of(atMostOnce(), atLeastOnce()), faults(), timeline(140),
                Map.of("exactly-once", "the cluster did not let a transactional producer start within 15 s"));
    }

    /** A run cut short. */
    static CheckSummary partial() {
        return new CheckSummary("localhost:9092", "2025-03-14T11:00:00Z", 21_400, false,
                "interrupted by the user after 21 s", List.of(atMostOnce(), atLeastOnce(), exactlyOnce()),
                List.of(faults().get(0)), timeline(22));
    }

    static final String RESTART_FAILED = "the broker restart command exited with 1 (output in /tmp/w/restart-command.log)";

    /**
     * A run ended by a broker restart that failed: the restart failed, the fault due after it was
     * skipped, and the run stopped without reading the logs back.
     */
    static CheckSummary brokerRestartFailed() {
        return new CheckSummary("cluster at localhost:9092 (crashed with: false)", "2025-03-14T12:00:00Z", 14_200,
                false, "the run stopped because broker kill -9 and restart failed: " + RESTART_FAILED,
                List.of(atLeastOnce()), List.of(
                        faults().get(0),
                        new FaultWindow("broker kill -9 and restart", 12_000, 12_040, FaultStatus.FAILED, RESTART_FAILED),
                        new FaultWindow("network black hole 3 s", 14_100, 14_100, FaultStatus.SKIPPED,
                                "the run ended after broker kill -9 and restart failed")),
                timeline(15));
    }

    /** Throughput per second with the dips faults cause: nothing during the partition, a gap after the kill. */
    static Timeline timeline(int seconds) {
        Map<String, double[]> base = Map.of("at-most-once", new double[]{1000, 0}, "at-least-once",
                new double[]{980, 1}, "exactly-once", new double[]{700, 2});
        Map<String, List<Long>> acked = new java.util.HashMap<>();
        Map<String, List<Long>> delivered = new java.util.HashMap<>();
        base.forEach((g, b) -> {
            List<Long> a = new ArrayList<>();
            List<Long> d = new ArrayList<>();
            for (int s = 0; s < seconds; s++) {
                double rate = b[0] * (1 + 0.06 * Math.sin(s * 0.7 + b[1]));
                if (s >= 8 && s < 16) {
                    rate = s == 8 ? rate * 0.3 : 0;
                } else if (s >= 24 && s < 27) {
                    rate = rate * (s - 24) * 0.3;
                } else if (s >= 38 && s < 47) {
                    rate = rate * 0.55;
                } else if (s >= 55) {
                    rate = rate * 0.8;
                }
                if (g.equals("exactly-once")) {
                    rate = s % 2 == 0 ? rate * 1.4 : rate * 0.6;
                }
                long ack = Math.round(rate);
                a.add(ack);
                long del = s >= 16 && s < 19 ? Math.round(ack * 1.8) : Math.round(ack * 0.98);
                d.add(del);
            }
            acked.put(g, a);
            delivered.put(g, d);
        });
        // The stretch at 9-15 s acknowledges nothing: the longest stall of every guarantee.
        Map<String, Stall> stalls = Map.of("at-most-once", new Stall(8_400, 16_000),
                "at-least-once", new Stall(8_450, 16_020), "exactly-once", new Stall(8_900, 16_310));
        return new Timeline(1000, acked, delivered, stalls);
    }
}
