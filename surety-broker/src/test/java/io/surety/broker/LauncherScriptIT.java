package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FreePorts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/surety start} as a user runs it, in a fresh working directory: the JVM options it gives
 * the broker and its class-data archive. The broker runs as built ({@code SURETY_NO_BUILD=1}: this
 * test runs after {@code package}). Each test gives the JVM an option of its own, so it has a
 * class-data archive of its own, removed afterwards.
 */
class LauncherScriptIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path ARCHIVES = ROOT.resolve("surety-broker/target/cds");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final String ownOption = "-Dsurety.launcher.test=" + UUID.randomUUID();
    private Set<Path> archivesBefore;

    @BeforeEach
    void listArchives() throws IOException {
        archivesBefore = archives();
    }

    @AfterEach
    void removeTheArchivesOfThisTest() throws IOException {
        for (Path archive : archives()) {
            if (!archivesBefore.contains(archive)) {
                Files.deleteIfExists(archive);
            }
        }
    }

    @Test
    void shouldGiveTheBrokerTheOptionsOfJvmOptionsThenSuretyJavaOpts() throws Exception {
        List<String> fileOptions = jvmOptions();
        assertThat(fileOptions).as("config/jvm.options").anyMatch(option -> option.startsWith("-Xmx"));

        Process broker = start(ownOption + " -Xmx200m", "first");
        List<String> command = commandLine(broker);
        stop(broker, "first");

        int at = -1;
        for (String option : fileOptions) {
            int index = command.subList(at + 1, command.size()).indexOf(option);
            assertThat(index).as(option + " in " + command).isNotNegative();
            at += index + 1;
        }
        assertThat(command.lastIndexOf("-Xmx200m")).as("SURETY_JAVA_OPTS after config/jvm.options").isGreaterThan(at);
        assertThat(command).contains("-Xshare:auto");
    }

    @Test
    void shouldRecordAClassDataArchiveAtTheFirstStopAndMapItFromTheNextStart() throws Exception {
        Process first = start(ownOption, "first");
        Path recorded = Path.of(optionValue(commandLine(first), "-XX:ArchiveClassesAtExit="));
        stop(first, "first");
        assertThat(recorded).exists();

        Process second = start(ownOption, "second");
        Path archive = Path.of(optionValue(commandLine(second), "-XX:SharedArchiveFile="));
        assertThat(Files.readString(Path.of("/proc", Long.toString(second.pid()), "maps")))
                .as("the archive is mapped into the broker").contains(archive.toString());
        stop(second, "second");
        assertThat(archive.getFileName().toString()).isEqualTo(
                recorded.getFileName().toString().replaceFirst("\\.recorded-by-\\d+$", "-" + Files.size(archive) + ".jsa"));
    }

    /** A torn archive makes the JVM crash (SIGBUS) when it maps it: the launcher never hands it one. */
    @Test
    void shouldStartWhenAnArchiveIsTornOrGarbled() throws Exception {
        Process first = start(ownOption, "first");
        stop(first, "first");
        Process second = start(ownOption, "second");
        Path archive = Path.of(optionValue(commandLine(second), "-XX:SharedArchiveFile="));
        stop(second, "second");

        cutInHalf(archive);
        Process third = start(ownOption, "torn-archive");
        Path recorded = Path.of(optionValue(commandLine(third), "-XX:ArchiveClassesAtExit="));
        stop(third, "torn-archive");
        assertThat(archive).doesNotExist();

        cutInHalf(recorded);
        Process fourth = start(ownOption, "torn-recording");
        assertThat(commandLine(fourth)).noneMatch(option -> option.startsWith("-XX:SharedArchiveFile="));
        stop(fourth, "torn-recording");
        assertThat(recorded).doesNotExist();

        Process fifth = start(ownOption, "recorded-again");
        Path again = Path.of(optionValue(commandLine(fifth), "-XX:SharedArchiveFile="));
        stop(fifth, "recorded-again");
        Files.write(again, new byte[(int) Files.size(again)]);
        Process sixth = start(ownOption, "zeroed-archive");
        stop(sixth, "zeroed-archive");
    }

    /**
     * {@code mvn -Prelease} writes sources and javadoc jars beside the broker's, newer than it; the
     * launcher once took the newest {@code surety-broker-*.jar} and started the JVM on a javadoc jar.
     */
    @Test
    void shouldRunTheBrokerJarNotANewerSourcesOrJavadocJar() throws Exception {
        List<Path> decoys = List.of(ROOT.resolve("surety-broker/target/surety-broker-launcher-test-sources.jar"),
                ROOT.resolve("surety-broker/target/surety-broker-launcher-test-javadoc.jar"));
        try {
            for (Path decoy : decoys) {
                Files.write(decoy, new byte[] {'P', 'K', 5, 6});
            }
            Process broker = start(ownOption, "beside-release-jars");
            assertThat(String.join(" ", commandLine(broker))).doesNotContain("-sources.jar").doesNotContain("-javadoc.jar");
            stop(broker, "beside-release-jars");
        } finally {
            for (Path decoy : decoys) {
                Files.deleteIfExists(decoy);
            }
        }
    }

    /** Starts {@code bin/surety start} in {@code dir} and waits for its banner. */
    private Process start(String javaOpts, String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/surety").toString(), "start",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + FreePorts.find(), "--override", "metrics.port=0")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SURETY_NO_BUILD", "1");
        builder.environment().put("SURETY_JAVA_OPTS", javaOpts);
        Process process = builder.start();
        await().atMost(START_TIMEOUT).until(() -> !process.isAlive() || Files.readString(log).contains("listening on"));
        assertThat(process.isAlive()).as("%s start: %s", name, Files.readString(log)).isTrue();
        return process;
    }

    /** SIGTERM, as Ctrl-C or an orchestrator stops it, and a clean stop. */
    private void stop(Process process, String name) throws Exception {
        process.destroy();
        if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String log = Files.readString(dir.resolve(name + ".log"));
        assertThat(log).as("%s stop", name).contains("Surety broker stopped");
        assertThat(log).as("%s: the JVM says nothing of class data", name).doesNotContain("[cds").doesNotContain("CDS");
    }

    private static List<String> commandLine(Process process) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    private static String optionValue(List<String> command, String prefix) {
        return command.stream().filter(option -> option.startsWith(prefix)).findFirst()
                .map(option -> option.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + command));
    }

    private static void cutInHalf(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
    }

    /** config/jvm.options by the launcher's rules: one option a line, # comments and blank lines skipped. */
    private static List<String> jvmOptions() throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("config/jvm.options"))) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                options.add(line.strip());
            }
        }
        return options;
    }

    private static Set<Path> archives() throws IOException {
        if (!Files.isDirectory(ARCHIVES)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(ARCHIVES)) {
            return new HashSet<>(files.toList());
        }
    }
}
