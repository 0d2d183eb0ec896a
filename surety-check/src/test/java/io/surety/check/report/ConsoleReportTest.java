package io.surety.check.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleReportTest {

    private static final ReportFiles FILES = new ReportFiles(Path.of("check-report"),
            Path.of("check-report", "index.html"), Path.of("check-report", "summary.json"));

    @Test
    void tableHasOneRowPerGuaranteeWithItsNumbersAndVerdict() {
        List<String> lines = ConsoleReport.render(Summaries.realistic(), FILES, false).lines().toList();

        assertThat(row(lines, "guarantee")).containsExactly("guarantee", "sent", "acked", "delivered", "lost",
                "duplicated", "reordered", "verdict");
        assertThat(row(lines, "at-most-once")).containsExactly("at-most-once", "58210", "58190", "58153", "37", "0",
                "0", "PASS");
        assertThat(row(lines, "at-least-once")).containsExactly("at-least-once", "57964", "57940", "57940", "0",
                "112", "0", "PASS");
        assertThat(row(lines, "exactly-once")).containsExactly("exactly-once", "41500", "41000", "41000", "0", "112",
                "3", "FAIL");
    }

    @Test
    void aGuaranteeNotRunIsNamedWithItsReasonAndTheRunDoesNotPass() {
        String text = ConsoleReport.render(Summaries.withoutExactlyOnce(), FILES, false);

        assertThat(text).contains("NOT RUN: exactly-once: the cluster did not let a transactional producer start "
                + "within 15 s.", "INCOMPLETE: every guarantee run kept its promise, but exactly-once was not run",
                "No violations: every guarantee run kept its promise.")
                .doesNotContain("PASS:");
    }

    @Test
    void columnsAreAligned() {
        List<String> lines = ConsoleReport.render(Summaries.realistic(), FILES, false).lines().toList();
        List<String> table = lines.stream().filter(l -> l.startsWith("guarantee") || l.startsWith("at-")
                || l.startsWith("exactly-")).toList();

        assertThat(table).hasSize(4);
        String header = table.get(0);
        // numbers are right-aligned under their header, the verdict starts under "verdict"
        for (String column : List.of("sent", "acked", "delivered", "lost", "duplicated", "reordered")) {
            int end = header.indexOf(column) + column.length();
            for (String line : table.subList(1, 4)) {
                assertThat(line.charAt(end - 1)).as("last digit of %s in '%s'", column, line).isBetween('0', '9');
                assertThat(line.charAt(end)).as("after %s in '%s'", column, line).isEqualTo(' ');
            }
        }
        int verdict = header.indexOf("verdict");
        for (String line : table.subList(1, 4)) {
            assertThat(line.substring(verdict)).matches("PASS|FAIL");
        }
    }

    @Test
    void violationsFaultsAndFilesAreListed() {
        String text = ConsoleReport.render(Summaries.realistic(), FILES, false);

        assertThat(text).contains("exactly-once: " + Summaries.DUPLICATES,
                "exactly-once: 3 records were read out of order within a partition.");
        assertThat(text).containsPattern("kill -9 broker +at 24\\.0 s");
        assertThat(text).containsPattern("network partition: broker +8\\.0 s to 16\\.0 s \\(8\\.0 s\\)");
        assertThat(text).containsPattern("packet loss 5% +from 55\\.0 s, never healed");
        assertThat(text).contains("FAIL: 1 of 3 guarantees broke its promise");
        assertThat(text).contains("Report: " + FILES.html(), FILES.json().toString());
        assertThat(text).doesNotContain("\u001b[");
    }

    @Test
    void partialRunSaysSoAndDoesNotPass() {
        String text = ConsoleReport.render(Summaries.partial(), null, false);

        assertThat(text).contains("PARTIAL RUN: interrupted by the user after 21 s.");
        assertThat(text).contains("INCOMPLETE");
        assertThat(text).doesNotContain("Report:");
    }

    @Test
    void passingRunSaysSo() {
        CheckSummary ok = new CheckSummary("t", "2025-03-14T10:15:30Z", 60_000, true, null,
                List.of(Summaries.atMostOnce(), Summaries.atLeastOnce(), Summaries.exactlyOnce()), List.of(),
                Summaries.timeline(60));

        String text = ConsoleReport.render(ok, FILES, false);

        assertThat(text).contains("No violations", "Faults injected: none", "PASS: every guarantee kept its promise");
        assertThat(text).contains("longest without an acknowledgement: at-most-once 7.6 s (from 8.4 s), "
                + "at-least-once 7.6 s (from 8.5 s), exactly-once 7.4 s (from 8.9 s)\n");
    }

    @Test
    void shouldSayWhichFaultFailedAndWhyWhenAFaultFailed() {
        String text = ConsoleReport.render(Summaries.brokerRestartFailed(), FILES, false);

        assertThat(text).contains("PARTIAL RUN: the run stopped because broker kill -9 and restart failed");
        assertThat(text).contains("FAULT FAILED: broker kill -9 and restart 12.0 s to 12.0 s (40 ms): "
                + Summaries.RESTART_FAILED + "\n");
        assertThat(text).containsPattern("broker kill -9 and restart +12\\.0 s to 12\\.0 s \\(40 ms\\) +FAILED: "
                + Pattern.quote(Summaries.RESTART_FAILED));
        assertThat(text).containsPattern("network black hole 3 s +at 14\\.1 s +skipped: the run ended after");
        assertThat(text).contains("faults: 1 injected (0 leader or controller kills), 1 failed, 1 skipped\n");
        assertThat(text).contains("INCOMPLETE");
    }

    @Test
    void shouldNotMentionFailuresWhenEveryFaultRan() {
        String text = ConsoleReport.render(Summaries.realistic(), FILES, false);

        assertThat(text).doesNotContain("FAULT FAILED", "FAILED:", "skipped:");
        assertThat(text).contains("faults: " + Summaries.faults().size() + " injected (0 leader or controller kills), "
                + "0 failed, 0 skipped\n");
    }

    @Test
    void shouldCountTheFaultsWithThousandsSeparatedAtTheEnd() {
        FaultCounts counts = new FaultCounts(1_043, 312, 0, 2, Map.of("leader-crash", 156L));

        assertThat(ConsoleReport.countLine(counts))
                .isEqualTo("faults: 1,043 injected (312 leader or controller kills), 0 failed, 2 skipped");
    }

    @Test
    void coloursOnlyWhenAsked() {
        assertThat(ConsoleReport.render(Summaries.realistic(), FILES, true)).contains("\u001b[32mPASS\u001b[0m",
                "\u001b[31mFAIL\u001b[0m");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleReport.print(Summaries.realistic(), FILES, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\u001b[").contains("exactly-once");
    }

    private static List<String> row(List<String> lines, String first) {
        String line = lines.stream().filter(l -> l.startsWith(first + " ")).findFirst().orElseThrow();
        return Arrays.asList(line.trim().split(" +"));
    }
}
