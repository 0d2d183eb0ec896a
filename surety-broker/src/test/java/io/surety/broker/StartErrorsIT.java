package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake an operator can make when starting the broker, as {@code bin/surety start} runs it:
 * one line that names the problem and what to do, exit code 2, and no stack trace.
 */
class StartErrorsIT {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseSeveralDataDirectories() throws Exception {
        String output = refusedStart("--override", "log.dirs=first,second");

        assertThat(output).contains("Invalid configuration: Invalid value first,second for configuration log.dirs: "
                + "several data directories are not supported yet; give one directory");
        assertThat(dir.resolve("first")).doesNotExist();
    }

    @Test
    void shouldNameWhatIsWrongWithAnAddScramArgumentBeforeTouchingTheDataDirectory() throws Exception {
        String output = refusedStart("--add-scram", "SCRAM-SHA-256=[name=admin,password=secret,iterations=1000]");

        assertThat(output).isEqualTo("--add-scram: user admin for SCRAM-SHA-256: Too few iterations (iterations 4096 to 16384)");
        assertThat(output).doesNotContain("secret");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldSayTheConfigurationFileIsNotFound() throws Exception {
        String output = refusedStart("missing.properties");

        assertThat(output).contains("Configuration file missing.properties not found");
    }

    @Test
    void shouldNameTheAddressInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();

            String output = refusedStart("--override", "listeners=PLAINTEXT://" + address);

            assertThat(output).contains("Surety could not start: Could not listen on " + address
                    + " (listener PLAINTEXT): the address is already in use");
        }
    }

    @Test
    void shouldSayTheDataDirectoryIsAFile() throws Exception {
        Files.writeString(dir.resolve("data"), "not a directory");

        String output = refusedStart();

        assertThat(output).contains("Surety could not start: The data directory " + dir.resolve("data").toRealPath()
                + " is a file, not a directory");
        assertThat(dir.resolve("data")).hasContent("not a directory");
    }

    @Test
    void shouldSayWhyTheDataDirectoryCannotBeCreatedWhereItIsNotWritable() throws Exception {
        Files.writeString(dir.resolve("plain-file"), "x");

        String underAFile = refusedStart("--override", "log.dirs=plain-file/data");

        assertThat(underAFile).contains("Could not create the data directory " + dir.toRealPath().resolve("plain-file/data")
 + ": not a directory; create it, or set log.dirs to a directory this user can write");
        // sysfs refuses new directories even to root, which file permissions cannot.
        if (Files.isDirectory(Path.of("/sys/kernel"))) {
            String readOnly = refusedStart("--override", "log.dirs=/sys/surety-data");

            assertThat(readOnly).contains("Could not create the data directory /sys/surety-data: operation not permitted"
                    + "; create it, or set log.dirs to a directory this user can write");
        }
    }

    @Test
    void shouldNameTheGarbledMetaPropertiesAndLeaveIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        byte[] garbage = {'c', 'l', 'u', 's', (byte) 0xff, (byte) 0xfe, 0, 17, '=', '\n'};
        Files.write(data.resolve("meta.properties"), garbage);

        String output = refusedStart();

        assertThat(output).contains(data.toRealPath().resolve("meta.properties")
                + " is damaged: it is not text (it holds bytes that are not UTF-8)");
        assertThat(Files.readAllBytes(data.resolve("meta.properties"))).isEqualTo(garbage);
        assertThat(data.resolve(".lock")).doesNotExist();
    }

    @Test
    void shouldSuggestTheSettingMeantWhenAKeyIsUnknown() throws Exception {
        String output = refusedStart("--override", "log.retention.hourz=3");

        assertThat(output).contains(
                "Invalid configuration: unknown setting 'log.retention.hourz'; did you mean 'log.retention.hours'?");
    }

    @Test
    void shouldPrintTheVersion() throws Exception {
        try (JvmProcess process = broker("--version").build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());

            assertThat(process.exitCode()).hasValue(0);
            assertThat(outputOf(process)).containsExactly("Surety " + SuretyVersion.describe());
        }
        assertThat(SuretyVersion.current()).as("the version Maven wrote").matches("\\d+\\.\\d+\\.\\d+.*");
    }

    /** Starts the broker, expects it to give up with exit code 2, and returns its one line. */
    private String refusedStart(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--override", "metrics.port=0"));
        if (all.stream().noneMatch(arg -> arg.startsWith("listeners="))) {
            all.addAll(List.of("--override", "listeners=PLAINTEXT://127.0.0.1:" + FreePorts.find(1).get(0)));
        }
        try (JvmProcess process = broker(all.toArray(String[]::new)).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
            List<String> lines = outputOf(process);
            assertThat(process.exitCode()).as("exit code; output: %s", lines).hasValue(2);
            assertThat(lines).as("no stack trace").noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
            List<String> problems = lines.stream().filter(line -> !line.contains(" INFO ")).toList();
            assertThat(problems).as("the one line naming the problem").hasSize(1);
            return problems.get(0);
        }
    }

    private JvmProcess.Builder broker(String... args) {
        return JvmProcess.builder().mainClass(Main.class.getName()).classpath(System.getProperty("java.class.path"))
                .workingDirectory(dir).args(args).logFile(dir.resolve("logs").resolve("broker-" + System.nanoTime() + ".log"));
    }

    /** What the process printed, without the harness's own start marker. */
    private static List<String> outputOf(JvmProcess process) throws IOException {
        return Files.readAllLines(process.logFile(), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.startsWith("=== start ") && !line.isBlank()).toList();
    }
}
