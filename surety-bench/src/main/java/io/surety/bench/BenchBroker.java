package io.surety.bench;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.apache.kafka.common.Uuid;

/**
 * A broker the benchmark runs as its own processes on 127.0.0.1 with fresh data directories:
 * Apache Kafka (KRaft combined nodes, from its Maven artifacts) or Surety with a flush policy, as
 * one node or as a cluster of combined broker-and-controller nodes with ids 1..n. Its CPU and
 * memory are the sums over its nodes; any node can be killed with {@code kill -9} and started
 * again on the same ports and data (the failover trial). Not thread-safe; one benchmark thread drives it.
 */
final class BenchBroker implements AutoCloseable {

    /**
     * Kafka's defaults for how long a silent broker keeps its session (and how often it heartbeats),
     * given to both brokers explicitly so a failover compares like with like.
     */
    static final int SESSION_TIMEOUT_MS = 9_000;
    static final int HEARTBEAT_INTERVAL_MS = 2_000;

    /** The minimum ISR of a cluster's topics (with replication factor 3): one replica may be down. */
    static final int CLUSTER_MIN_INSYNC_REPLICAS = 2;

    /**
     * The JVM options Kafka's start scripts give a broker: kafka-server-start.sh's heap and
     * kafka-run-class.sh's performance options, as a user running {@code bin/kafka-server-start.sh} gets.
     */
    static final List<String> KAFKA_START_SCRIPT_JVM_OPTIONS = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true");

    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** One process of the broker: node {@code id}, answering clients on {@code port}. */
    private record Node(int id, JvmProcess process, int port) {
    }

    private final String name;
    private final List<Node> nodes;
    private long startedAtNanos;

