package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shouldSeeReadyLineAndBeDeadAfterKill9WhenChildRuns() throws Exception {
        try (JvmProcess child = serving().build().start()) {
            String line = child.awaitLogLine(Pattern.compile("^ready$"), START_TIMEOUT);
            long pid = child.pid();

            int exitCode = child.kill9();

            assertThat(line).isEqualTo("ready");
            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(exitCode).isEqualTo(137);
            assertThat(child.exitCode()).hasValue(137);
        }
    }

    @Test
    void shouldStopAndContinueTheChildWhenPausedAndResumed() throws Exception {
        try (JvmProcess child = serving().build().start()) {
            child.awaitLogLine(Pattern.compile("^ready$"), START_TIMEOUT);

            child.pause();
            await().atMost(START_TIMEOUT).until(() -> state(child.pid()) == 'T');
            child.resume();

            await().atMost(START_TIMEOUT).until(() -> state(child.pid()) != 'T');
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void shouldPrintEveryThreadIntoTheLogWhenAskedForAThreadDump() throws Exception {
        try (JvmProcess child = serving().build().start()) {
            child.awaitLogLine(Pattern.compile("^ready$"), START_TIMEOUT);

            child.dumpThreads();

            assertThat(Files.readString(child.logFile())).contains("Full thread dump").contains("\"main\"");
            assertThat(child.isAlive()).isTrue();
        }
    }

    /** The scheduler state of {@code pid} from /proc: R, S, T (stopped), ... */
    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void shouldPassEnvironmentJvmArgsAndWorkingDirectoryWhenConfigured() throws Exception {
        Path workDir = Files.createDirectories(dir.resolve("work"));
        try (JvmProcess child = serving()
                .env("SURETY_GREETING", "hello")
                .jvmArgs("-Dsurety.prop=42")
                .workingDirectory(workDir)
                .build().start()) {

            String line = child.awaitLogLine(Pattern.compile("greeting="), START_TIMEOUT);

            assertThat(line).isEqualTo("greeting=hello prop=42 cwd=" + workDir.toRealPath());
        }
    }

    @Test
    void shouldFailWithLogTailWhenChildExitsBeforeLineAppears() {
        try (JvmProcess child = builder().args("exit", "3").build().start()) {
            assertThatThrownBy(() -> child.awaitLogLine(Pattern.compile("ready"), START_TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("boom");
            assertThat(child.exitCode()).hasValue(3);
        }
    }

    @Test
    void shouldFailWithLogTailWhenLineDoesNotAppearInTime() {
        try (JvmProcess child = serving().build().start()) {
            child.awaitLogLine(Pattern.compile("ready"), START_TIMEOUT);

            assertThatThrownBy(() -> child.awaitLogLine(Pattern.compile("never printed"), Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("within PT0.2S")
                .hasMessageContaining("ready");
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void shouldExitOnSigtermWhenTerminated() {
        try (JvmProcess child = serving().build().start()) {
            child.awaitLogLine(Pattern.compile("ready"), START_TIMEOUT);

            assertThat(child.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void shouldReadOnlyNewRunWhenRestartedOnSameLog() throws Exception {
        try (JvmProcess child = builder().args("exit", "5").build()) {
            child.start();
            assertThatThrownBy(() -> child.awaitLogLine(Pattern.compile("ready"), START_TIMEOUT))
                .hasMessageContaining("boom");

            child.start();
            assertThatThrownBy(() -> child.awaitLogLine(Pattern.compile("ready"), START_TIMEOUT))
                .hasMessageContaining("exited with code 5");

            List<String> log = Files.readAllLines(child.logFile());
            assertThat(log).filteredOn(line -> line.startsWith("=== start")).hasSize(2);
            assertThat(log).filteredOn("boom"::equals).hasSize(2);
        }
    }

    @Test
    void shouldPointAtCurrentJavaWhenAskedForJavaExecutable() {
        assertThat(JvmProcess.javaExecutable()).isExecutable();
    }

    private JvmProcess.Builder serving() {
        return builder().args("serve");
    }

    private JvmProcess.Builder builder() {
        return JvmProcess.builder()
            .mainClass(ChildMain.class.getName())
            .classpath(List.of(testClasses()))
            .jvmArgs("-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
            .logFile(dir.resolve("logs").resolve("child.log"));
    }

    private static Path testClasses() {
        try {
            return Path.of(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
