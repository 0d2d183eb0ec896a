package io.surety.bench;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A broker the benchmark runs as its own process on 127.0.0.1 with a fresh data directory:
 * Apache Kafka (a single KRaft node, from its Maven artifacts) or Surety with a flush policy.
 * Not thread-safe; one benchmark thread drives it.
 */
final class BenchBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final JvmProcess process;
    private final int port;
    private long startedAtNanos;

    private BenchBroker(String name, JvmProcess process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * The JVM options Kafka's start scripts give a broker: kafka-server-start.sh's heap and
     * kafka-run-class.sh's performance options, as a user running {@code bin/kafka-server-start.sh} gets.
     */
    static final List<String> KAFKA_START_SCRIPT_JVM_OPTIONS = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true");

    /** Apache Kafka 4.x in KRaft combined mode with its default flush behaviour (page cache). */
    static BenchBroker apacheKafka(String classpath, Path workDir) throws IOException {
        List<Integer> ports = FreePorts.find(2);
        int port = ports.get(0);
        Path dataDir = Files.createDirectories(workDir.resolve("kafka-data"));
        Path config = workDir.resolve("kafka-server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + ports.get(1),
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + ports.get(1),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir,
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        ToolRun format = ToolRun.run(classpath, "kafka.tools.StorageTool", Duration.ofMinutes(2),
                "format", "-t", "c3VyZXR5LWJlbmNoLWth", "-c", config.toString());
        if (format.exitCode() != 0) {
            throw new IOException("Formatting Kafka's storage failed: " + format.output());
        }
        JvmProcess process = JvmProcess.builder().mainClass("kafka.Kafka").classpath(classpath)
                .jvmArgs(KAFKA_START_SCRIPT_JVM_OPTIONS.toArray(String[]::new))
                .args(config.toString()).logFile(workDir.resolve("kafka.log")).build();
        return new BenchBroker("Kafka", process, port);
    }

    /**
     * Surety with the given flush policy ("interval" or "fsync"), the JVM options its launcher uses,
     * and the same group settings the Kafka broker gets (no initial rebalance delay), so the
     * consumer workloads compare like with like.
     */
    static BenchBroker surety(String classpath, Path workDir, String flushPolicy, List<String> jvmOptions)
            throws IOException {
        return surety(classpath, workDir, flushPolicy, jvmOptions, "Surety " + flushPolicy);
    }

    /** The same, named {@code name} (an earlier build beside the current one keeps its own data and log). */
    static BenchBroker surety(String classpath, Path workDir, String flushPolicy, List<String> jvmOptions, String name)
            throws IOException {
        String files = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        int port = FreePorts.find();
        Path dataDir = Files.createDirectories(workDir.resolve(files + "-data"));
        JvmProcess process = JvmProcess.builder().mainClass("io.surety.broker.Main").classpath(classpath)
                .jvmArgs(jvmOptions.toArray(String[]::new))
                .args("--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                        "--override", "log.dirs=" + dataDir,
                        "--override", "flush.policy=" + flushPolicy,
                        "--override", "group.initial.rebalance.delay.ms=0",
                        "--override", "metrics.port=0")
                .logFile(workDir.resolve(files + ".log")).build();
        return new BenchBroker(name, process, port);
    }

    /** Starts the process; readiness is proven by the first acknowledged record (see FirstAck). */
    void start() {
        startedAtNanos = System.nanoTime();
        process.start();
    }

    long startedAtNanos() {
        return startedAtNanos;
    }

    String name() {
        return name;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    double cpuSeconds() throws IOException {
        return ProcessStats.cpuSeconds(process.pid());
    }

    double peakResidentMiB() {
        return ProcessStats.peakResidentMiB(process.pid());
    }

    Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.terminate(Duration.ofSeconds(30));
        }
    }
}
