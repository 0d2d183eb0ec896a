package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/surety random-uuid} and {@code format}, and a cluster node's start on an unformatted
 * data directory, as the launcher runs them: what they print, what they write, and one line with
 * exit code 2 for every mistake.
 */
class FormatIT {

    @TempDir
    Path dir;

    /** Node 1 of a three-node cluster, on free ports; data under ./data. */
    private List<String> clusterNode() {
        List<Integer> ports = FreePorts.find(3);
        return List.of("--override", "process.roles=broker,controller", "--override", "node.id=1",
                "--override", "controller.quorum.voters=1@127.0.0.1:" + ports.get(1) + ",2@127.0.0.1:" + ports.get(2)
                        + ",3@127.0.0.1:9999",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + ports.get(0) + ",CONTROLLER://127.0.0.1:" + ports.get(1),
                "--override", "controller.listener.names=CONTROLLER", "--override", "metrics.port=0");
    }

    private static List<String> with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void shouldPrintANewBase64UuidEachTime() throws Exception {
        String first = onlyLine(run(0, "random-uuid"));
        String second = onlyLine(run(0, "random-uuid"));

        assertThat(Uuid.fromString(first).toString()).isEqualTo(first);
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void shouldFormatOnceThenRefuseOrLeaveTheDirectoryWhenAskedToIgnoreIt() throws Exception {
        String clusterId = Uuid.randomUuid().toString();
        Path data = dir.resolve("data");

        String formatted = onlyLine(run(0, with(List.of("format", "--cluster-id", clusterId), clusterNode()
                .toArray(String[]::new)).toArray(String[]::new)));

        Properties meta = new Properties();
        try (Reader reader = Files.newBufferedReader(data.resolve("meta.properties"))) {
            meta.load(reader);
        }
        assertThat(meta.getProperty("cluster.id")).isEqualTo(clusterId);
        assertThat(meta.getProperty("node.id")).isEqualTo("1");
        assertThat(formatted).isEqualTo("Formatted " + data.toRealPath() + ": cluster.id=" + clusterId + ", node.id=1, "
                + "directory.id=" + meta.getProperty("directory.id"));
        String before = Files.readString(data.resolve("meta.properties"));

        String again = refused(with(List.of("format", "-t", clusterId), clusterNode().toArray(String[]::new)));
        assertThat(again).isEqualTo("The data directory " + data.toRealPath() + " is already formatted; use "
                + "--ignore-formatted to leave it as it is");
        String ignored = onlyLine(run(0, with(List.of("format", "-t", clusterId, "--ignore-formatted"),
                clusterNode().toArray(String[]::new)).toArray(String[]::new)));
        assertThat(ignored).startsWith("Left " + data.toRealPath() + " as it was");
        String otherCluster = refused(with(List.of("format", "-t", Uuid.randomUuid().toString(), "--ignore-formatted"),
                clusterNode().toArray(String[]::new)));
        assertThat(otherCluster).contains("is formatted for cluster " + clusterId);

        assertThat(Files.readString(data.resolve("meta.properties"))).isEqualTo(before);
    }

    @Test
    void shouldRefuseABadClusterIdAndAMissingOneInOneLine() throws Exception {
        String bad = refused(List.of("format", "--cluster-id", "my-cluster"));
        assertThat(bad).isEqualTo("Invalid --cluster-id 'my-cluster': not a base64 UUID (22 characters); give the id "
                + "bin/surety random-uuid printed, the same on every node of the cluster");

        String missing = refused(List.of("format"));
        assertThat(missing).contains("--cluster-id").contains("format --help lists the options");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldRefuseToStartAClusterNodeOnAnUnformattedDirectoryWritingNothing() throws Exception {
        String output = refused(clusterNode());

        assertThat(output).isEqualTo("Surety could not start: The data directory " + dir.toRealPath().resolve("data")
                + " is not formatted, and a cluster node never formats itself: run bin/surety format --cluster-id <id> "
                + "with this configuration first (the same id on every node; bin/surety random-uuid makes one)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldRefuseAClusterConfigurationKafkaWouldRefuseInOneLine() throws Exception {
        // As Kafka: a broker-only node must not be one of the voters.
        String output = refused(with(clusterNode(), "--override", "process.roles=broker"));

        assertThat(output).startsWith("Invalid configuration: process.roles=broker but controller.quorum.voters=1@")
                .endsWith(" names this node (node.id=1); a voter runs the controller: set process.roles=broker,controller, "
                        + "or remove node 1 from the voters");
    }

    /** Runs the broker's main class with {@code args}, expects exit code {@code exit}, returns its lines. */
    private List<String> run(int exit, String... args) throws IOException {
        try (JvmProcess process = JvmProcess.builder().mainClass(Main.class.getName())
                .classpath(System.getProperty("java.class.path")).workingDirectory(dir).args(args)
                .logFile(dir.resolve("logs").resolve("surety-" + System.nanoTime() + ".log")).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
            List<String> lines = Files.readAllLines(process.logFile(), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith("=== start ") && !line.isBlank() && !line.contains(" INFO ")).toList();
            assertThat(process.exitCode()).as("exit code; output: %s", lines).hasValue(exit);
            assertThat(lines).as("no stack trace").noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
            return lines;
        }
    }

    private String refused(List<String> args) throws IOException {
        return onlyLine(run(2, args.toArray(String[]::new)));
    }

    private static String onlyLine(List<String> lines) {
        assertThat(lines).as("one line").hasSize(1);
        return lines.get(0);
    }
}
