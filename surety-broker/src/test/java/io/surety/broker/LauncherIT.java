package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line entry point as a user runs it: properties file, overrides, refusal, clean stop. */
class LauncherIT {

    @TempDir
    Path dir;

    private JvmProcess.Builder broker(String... args) {
        return JvmProcess.builder().mainClass(Main.class.getName()).classpath(System.getProperty("java.class.path"))
                .workingDirectory(dir).args(args).logFile(dir.resolve("broker-" + System.nanoTime() + ".log"));
    }

    @Test
    void shouldServeWithFileSettingsAndOverridesThenStopCleanlyWhenTerminated() throws Exception {
        List<Integer> ports = FreePorts.find(2);
        int port = ports.get(0);
        int metricsPort = ports.get(1);
        Path props = dir.resolve("server.properties");
        Files.writeString(props, "listeners=PLAINTEXT://127.0.0.1:1\nlog.dirs=./from-file\nflush.policy=interval\n");
        try (JvmProcess process = broker(props.toString(), "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "metrics.port=" + metricsPort).build().start()) {
            process.awaitLogLine(Pattern.compile("listening on   127\\.0\\.0\\.1:" + port), Duration.ofSeconds(60));
            process.awaitLogLine(Pattern.compile("durability     flush\\.policy=interval"), Duration.ofSeconds(5));
            process.awaitLogLine(Pattern.compile("metrics        http://127\\.0\\.0\\.1:" + metricsPort + "/metrics"),
                    Duration.ofSeconds(5));
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(dir.resolve("from-file").resolve("meta.properties")).exists();
            int exit = process.terminate(Duration.ofSeconds(30));
            assertThat(exit).isIn(0, 143);
            assertThat(dir.resolve("from-file").resolve(".clean-shutdown")).exists();
        }
    }

    @Test
    void shouldRefuseToStartNamingTheSettingWhenAnOverrideIsUnknown() throws Exception {
        try (JvmProcess process = broker("--override", "log.retention.hourz=3").build().start()) {
            process.awaitLogLine(Pattern.compile("Invalid configuration: .*log\\.retention\\.hourz"), Duration.ofSeconds(60));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
            assertThat(process.exitCode()).hasValue(2);
        }
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
