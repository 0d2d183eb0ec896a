package io.surety.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked into a directory outside the checkout, started
 * with {@code bin/surety start} where neither Maven nor a Java compiler is on {@code PATH}, used
 * by the official clients, and stopped with SIGTERM.
 */
class ReleaseArchiveIT {

    /** Commands a build would need: none may be reachable while the archive runs. */
    private static final Set<String> BUILD_TOOLS = Set.of("mvn", "mvnDebug", "mvnyjp", "javac");
    private static final List<Path> SYSTEM_PATH = Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin").map(Path::of).toList();

    @TempDir
    Path dir;

    @Test
    void shouldStartFromTheUnpackedArchiveWithoutABuildAndServeTheClients() throws Exception {
        Path root = unpack(Path.of(System.getProperty("surety.release.archive")));
        assertThat(root.resolve("pom.xml")).doesNotExist();
        assertThat(root.resolve("bin/surety")).isExecutable();
        assertThat(root.resolve("config/server.properties")).isRegularFile();
        Path path = pathWithoutBuildTools();
        try {
            startProduceConsumeStop(root, path);
        } finally {
            deleteLinks(path);
        }
    }

    private void startProduceConsumeStop(Path root, Path path) throws Exception {
        assertThat(run(path, dir, "bash", "-c", "command -v mvn || command -v javac").exitValue())
                .as("no build tool on the PATH the archive runs with").isNotZero();

        assertThat(run(path, dir, root.resolve("bin/surety").toString(), "--version").output())
                .startsWith("Surety ").contains("(commit ");

        Path work = Files.createDirectories(dir.resolve("work"));
        Path log = work.resolve("broker.log");
        List<Integer> ports = FreePorts.find(2);
        Process broker = command(path, work, root.resolve("bin/surety").toString(), "start",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + ports.get(0),
                "--override", "metrics.port=" + ports.get(1))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("Surety broker started")
                    || !broker.isAlive());
            String started = Files.readString(log);
            assertThat(started).contains("Surety broker started").doesNotContain("Building Surety");
            assertThat(work.resolve("data/meta.properties")).isRegularFile();

            String bootstrap = "127.0.0.1:" + ports.get(0);
            List<String> sent = IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList();
            Clients.produce(bootstrap, "release", sent);
            assertThat(Clients.consume(bootstrap, "release", sent.size())).containsExactlyElementsOf(sent);
        } finally {
            broker.destroy();
            assertThat(broker.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
        }
        assertThat(Files.readString(log)).contains("Surety broker stopped");
        assertThat(work.resolve("data/.clean-shutdown")).exists();
    }

    private Path unpack(Path archive) throws Exception {
        assertThat(archive).as("mvn package builds the archive").isRegularFile();
        Path target = Files.createDirectories(dir.resolve("unpacked"));
        assertThat(run(null, target, "tar", "-xzf", archive.toString()).exitValue()).isZero();
        try (Stream<Path> entries = Files.list(target)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("surety-")).findFirst().orElseThrow();
        }
    }

    /**
     * A directory of links to every command on the usual system PATH except the build tools. Not
     * under the test's {@code @TempDir}, whose clean-up warns about every link leading out of it.
     */
    private static Path pathWithoutBuildTools() throws IOException {
        Path links = Files.createTempDirectory("surety-release-path");
        for (Path system : SYSTEM_PATH) {
            if (!Files.isDirectory(system)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(system)) {
                for (Path command : commands.toList()) {
                    Path link = links.resolve(command.getFileName().toString());
                    if (!BUILD_TOOLS.contains(command.getFileName().toString()) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return links;
    }

    private static void deleteLinks(Path links) throws IOException {
        try (Stream<Path> entries = Files.list(links)) {
            for (Path link : entries.toList()) {
                Files.delete(link);
            }
        }
        Files.delete(links);
    }

    private static ProcessBuilder command(Path path, Path workDir, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        if (path != null) {
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.equals("JAVA_HOME") || name.startsWith("MAVEN") || name.startsWith("M2"));
            env.put("PATH", path.toString());
        }
        return builder;
    }

    /** What a command that ran to its end printed, and its exit code. */
    private record Finished(int exitValue, String output) {
    }

    private static Finished run(Path path, Path workDir, String... command) throws Exception {
        Process process = command(path, workDir, command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Finished(process.exitValue(), output);
    }
}
