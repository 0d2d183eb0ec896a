package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.harness.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check against a cluster it did not start, given by {@code --bootstrap-server}: a second
 * broker started independently, as its own process, by a shell script, advertising its own
 * address rather than the proxy's. The proxy must still sit between the clients and the broker for
 * the whole run (it rewrites the addresses the broker hands out), and the broker crashes go through
 * {@code --broker-restart-command}, the script's {@code restart} ({@code kill -9}, start again on
 * the same data, wait until it listens).
 */
class ExternalClusterCheckIT {

    @TempDir
    Path directory;

    private Path script;

    @AfterEach
    void stopBroker() throws Exception {
        if (script != null) {
            new ProcessBuilder("bash", script.toString(), "stop").inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRunEveryGuaranteeThroughTheProxyAgainstABrokerItDidNotStart() throws Exception {
        int port = FreePorts.find();
        script = brokerScript(port);
        Process start = new ProcessBuilder("bash", script.toString(), "start").inheritIO().start();
        assertThat(start.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as("the broker script started the broker").isZero();
        String bootstrap = "127.0.0.1:" + port;

        CommandRun run = CommandRun.execute(directory, "--bootstrap-server", bootstrap, "--duration", "24",
                "--broker-restart-command", "bash " + script + " restart");

        assertThat(run.exitCode).as(run.console).isZero();
        CheckSummary summary = run.summary();
        assertThat(summary.target()).contains(bootstrap);
        assertThat(summary.faults()).filteredOn(f -> f.status() == FaultStatus.RAN).extracting(FaultWindow::name)
                .contains("connection reset", "network black hole 3 s")
                .filteredOn(name -> name.equals("broker kill -9 and restart")).hasSize(2);
        assertThat(Files.readString(directory.resolve("broker-restarts"))).hasLineCount(2);

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

    /** A start / restart / stop script for a broker on {@code port}, as an operator would write one. */
    private Path brokerScript(int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String text = String.join("\n",
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                "dir='" + directory + "'",
                "launch() {",
                "  nohup '" + java + "' -Xmx512m -cp '" + System.getProperty("java.class.path") + "' io.surety.broker.Main \\",
                "    --override listeners=PLAINTEXT://127.0.0.1:" + port + " --override log.dirs=\"$dir/external-broker\" \\",
                "    --override metrics.port=0 --override num.partitions=3 >>\"$dir/external-broker.log\" 2>&1 &",
                "  echo $! >\"$dir/broker.pid\"",
                "  for _ in $(seq 1 600); do",
                "    if (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null; then return 0; fi",
                "    sleep 0.1",
                "  done",
                "  echo 'broker did not listen within 60 s' >&2; return 1",
                "}",
                "case \"$1\" in",
                "  start) launch ;;",
                "  restart)",
                "    pid=\"$(cat \"$dir/broker.pid\")\"; kill -9 \"$pid\"",
                "    for _ in $(seq 1 100); do kill -0 \"$pid\" 2>/dev/null || break; sleep 0.1; done",
                "    echo restarted >>\"$dir/broker-restarts\"; launch ;;",
                "  stop)",
                "    pid=\"$(cat \"$dir/broker.pid\")\"; kill \"$pid\" 2>/dev/null || true",
                "    for _ in $(seq 1 300); do kill -0 \"$pid\" 2>/dev/null || break; sleep 0.1; done ;;",
                "esac",
                "");
        Path file = directory.resolve("broker.sh");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
