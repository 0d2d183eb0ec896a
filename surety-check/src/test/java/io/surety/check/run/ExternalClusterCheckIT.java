package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check against a cluster it did not start, given by {@code --bootstrap-server}: a second,
 * independently started broker that advertises its own address, not the proxy's. The proxy must
 * still sit between the clients and the broker for the whole run (it rewrites the addresses the
 * broker hands out), and broker crashes are skipped without a restart command.
 */
class ExternalClusterCheckIT {

    @TempDir
    Path directory;

    @Test
    void shouldRunEveryGuaranteeThroughTheProxyAgainstAnExistingBroker() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().port(0).dataDir(directory.resolve("external-broker"))
                .config("metrics.port", "0").config("num.partitions", "3").start()) {
            CommandRun run = CommandRun.execute(directory, "--bootstrap-server", broker.bootstrapServers(),
                    "--duration", "24");

            assertThat(run.exitCode).as(run.console).isZero();
            CheckSummary summary = run.summary();
            assertThat(summary.target()).contains(broker.bootstrapServers());
            assertThat(summary.faults()).extracting(FaultWindow::name)
                    .contains("connection reset", "network black hole 3 s")
                    .doesNotContain("broker kill -9 and restart");
            assertThat(run.console).contains("fault not injected (no way to crash this cluster): broker kill -9 and restart");

            GuaranteeResult atLeastOnce = run.result("at-least-once");
            assertThat(atLeastOnce.acknowledged()).isGreaterThan(500);
            assertThat(atLeastOnce.lost()).isZero();
            assertThat(run.result("at-most-once").duplicated()).isZero();
            assertThat(run.result("exactly-once").lost()).isZero();
            assertThat(run.result("exactly-once").duplicated()).isZero();

            // Had the clients reached the broker directly, the black hole would not have stopped them:
            // acknowledgements of acks=all sends cannot cross a proxy that forwards nothing.
            FaultWindow blackHole = summary.faults().stream().filter(f -> f.name().startsWith("network black hole"))
                    .findFirst().orElseThrow();
            List<Long> acks = summary.timeline().acknowledgedPerBucket().get("at-least-once");
            long bucketMs = summary.timeline().bucketMs();
            long firstInside = blackHole.startMs() / bucketMs + 1;
            long lastInside = blackHole.endMs() / bucketMs - 1;
            assertThat(lastInside).isGreaterThanOrEqualTo(firstInside);
            for (long bucket = firstInside; bucket <= lastInside; bucket++) {
                assertThat(acks.get((int) bucket)).as("acks in second %d, inside the black hole", bucket).isZero();
            }
        }
    }
}
