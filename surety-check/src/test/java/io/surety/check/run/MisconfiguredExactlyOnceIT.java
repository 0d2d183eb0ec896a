package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.GuaranteeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check must be able to fail: exactly-once with a copier that reads uncommitted data copies the
 * records of aborted transactions into its output, and the check says so with exit code 1.
 */
class MisconfiguredExactlyOnceIT {

    @TempDir
    Path directory;

    @Test
    void shouldCatchACopierThatReadsAbortedTransactions() throws Exception {
        Path consumer = Files.writeString(directory.resolve("consumer.properties"), "isolation.level=read_uncommitted\n");

        CommandRun run = CommandRun.execute(directory, "--guarantee", "exactly-once", "--no-faults",
                "--duration", "10", "--consumer-config", consumer.toString());

        assertThat(run.exitCode).as(run.console).isEqualTo(1);
        GuaranteeResult exactlyOnce = run.result("exactly-once");
        assertThat(exactlyOnce.abortedReads()).isPositive();
        assertThat(exactlyOnce.delivered()).isGreaterThan(exactlyOnce.acknowledged());
        assertThat(exactlyOnce.verdict().passed()).isFalse();
        assertThat(run.console).contains("records of aborted transactions were read")
                .contains("isolation.level = read_uncommitted");
    }
}
