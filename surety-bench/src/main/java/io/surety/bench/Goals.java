package io.surety.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The performance goals, each checked against one run: a ratio of Surety's median to Kafka's (or
 * to Surety's own, or an absolute figure) with its target. A goal whose rows did not run reads
 * "not measured". Stateless.
 */
final class Goals {

    /** One goal's verdict. {@code measured} is NaN when its rows did not run. */
    record Verdict(String goal, String target, double measured, String unit, boolean met) {
    }

    private Goals() {
    }

    static List<Verdict> check(RunResult run) {
        List<Verdict> verdicts = new ArrayList<>();
        for (String workload : List.of(BenchPlan.ACKS_1, BenchPlan.ACKS_ALL, BenchPlan.TRANSACTIONAL)) {
            verdicts.add(atLeast("records per broker CPU-second, " + workload + " (interval)", 3,
                    ratio(run, BenchPlan.PAGE_CACHE, workload, Metric.RECORDS_PER_BROKER_CPU_SECOND)));
        }
        verdicts.add(atLeast("records per broker CPU-second, " + BenchPlan.ACKS_ALL + " (fsync)", 2,
                ratio(run, BenchPlan.FSYNC, BenchPlan.ACKS_ALL, Metric.RECORDS_PER_BROKER_CPU_SECOND)));
        verdicts.add(atLeast("records per broker CPU-second, " + BenchPlan.CONSUME, 3,
                ratio(run, BenchPlan.PAGE_CACHE, BenchPlan.CONSUME, Metric.RECORDS_PER_BROKER_CPU_SECOND)));
        for (BenchSchedule.RowSamples row : run.rows()) {
            if (row.row().section().equals(BenchPlan.PAGE_CACHE) && row.row().workload().producesFlatOut()) {
                verdicts.add(atLeast("throughput, " + row.row().workload().name() + " (interval)", 1.2,
                        ratio(row, Metric.RECORDS_PER_SEC)));
            }
        }
        for (String section : List.of(BenchPlan.PAGE_CACHE, BenchPlan.FSYNC)) {
            verdicts.add(atMost("p99 at " + BenchPlan.FIXED_RATE + (section.equals(BenchPlan.FSYNC) ? " (fsync)" : " (interval)"),
                    0.5, ratio(run, section, BenchPlan.FIXED_RATE, Metric.P99_MS)));
        }
        verdicts.add(atLeast("throughput with fsync before ack on both, " + BenchPlan.ACKS_ALL, 5,
                ratio(run, BenchPlan.FSYNC, BenchPlan.ACKS_ALL, Metric.RECORDS_PER_SEC)));
        verdicts.add(atLeast("Surety fsync throughput at 1,000 partitions ÷ its own at 3", 0.8,
                ownRatio(run, BenchPlan.FSYNC, BenchPlan.PARTITIONS_1000, BenchPlan.ACKS_ALL)));
        for (String section : List.of(BenchPlan.PAGE_CACHE, BenchPlan.FSYNC)) {
            verdicts.add(atLeast("small-transaction commit rate" + (section.equals(BenchPlan.FSYNC) ? " (fsync)" : " (interval)"),
                    1, ratio(run, section, BenchPlan.SMALL_TRANSACTIONS, Metric.RECORDS_PER_SEC)));
        }
        RunResult.BrokerFacts surety = run.broker(Contender.SURETY_INTERVAL_BROKER);
        RunResult.BrokerFacts kafka = run.broker(Contender.KAFKA_BROKER);
        double firstAckMs = surety == null ? Double.NaN : surety.firstAckMs();
        verdicts.add(new Verdict("Surety start to first acknowledged record", "≤ 300 ms", firstAckMs, "ms",
                firstAckMs <= 300));
        double rss = surety == null || kafka == null ? Double.NaN : surety.peakResidentMiB() / kafka.peakResidentMiB();
        verdicts.add(atMost("peak resident memory, Surety interval ÷ Kafka", 0.25, rss));
        return verdicts;
    }

    /**
     * The goals of a cluster run ({@code --replicated}): Surety interval at least Kafka's throughput
     * for at most 0.7 of its broker CPU per record; Surety fsync at least 0.8 of Kafka's page-cache
     * throughput and 3 times Kafka's with {@code flush.messages=1}.
     */
    static List<Verdict> checkReplicated(RunResult run) {
        List<Verdict> verdicts = new ArrayList<>();
        for (String workload : List.of(BenchPlan.ACKS_1, BenchPlan.ACKS_ALL)) {
            verdicts.add(atLeast("throughput, " + workload + " (interval)", 1,
                    ratio(run, BenchPlan.PAGE_CACHE, workload, Metric.RECORDS_PER_SEC)));
            verdicts.add(atMost("broker CPU per record, " + workload + " (interval)", 0.7,
                    1 / ratio(run, BenchPlan.PAGE_CACHE, workload, Metric.RECORDS_PER_BROKER_CPU_SECOND)));
        }
        BenchSchedule.RowSamples fsync = run.row(BenchPlan.FSYNC, BenchPlan.ACKS_ALL);
        BenchSchedule.RowSamples pageCache = run.row(BenchPlan.PAGE_CACHE, BenchPlan.ACKS_ALL);
        double againstPageCache = fsync == null || pageCache == null ? Double.NaN
                : Metric.RECORDS_PER_SEC.over(fsync.candidate()).median() / Metric.RECORDS_PER_SEC.over(pageCache.base()).median();
        verdicts.add(atLeast("throughput, " + BenchPlan.ACKS_ALL + ", Surety fsync ÷ Kafka page cache", 0.8,
                againstPageCache));
        verdicts.add(atLeast("throughput with fsync before ack on both, " + BenchPlan.ACKS_ALL, 3,
                ratio(run, BenchPlan.FSYNC, BenchPlan.ACKS_ALL, Metric.RECORDS_PER_SEC)));
        return verdicts;
    }

    private static double ratio(RunResult run, String section, String workload, Metric metric) {
        BenchSchedule.RowSamples row = run.row(section, workload);
        return row == null ? Double.NaN : ratio(row, metric);
    }

    static double ratio(BenchSchedule.RowSamples row, Metric metric) {
        return metric.over(row.candidate()).median() / metric.over(row.base()).median();
    }

    private static double ownRatio(RunResult run, String section, String workload, String baseWorkload) {
        BenchSchedule.RowSamples row = run.row(section, workload);
        BenchSchedule.RowSamples base = run.row(section, baseWorkload);
        if (row == null || base == null) {
            return Double.NaN;
        }
        return Metric.RECORDS_PER_SEC.over(row.candidate()).median() / Metric.RECORDS_PER_SEC.over(base.candidate()).median();
    }

    private static Verdict atLeast(String goal, double target, double measured) {
        return new Verdict(goal, String.format(Locale.ROOT, "≥ %.1fx", target), measured, "x", measured >= target);
    }

    private static Verdict atMost(String goal, double target, double measured) {
        return new Verdict(goal, String.format(Locale.ROOT, "≤ %.2fx", target), measured, "x", measured <= target);
    }
}
