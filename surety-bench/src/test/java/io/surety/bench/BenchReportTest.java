package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static final Workload PRODUCE = Workload.standard().get(0);

    @Test
    void shouldPrintRatiosAgainstKafkaWhenBothBrokersRan() {
        BrokerRun kafka = new BrokerRun("Kafka", 3000, 700, List.of(
                new PerfResult(PRODUCE.name(), "Kafka", 100, 1000, 1.0, 2, 10, 20, 5.0, null)));
        BrokerRun surety = new BrokerRun("Surety interval", 800, 300, List.of(
                new PerfResult(PRODUCE.name(), "Surety interval", 100, 1500, 1.5, 1, 5, 40, 2.5, null)));
        String report = BenchReport.render("## Run", BenchSettings.quick(), List.of(kafka, surety), List.of(PRODUCE));
        assertThat(report).contains("| Surety interval / Kafka | 1.50x | 1.50x | 0.50x | 0.50x | 2.00x | 0.50x | 2.00x |");
        assertThat(report).contains("| Kafka | 3,000 | 700 |");
    }

    @Test
    void shouldShowWhyWhenAWorkloadDidNotRun() {
        BrokerRun surety = new BrokerRun("Surety fsync", 800, 300, List.of(
                PerfResult.failed(PRODUCE.name(), "Surety fsync", "no summary line")));
        String report = BenchReport.render("## Run", BenchSettings.quick(), List.of(surety), List.of(PRODUCE));
        assertThat(report).contains("| Surety fsync | not run: no summary line |");
    }

    @Test
    void shouldKeepHandWrittenTextWhenRewritingResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nAnalysis.\n\n<!-- results: written by bin/surety bench -->\n\nold table");
        BenchCommand.writeReport(file, "new table");
        assertThat(Files.readString(file)).contains("Analysis.").contains("new table").doesNotContain("old table");
    }
}
