package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static final BenchSettings SETTINGS = BenchSettings.quick();

    private static Sample sample(String broker, double recordsPerSec, double p99Ms, double cpuSeconds, double othersShare) {
        return Sample.of(new PerfResult(BenchPlan.ACKS_ALL, broker, 1_000, recordsPerSec, recordsPerSec / 1000, 1, p99Ms, p99Ms,
                cpuSeconds, null), othersShare);
    }

    private static BenchSchedule.RowSamples row(String section, String workload, List<Sample> kafka, List<Sample> surety) {
        Row row = BenchPlan.rows(SETTINGS).stream()
                .filter(r -> r.section().equals(section) && r.workload().name().equals(workload)).findFirst().orElseThrow();
        return new BenchSchedule.RowSamples(row, kafka, surety);
    }

    private static RunResult run(List<BenchSchedule.RowSamples> rows) {
        return new RunResult(rows, List.of(
                new RunResult.BrokerFacts("Kafka", 3_000, 1_000, BenchBroker.KAFKA_START_SCRIPT_JVM_OPTIONS),
                new RunResult.BrokerFacts("Surety interval", 250, 200, List.of("-Xmx256m"))));
    }

    @Test
    void shouldShowMedianWithRangeAndTheRatioOfMediansWhenRowHasRepetitions() {
        BenchSchedule.RowSamples acksAll = row(BenchPlan.PAGE_CACHE, BenchPlan.ACKS_ALL,
                List.of(sample("Kafka", 1_000, 10, 2, 0.01), sample("Kafka", 1_200, 30, 2, 0.02), sample("Kafka", 900, 20, 2, 0)),
                List.of(sample("Surety interval", 2_000, 5, 1, 0), sample("Surety interval", 1_800, 4, 1, 0.03),
                        sample("Surety interval", 2_400, 6, 1, 0)));
        String report = BenchReport.render("## Run", SETTINGS, run(List.of(acksAll)));
        assertThat(report).contains("| Kafka | 1,000 (900–1,200) | 1.0 (0.9–1.2) |");
        assertThat(report).contains("| Surety interval | 2,000 (1,800–2,400) |");
        assertThat(report).contains("| Surety ÷ Kafka | 2.00x | 2.00x | 1.00x | 0.25x | 0.25x | 0.50x | 2.00x |");
        assertThat(report).contains("3.0% |"); // the largest others' share among Surety's kept trials
    }

    @Test
    void shouldJudgeEachGoalFromTheMediansWhenReportingGoals() {
        BenchSchedule.RowSamples acksAll = row(BenchPlan.PAGE_CACHE, BenchPlan.ACKS_ALL,
                List.of(sample("Kafka", 1_000, 10, 2, 0)), List.of(sample("Surety interval", 1_100, 5, 0.5, 0)));
        String report = BenchReport.render("## Run", SETTINGS, run(List.of(acksAll)));
        // 1,000 records in 0.5 CPU-s against 2 CPU-s: 4x, above the 3x goal; throughput 1.1x, below 1.2x.
        assertThat(report).contains("| records per broker CPU-second, produce acks=all idempotent (interval) | ≥ 3.0x | 4.00x | yes |");
        assertThat(report).contains("| throughput, produce acks=all idempotent (interval) | ≥ 1.2x | 1.10x | no |");
        assertThat(report).contains("| records per broker CPU-second, produce acks=1 (interval) | ≥ 3.0x | not measured | – |");
        assertThat(report).contains("| Surety start to first acknowledged record | ≤ 300 ms | 250 ms | yes |");
        assertThat(report).contains("| peak resident memory, Surety interval ÷ Kafka | ≤ 0.25x | 0.20x | yes |");
    }

    @Test
    void shouldJudgeTheClusterGoalsAcrossSectionsWhenReportingAReplicatedRun() {
        List<Row> rows = BenchPlan.replicatedRows(SETTINGS);
        Row pageCacheAcksAll = rows.stream().filter(r -> r.section().equals(BenchPlan.PAGE_CACHE)
                && r.workload().name().equals(BenchPlan.ACKS_ALL)).findFirst().orElseThrow();
        Row fsyncAcksAll = rows.stream().filter(r -> r.section().equals(BenchPlan.FSYNC)
                && r.workload().name().equals(BenchPlan.ACKS_ALL)).findFirst().orElseThrow();
        Row failover = rows.stream().filter(r -> r.workload().kind() == Workload.Kind.FAILOVER).findFirst().orElseThrow();
        RunResult run = run(List.of(
                new BenchSchedule.RowSamples(pageCacheAcksAll, List.of(sample("Kafka", 1_000, 10, 2, 0)),
                        List.of(sample("Surety interval", 1_100, 5, 1.3, 0))),
                new BenchSchedule.RowSamples(fsyncAcksAll, List.of(sample("Kafka flush.messages=1", 200, 10, 2, 0)),
                        List.of(sample("Surety fsync", 900, 5, 1, 0))),
                new BenchSchedule.RowSamples(failover, List.of(sample("Kafka", Double.NaN, 9_500, Double.NaN, 0)),
                        List.of(sample("Surety interval", Double.NaN, 9_200, Double.NaN, 0)))));
        String report = BenchReport.renderReplicated("## Run", SETTINGS, run);
        // CPU per record: 1.3 s against 2 s for the same 1,000 records is 0.65x, within 0.7x.
        assertThat(report).contains("| broker CPU per record, produce acks=all idempotent (interval) | ≤ 0.70x | 0.65x | yes |");
        assertThat(report).contains("| throughput, produce acks=all idempotent (interval) | ≥ 1.0x | 1.10x | yes |");
        // Surety fsync's 900 records/s against Kafka's page cache's 1,000 and its flush.messages=1's 200.
        assertThat(report).contains("Surety fsync ÷ Kafka page cache | ≥ 0.8x | 0.90x | yes |");
        assertThat(report).contains("| throughput with fsync before ack on both, produce acks=all idempotent | ≥ 3.0x | 4.50x | yes |");
        assertThat(report).contains("time from the leader's `kill -9`").contains("| Kafka | – | – | 1.0 | 9,500.0 | 9,500.0 | – | – | – | – |");
        assertThat(report).contains("three combined broker-and-controller nodes");
    }

    @Test
    void shouldMarkTheRowAndSayWhyWhenATrialWasDisturbedOrFailed() {
        List<Sample> surety = new ArrayList<>(List.of(PerfResult.failed(BenchPlan.ACKS_ALL, "Surety interval", "no summary line"))
                .stream().map(r -> Sample.of(r, 0)).toList());
        BenchSchedule.RowSamples acksAll = row(BenchPlan.PAGE_CACHE, BenchPlan.ACKS_ALL,
                List.of(sample("Kafka", 1_000, 10, 2, 0.09).markDisturbed()), surety);
        String report = BenchReport.render("## Run", SETTINGS, run(List.of(acksAll)));
        assertThat(report).contains("#### produce acks=all idempotent *");
        assertThat(report).contains("| Surety interval | not run: no summary line |");
    }

    @Test
    void shouldKeepHandWrittenTextWhenRewritingResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nAnalysis.\n\n<!-- results: written by bin/surety bench -->\n\nold table");
        BenchCommand.writeReport(file, "new table");
        assertThat(Files.readString(file)).contains("Analysis.").contains("new table").doesNotContain("old table");
    }

    @Test
    void shouldNameTheRatioAndLeaveGoalsOutWhenTheBaseIsAnEarlierBuild() {
        Row row = BenchPlan.againstBaseline(BenchPlan.rows(SETTINGS), "Surety abc1234").get(1);
        BenchSchedule.RowSamples samples = new BenchSchedule.RowSamples(row,
                List.of(sample("Surety abc1234 interval", 1_000, 10, 2, 0)), List.of(sample("Surety interval", 1_100, 9, 1.8, 0)));
        String report = BenchReport.render("## Run", SETTINGS, new RunResult(List.of(samples), List.of()));
        assertThat(report).doesNotContain("### Goals");
        assertThat(report).contains("| Surety interval ÷ Surety abc1234 interval | 1.10x |");
    }
}