    private BenchBroker(String name, List<Node> nodes) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
    }

    /** Apache Kafka 4.x, one KRaft combined node, with its default flush behaviour (page cache). */
    static BenchBroker apacheKafka(String classpath, Path workDir) throws IOException {
        return apacheKafka(classpath, workDir, 1, "Kafka");
    }

    /**
     * Apache Kafka with {@code nodeCount} KRaft combined nodes (every node a voter), formatted with
     * kafka-storage's tool; internal topics get the cluster's replication factor.
     */
    static BenchBroker apacheKafka(String classpath, Path workDir, int nodeCount, String name) throws IOException {
        String files = fileName(name);
        String clusterId = Uuid.randomUuid().toString();
        ClusterPorts ports = ClusterPorts.find(nodeCount);
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= nodeCount; id++) {
            Path dataDir = Files.createDirectories(workDir.resolve(files + "-data-" + id));
            Path config = workDir.resolve(files + "-" + id + ".properties");
            List<String> lines = new ArrayList<>(ports.combinedNode(id));
            lines.addAll(List.of("advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.client(id),
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dataDir,
                    "offsets.topic.replication.factor=" + nodeCount,
                    "transaction.state.log.replication.factor=" + nodeCount,
                    "transaction.state.log.min.isr=" + Math.min(nodeCount, CLUSTER_MIN_INSYNC_REPLICAS)));
            lines.addAll(sharedSettings(nodeCount));
            Files.writeString(config, String.join("\n", lines) + "\n");
            ToolRun format = ToolRun.run(classpath, "kafka.tools.StorageTool", FORMAT_TIMEOUT,
                    "format", "-t", clusterId, "-c", config.toString());
            if (format.exitCode() != 0) {
                throw new IOException("Formatting Kafka's storage failed: " + format.output());
            }
            JvmProcess process = JvmProcess.builder().mainClass("kafka.Kafka").classpath(classpath)
                    .jvmArgs(KAFKA_START_SCRIPT_JVM_OPTIONS.toArray(String[]::new))
                    .args(config.toString()).logFile(workDir.resolve(nodeCount == 1 ? "kafka.log" : files + "-" + id + ".log"))
                    .build();
            nodes.add(new Node(id, process, ports.client(id)));
        }
        return new BenchBroker(name, nodes);
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
        String files = fileName(name);
        int port = FreePorts.find();
        Path dataDir = Files.createDirectories(workDir.resolve(files + "-data"));
        JvmProcess process = suretyProcess(classpath, jvmOptions, workDir.resolve(files + ".log"),
                List.of("listeners=PLAINTEXT://127.0.0.1:" + port, "log.dirs=" + dataDir, "flush.policy=" + flushPolicy,
                        "group.initial.rebalance.delay.ms=0", "metrics.port=0"));
        return new BenchBroker(name, List.of(new Node(1, process, port)));
    }

    /**
     * A Surety cluster of {@code nodeCount} combined nodes with the given flush policy, each data
     * directory formatted for one cluster id first, as {@code bin/surety format} does.
     */
    static BenchBroker suretyCluster(String classpath, Path workDir, String flushPolicy, List<String> jvmOptions,
            int nodeCount, String name) throws IOException {
        String files = fileName(name);
        String clusterId = Uuid.randomUuid().toString();
        ClusterPorts ports = ClusterPorts.find(nodeCount);
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= nodeCount; id++) {
            Path dataDir = Files.createDirectories(workDir.resolve(files + "-data-" + id));
            List<String> settings = new ArrayList<>(ports.combinedNode(id));
            settings.addAll(List.of("log.dirs=" + dataDir, "flush.policy=" + flushPolicy, "metrics.port=0"));
            settings.addAll(sharedSettings(nodeCount));
            List<String> formatArgs = new ArrayList<>(List.of("format", "--cluster-id", clusterId));
            settings.forEach(setting -> formatArgs.addAll(List.of("--override", setting)));
            ToolRun format = ToolRun.run(classpath, "io.surety.broker.Main", FORMAT_TIMEOUT, formatArgs.toArray(String[]::new));
            if (format.exitCode() != 0) {
                throw new IOException("Formatting Surety node " + id + " failed: " + format.output());
            }
            nodes.add(new Node(id, suretyProcess(classpath, jvmOptions, workDir.resolve(files + "-" + id + ".log"), settings),
                    ports.client(id)));
        }
        return new BenchBroker(name, nodes);
    }

    private static JvmProcess suretyProcess(String classpath, List<String> jvmOptions, Path logFile, List<String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach(setting -> args.addAll(List.of("--override", setting)));
        return JvmProcess.builder().mainClass("io.surety.broker.Main").classpath(classpath)
                .jvmArgs(jvmOptions.toArray(String[]::new)).args(args.toArray(String[]::new)).logFile(logFile).build();
    }

    /** Settings both brokers get: no initial rebalance delay; in a cluster, Kafka's session defaults and a minimum ISR. */
    private static List<String> sharedSettings(int nodeCount) {
        List<String> settings = new ArrayList<>(List.of("group.initial.rebalance.delay.ms=0"));
        if (nodeCount > 1) {
            settings.addAll(List.of("broker.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                    "broker.heartbeat.interval.ms=" + HEARTBEAT_INTERVAL_MS,
                    "min.insync.replicas=" + CLUSTER_MIN_INSYNC_REPLICAS));
        }
        return settings;
    }

    private static String fileName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** Starts every node side by side; readiness is proven by the first acknowledged record (see FirstAck). */
    void start() {
        startedAtNanos = System.nanoTime();
        nodes.forEach(node -> node.process().start());
    }

    long startedAtNanos() {
        return startedAtNanos;
    }

    String name() {
        return name;
    }

    /** The replication factor of the broker's topics: one replica on every node. */
    short replicationFactor() {
        return (short) nodes.size();
    }

    String bootstrap() {
        StringJoiner joined = new StringJoiner(",");
        nodes.forEach(node -> joined.add("127.0.0.1:" + node.port()));
        return joined.toString();
    }

    /** The process ids of the running nodes. */
    List<Long> pids() {
        return nodes.stream().filter(node -> node.process().isAlive()).map(node -> node.process().pid()).toList();
    }

    /** Whether every node is running. */
    boolean isAlive() {
        return nodes.stream().allMatch(node -> node.process().isAlive());
    }

    /** The sum over the nodes of their peak resident memory (a restarted node's current run). */
    double peakResidentMiB() {
        return pids().stream().mapToDouble(ProcessStats::peakResidentMiB).sum();
    }

    /** The log of the first node (the only one of a single-node broker). */
    Path logFile() {
        return nodes.get(0).process().logFile();
    }

    /** Kills node {@code id} with SIGKILL and waits until it is gone. */
    void kill9(int id) {
        node(id).process().kill9();
    }

    /** Starts node {@code id} again on its ports and data. */
    void restart(int id) {
        node(id).process().start();
    }

    /** Whether node {@code id} is running. */
    boolean isAlive(int id) {
        return node(id).process().isAlive();
    }

    private Node node(int id) {
        return nodes.stream().filter(node -> node.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no node " + id));
    }

    /**
     * Stops every node at once (SIGTERM, SIGKILL after 30 s): stopped one after the other, the last
     * nodes of a quorum wait for a majority that is already gone.
     */
    @Override
    public void close() {
        List<Thread> stoppers = new ArrayList<>();
        for (Node node : nodes) {
            if (node.process().isAlive()) {
                Thread stopper = new Thread(() -> node.process().terminate(STOP_TIMEOUT), name + "-stop-" + node.id());
                stopper.start();
                stoppers.add(stopper);
            }
        }
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The ports of a cluster's combined nodes, chosen once: a client port and a controller port each,
     * and the settings that make node {@code id} one of them.
     */
    private record ClusterPorts(List<Integer> ports, int nodeCount) {

        static ClusterPorts find(int nodeCount) {
            return new ClusterPorts(FreePorts.find(2 * nodeCount), nodeCount);
        }

        int client(int id) {
            return ports.get(2 * (id - 1));
        }

        int controller(int id) {
            return ports.get(2 * (id - 1) + 1);
        }

        List<String> combinedNode(int id) {
            StringJoiner voters = new StringJoiner(",");
            for (int voter = 1; voter <= nodeCount; voter++) {
                voters.add(voter + "@127.0.0.1:" + controller(voter));
            }
            return List.of("process.roles=broker,controller", "node.id=" + id,
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://127.0.0.1:" + client(id) + ",CONTROLLER://127.0.0.1:" + controller(id),
                    "controller.listener.names=CONTROLLER");
        }
    }
}
