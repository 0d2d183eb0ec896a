package io.surety.check.cluster;

import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Which broker a {@link ClusterTarget} runs: Surety, or Apache Kafka from a classpath of its jars,
 * so the same check, with the same proxies and faults, can be read side by side for both. Every
 * node is a KRaft combined node configured with Kafka's keys; what differs is the program, how its
 * storage is formatted, the few settings only one of them has, and how a start is recognised.
 */
public sealed interface BrokerKind {

    /** How the report names the cluster's brokers. */
    String label();

    /** How the nodes write acknowledged records to disk, for the report. */
    String durability();

    /** Settings added to (or replacing) the ones every node gets, for a cluster of {@code nodes}. */
    Map<String, String> settings(int nodes);

    /** The process that formats node {@code id}'s storage with {@code clusterId}. */
    JvmProcess format(String clusterId, Map<String, String> config, Path runDirectory, int id);

    /** The process of node {@code id} (not started). */
    JvmProcess node(Map<String, String> config, Path runDirectory, int id);

    /** Waits until {@code process}, node {@code id} answering at {@code directAddress}, has started. */
    void awaitStarted(JvmProcess process, int id, String directAddress, Duration timeout);

    /** Surety from the check's own classpath. */
    record Surety() implements BrokerKind {

        private static final Pattern STARTED = Pattern.compile("^Surety broker started");
        /** The nodes' logging: INFO, as {@code bin/surety start} logs (a resource of the check). */
        static final String LOGGING = "-Dlogback.configurationFile=surety-check-node-logback.xml";

        @Override
        public String label() {
            return "Surety";
        }

        @Override
        public String durability() {
            return "fsync before ack";
        }

        @Override
        public Map<String, String> settings(int nodes) {
            return Map.of("metrics.port", "0");
        }

        @Override
        public JvmProcess format(String clusterId, Map<String, String> config, Path runDirectory, int id) {
            List<String> args = new ArrayList<>(List.of("format", "--cluster-id", clusterId));
            args.addAll(overrides(config));
            return JvmProcess.builder().mainClass("io.surety.broker.Main").classpath(System.getProperty("java.class.path"))
                    .jvmArgs("-Xmx128m", "-XX:TieredStopAtLevel=1", LOGGING).args(args.toArray(String[]::new))
                    .logFile(runDirectory.resolve("node-" + id + "-format.log")).build();
        }

        @Override
        public JvmProcess node(Map<String, String> config, Path runDirectory, int id) {
            return JvmProcess.builder().mainClass("io.surety.broker.Main").classpath(System.getProperty("java.class.path"))
                    .jvmArgs("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", LOGGING)
                    .args(overrides(config).toArray(String[]::new))
                    .logFile(runDirectory.resolve("node-" + id + ".log")).build();
        }

        /** The start banner of the process's current run. */
        @Override
        public void awaitStarted(JvmProcess process, int id, String directAddress, Duration timeout) {
            process.awaitLogLine(STARTED, timeout);
        }

        private static List<String> overrides(Map<String, String> config) {
            List<String> args = new ArrayList<>();
            config.forEach((key, value) -> {
                args.add("--override");
                args.add(key + "=" + value);
            });
            return args;
        }
    }

    /**
     * Apache Kafka from {@code classpath} (its server jars, as the bench fetches them), with the
     * JVM options of Kafka's start script and Kafka's own defaults otherwise: acknowledged records
     * are in the page cache, not yet on disk. Its internal topics get the cluster's replication
     * factor and {@code min.insync.replicas=2}, like the check's topics.
     *
     * <p>Implementation notes: these jars carry no logging binding, so a start is recognised by the
     * node answering Admin's DescribeCluster with itself among the live brokers, not by a log line.
     */
    record ApacheKafka(String classpath) implements BrokerKind {

        private static final Pattern VERSION = Pattern.compile("kafka_[0-9.]+-([0-9][^/]*?)\\.jar");
        private static final List<String> START_SCRIPT_JVM_OPTIONS = List.of("-Xmx1G", "-Xms1G", "-server",
                "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true");
        private static final long PROBE_INTERVAL_MS = 200;

        /** "Apache Kafka" and its version when the classpath names the server jar. */
        @Override
        public String label() {
            Matcher version = VERSION.matcher(classpath);
            if (version.find()) {
                return "Apache Kafka " + version.group(1);
            }
            try (var jars = Files.list(Path.of(classpath.replaceAll("/\\*$", "")))) {
                String names = jars.map(path -> path.getFileName().toString()).collect(Collectors.joining(" "));
                Matcher found = VERSION.matcher(names);
                return found.find() ? "Apache Kafka " + found.group(1) : "Apache Kafka";
            } catch (IOException | RuntimeException e) {
                return "Apache Kafka";
            }
        }

        @Override
        public String durability() {
            return "page cache, Kafka's default";
        }

        @Override
        public Map<String, String> settings(int nodes) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("offsets.topic.replication.factor", Integer.toString(nodes));
            settings.put("transaction.state.log.replication.factor", Integer.toString(nodes));
            settings.put("transaction.state.log.min.isr", "2");
            return settings;
        }

        @Override
        public JvmProcess format(String clusterId, Map<String, String> config, Path runDirectory, int id) {
            return JvmProcess.builder().mainClass("kafka.tools.StorageTool").classpath(classpath).jvmArgs("-Xmx256m")
                    .args("format", "-t", clusterId, "-c", propertiesFile(config, runDirectory, id).toString())
                    .logFile(runDirectory.resolve("node-" + id + "-format.log")).build();
        }

        @Override
        public JvmProcess node(Map<String, String> config, Path runDirectory, int id) {
            return JvmProcess.builder().mainClass("kafka.Kafka").classpath(classpath)
                    .jvmArgs(START_SCRIPT_JVM_OPTIONS.toArray(String[]::new))
                    .args(propertiesFile(config, runDirectory, id).toString())
                    .logFile(runDirectory.resolve("node-" + id + ".log")).build();
        }

        @Override
        public void awaitStarted(JvmProcess process, int id, String directAddress, Duration timeout) {
            long deadlineNs = System.nanoTime() + timeout.toNanos();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, directAddress,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    2_000))) {
                while (true) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Kafka node " + id + " exited with code "
                                + process.exitCode().orElse(-1) + " (see " + process.logFile() + ")");
                    }
                    try {
                        if (admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == id)) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException notYet) {
                        // not answering yet
                    }
                    if (System.nanoTime() - deadlineNs > 0) {
                        throw new IllegalStateException("Kafka node " + id + " did not join within "
                                + timeout.toSeconds() + " s (see " + process.logFile() + ")");
                    }
                    Thread.sleep(PROBE_INTERVAL_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka node " + id, e);
            }
        }

        /** Kafka reads its settings from a file: node {@code id}'s, written (again) under the run directory. */
        private static Path propertiesFile(Map<String, String> config, Path runDirectory, int id) {
            Path file = runDirectory.resolve("node-" + id + ".properties");
            String text = config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n"));
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            return file;
        }
    }
}
