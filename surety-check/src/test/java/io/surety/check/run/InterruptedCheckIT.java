package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.check.report.ProgressLine;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.GuaranteeResult;
import io.surety.semantics.Guarantee;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped early (what Ctrl-C does) still ends with a summary of what it measured, marked partial. */
class InterruptedCheckIT {

    @TempDir
    Path directory;

    @Test
    void shouldReportWhatWasMeasuredWhenStoppedEarly() throws Exception {
        CheckRun run = newRun();
        CompletableFuture<CheckSummary> running = startAndAwaitFirstAck(run);
        run.interrupt();
        CheckSummary summary = running.get(120, TimeUnit.SECONDS);

        assertThat(summary.complete()).isFalse();
        assertThat(summary.note()).contains("interrupted");
        assertThat(summary.passed()).isFalse();
        assertThat(summary.durationMs()).isLessThan(Duration.ofMinutes(5).toMillis());
        GuaranteeResult atLeastOnce = summary.results().get(0);
        assertThat(atLeastOnce.guarantee()).isEqualTo("at-least-once");
        assertThat(atLeastOnce.acknowledged()).isPositive();
        assertThat(atLeastOnce.lost()).as("what was acknowledged was read back before the report").isZero();
    }

    @Test
    void shouldReportWhatTheClientsRecordedWhenAbortedLikeCtrlC() throws Exception {
        CheckRun run = newRun();
        CompletableFuture<CheckSummary> running = startAndAwaitFirstAck(run);
        run.abort();
        CheckSummary summary = running.get(60, TimeUnit.SECONDS);

        assertThat(summary.complete()).isFalse();
        assertThat(summary.note()).contains("before the logs were read back");
        GuaranteeResult atLeastOnce = summary.results().get(0);
        assertThat(atLeastOnce.acknowledged()).isPositive();
        assertThat(atLeastOnce.verdict().passed()).as("records in flight are not judged lost").isTrue();
        assertThat(summary.passed()).isFalse();
    }

    /** A five-minute at-least-once run without faults: long enough that only stopping it ends it. */
    private CheckRun newRun() {
        CheckOptions options = new CheckOptions(List.of(Guarantee.AT_LEAST_ONCE), Duration.ofMinutes(5), 200, 100, 3,
                null, null, Set.of(), Map.of(), Map.of(), directory.resolve("report"), directory.resolve("work"));
        return new CheckRun(options, new ProgressLine(new PrintStream(OutputStream.nullOutputStream()), false, 1000));
    }

    /** Starts {@code run} and returns once its producer has had a record acknowledged. */
    private CompletableFuture<CheckSummary> startAndAwaitFirstAck(CheckRun run) {
        CompletableFuture<CheckSummary> running = CompletableFuture.supplyAsync(run::run);
        Path producerHistory = directory.resolve("work/history/at-least-once-p1.jsonl");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(producerHistory)
                && Files.readString(producerHistory).contains("\"type\":\"ACK\""));
        return running;
    }
}
