package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.GuaranteeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check as a user runs it with no options: its own Surety broker, all three guarantees, the
 * default fault schedule. Surety must keep every promise; a violation here is a broker bug.
 */
class DefaultCheckIT {

    @TempDir
    Path directory;

    @Test
    void shouldShowEachGuaranteeKeepingItsPromiseUnderTheDefaultFaults() throws Exception {
        CommandRun run = CommandRun.execute(directory);

        assertThat(run.exitCode).as(run.console).isZero();
        CheckSummary summary = run.summary();
        assertThat(summary.complete()).isTrue();
        assertThat(summary.results()).extracting(GuaranteeResult::guarantee)
                .containsExactly("at-most-once", "at-least-once", "exactly-once");
        assertThat(summary.faults()).filteredOn(f -> f.status() == FaultStatus.RAN).extracting(f -> f.name())
                .contains("broker kill -9 and restart", "connection reset", "network black hole 3 s",
                        "at-least-once producer kill -9", "at-most-once consumer crash after-commit-before-process");

        GuaranteeResult atMostOnce = run.result("at-most-once");
        assertThat(atMostOnce.acknowledged()).isGreaterThan(1000);
        assertThat(atMostOnce.duplicated()).isZero();
        assertThat(atMostOnce.logDuplicates()).isZero();
        assertThat(atMostOnce.lost()).as("the crash after commit before processing loses its batch").isPositive();

        GuaranteeResult atLeastOnce = run.result("at-least-once");
        assertThat(atLeastOnce.acknowledged()).isGreaterThan(1000);
        assertThat(atLeastOnce.lost()).isZero();
        assertThat(atLeastOnce.offsetsSkipped()).isZero();

        GuaranteeResult exactlyOnce = run.result("exactly-once");
        assertThat(exactlyOnce.acknowledged()).isGreaterThan(500);
        assertThat(exactlyOnce.failed()).as("transactions aborted on purpose").isPositive();
        assertThat(exactlyOnce.lost()).isZero();
        assertThat(exactlyOnce.duplicated()).isZero();
        assertThat(exactlyOnce.logDuplicates()).isZero();
        assertThat(exactlyOnce.abortedReads()).isZero();

        assertThat(summary.results()).allSatisfy(result -> assertThat(result.phantoms()).isZero());
        assertThat(run.console).contains("guarantee", "at-most-once", "at-least-once", "exactly-once", "PASS");
        assertThat(Files.size(run.reportDirectory.resolve("index.html"))).isGreaterThan(100_000);
    }
}
