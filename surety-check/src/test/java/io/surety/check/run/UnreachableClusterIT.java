package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.CheckSummary;
import io.surety.harness.FreePorts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster that does not answer ends the check with a clear message and a partial report, not a stack trace. */
class UnreachableClusterIT {

    @TempDir
    Path directory;

    @Test
    void shouldSayTheClusterCannotBeReachedAndStillWriteAReport() throws Exception {
        String nobody = "127.0.0.1:" + FreePorts.find();

        CommandRun run = CommandRun.execute(directory, "--bootstrap-server", nobody, "--duration", "10");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.console).contains("cannot reach the cluster at " + nobody).doesNotContain("\tat ");
        CheckSummary summary = run.summary();
        assertThat(summary.complete()).isFalse();
        assertThat(summary.note()).contains("cannot reach the cluster");
        assertThat(run.reportDirectory.resolve("index.html")).exists();
    }
}
