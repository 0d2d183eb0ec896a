package io.surety.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code surety bench}: Surety and Apache Kafka on this machine, one after the other in one run,
 * driven by Kafka's own perf tools with the same settings; prints the tables and, for full runs,
 * writes them to docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark Surety against Apache Kafka with Kafka's perf tools.")
public final class BenchCommand implements Callable<Integer> {

    /** The nodes of each cluster of a {@code --replicated} run. */
    static final int CLUSTER_NODES = 3;

    @Option(names = "--quick", description = "A shorter run: the same warm-up kinds and 3 repetitions, fewer records.")
    private boolean quick;

    @Option(names = "--records", description = "1 KiB records per produce or consume trial (overrides the default).")
    private Long records;

    @Option(names = "--repetitions", description = "Measured repetitions (default 3).")
    private Integer repetitions;

    @Option(names = "--warm-up-records", description = "Records per warm-up workload (default 1,000,000; quick 300,000).")
    private Long warmUpRecords;

    @Option(names = "--only", split = ",(?! )", description = "Run only the rows of these workloads, comma-separated (names "
            + "as in the report, whose own commas are followed by a space; a trailing * matches the start).")
    private List<String> only = List.of();

    @Option(names = "--replicated", description = "Compare clusters of three nodes with replication factor 3 "
            + "(acks=1, acks=all, consume, latency, failover) instead of single nodes.")
    private boolean replicated;

    @Option(names = "--profile", description = "Record a JFR of each broker during each workload's first repetition.")
    private boolean profile;

    @Option(names = "--surety-root", description = "The Surety checkout whose launcher options (config/jvm.options) "
            + "the broker runs with.")
    private Path suretyRoot;

    @Option(names = "--kafka-classpath", required = true, description = "Apache Kafka broker and tools classpath.")
    private String kafkaClasspath;

    @Option(names = "--surety-classpath", required = true, description = "Surety broker classpath.")
    private String suretyClasspath;

    @Option(names = "--baseline-classpath", description = "An earlier Surety build's broker classpath: measure "
            + "Surety against it instead of against Apache Kafka.")
    private String baselineClasspath;

    @Option(names = "--baseline-label", defaultValue = "Surety baseline", description = "How the report names the earlier build.")
    private String baselineLabel;

    @Option(names = "--surety-version", defaultValue = "unknown", description = "Surety build (git commit).")
    private String suretyVersion;

    @Option(names = "--output", description = "Markdown file to write (full runs default to docs/benchmarks.md).")
    private Path output;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where brokers keep their data and logs.")
    private Path workDir;

    /** The workloads {@code --only} named. */
    List<String> only() {
        return only;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.full();
        if (records != null) {
            settings = settings.withRecords(records);
        }
        if (repetitions != null) {
            settings = settings.withRepetitions(repetitions);
        }
        if (warmUpRecords != null) {
            settings = settings.withWarmUpRecords(warmUpRecords);
        }
        Path runDir = Files.createDirectories(workDir.resolve("run-" + System.currentTimeMillis()));
        List<String> suretyJvmOptions = suretyRoot == null ? List.of() : LauncherOptions.read(suretyRoot);
        List<BenchRun.BrokerSpec> brokers = new ArrayList<>(replicated ? clusters(suretyJvmOptions)
                : singleNodes(suretyJvmOptions));
        List<Row> rows = BenchPlan.only(replicated ? BenchPlan.replicatedRows(settings) : BenchPlan.rows(settings), only);
        List<Workload> warmUps = replicated ? BenchPlan.replicatedWarmUps(settings) : BenchPlan.warmUps(settings);
        if (baselineClasspath != null) {
            rows = BenchPlan.againstBaseline(rows, baselineLabel);
            for (Contender candidate : List.of(Contender.SURETY_INTERVAL, Contender.SURETY_FSYNC)) {
                Contender base = Contender.baselineOf(candidate, baselineLabel);
                String policy = candidate.equals(Contender.SURETY_FSYNC) ? "fsync" : "interval";
                brokers.add(new BenchRun.BrokerSpec(base.broker(), suretyJvmOptions, replicated
                        ? dir -> BenchBroker.suretyCluster(baselineClasspath, dir, policy, suretyJvmOptions, CLUSTER_NODES,
                                base.broker())
                        : dir -> BenchBroker.surety(baselineClasspath, dir, policy, suretyJvmOptions, base.broker())));
            }
        }
        Profiler profiler = profile ? Profiler.into(runDir.resolve("profiles")) : Profiler.off();
        WorkloadTools tools = new WorkloadTools(kafkaClasspath, System.getProperty("java.class.path"), settings.toolTimeout());
        RunResult run = new BenchRun(settings, tools, profiler, System.out::println).run(brokers, rows, warmUps, runDir);
        String report = replicated ? BenchReport.renderReplicated(header(), settings, run)
                : BenchReport.render(header(), settings, run);
        System.out.println();
        System.out.println(report);
        if (profile) {
            System.out.println("Flight recordings: " + runDir.resolve("profiles"));
        }
        Path target = output != null ? output
                : quick || !only.isEmpty() || baselineClasspath != null ? null
                : Path.of("docs", replicated ? "benchmarks-replicated.md" : "benchmarks.md");
        if (target != null) {
            writeReport(target, report);
            System.out.println("Written to " + target);
        }
        return 0;
    }

    /** Kafka and Surety (both flush policies) as single nodes. */
    private List<BenchRun.BrokerSpec> singleNodes(List<String> suretyJvmOptions) {
        return List.of(
                new BenchRun.BrokerSpec(Contender.KAFKA_BROKER, BenchBroker.KAFKA_START_SCRIPT_JVM_OPTIONS,
                        dir -> BenchBroker.apacheKafka(kafkaClasspath, dir)),
                new BenchRun.BrokerSpec(Contender.SURETY_INTERVAL_BROKER, suretyJvmOptions,
                        dir -> BenchBroker.surety(suretyClasspath, dir, "interval", suretyJvmOptions)),
                new BenchRun.BrokerSpec(Contender.SURETY_FSYNC_BROKER, suretyJvmOptions,
                        dir -> BenchBroker.surety(suretyClasspath, dir, "fsync", suretyJvmOptions)));
    }

    /** Kafka and Surety (both flush policies) as clusters of {@link #CLUSTER_NODES} combined nodes. */
    private List<BenchRun.BrokerSpec> clusters(List<String> suretyJvmOptions) {
        return List.of(
                new BenchRun.BrokerSpec(Contender.KAFKA_BROKER, BenchBroker.KAFKA_START_SCRIPT_JVM_OPTIONS,
                        dir -> BenchBroker.apacheKafka(kafkaClasspath, dir, CLUSTER_NODES, Contender.KAFKA_BROKER)),
                new BenchRun.BrokerSpec(Contender.SURETY_INTERVAL_BROKER, suretyJvmOptions,
                        dir -> BenchBroker.suretyCluster(suretyClasspath, dir, "interval", suretyJvmOptions, CLUSTER_NODES,
                                Contender.SURETY_INTERVAL_BROKER)),
                new BenchRun.BrokerSpec(Contender.SURETY_FSYNC_BROKER, suretyJvmOptions,
                        dir -> BenchBroker.suretyCluster(suretyClasspath, dir, "fsync", suretyJvmOptions, CLUSTER_NODES,
                                Contender.SURETY_FSYNC_BROKER)));
    }

    private String header() throws IOException {
        return String.format("## Run of %s (%s)%n%nMachine: %d cores (%s), %s memory; %s %s. Apache Kafka %s (KRaft, %s, "
                        + "run with its start scripts' JVM options), Surety %s (%s, run with its launcher's JVM "
                        + "options); both on 127.0.0.1 with fresh data directories. Load generators: Kafka's perf tools "
                        + "from kafka-tools %s, and Surety's small-transaction and consumer-group generators on "
                        + "kafka-clients. Brokers' logs and data: %s.%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), kafkaVersion(), nodes(),
                suretyVersion, nodes(), kafkaVersion(), workDir);
    }

    private String nodes() {
        return replicated ? CLUSTER_NODES + " combined nodes" : "one combined node";
    }

    /** The release of Kafka's jars on the Kafka classpath (a {@code dir/*} wildcard), read from kafka-tools' file name. */
    private String kafkaVersion() throws IOException {
        Path dir = Path.of(kafkaClasspath.replaceAll("/\\*$", ""));
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.startsWith("kafka-tools-") && name.endsWith(".jar") && !name.startsWith("kafka-tools-api-")) {
                        return name.substring("kafka-tools-".length(), name.length() - ".jar".length());
                    }
                }
            }
        }
        return "(unknown release)";
    }

    private static String cpuModel() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static String memTotal() {
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format("%.0f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** Replaces the results section, keeping any hand-written text above the marker. */
    static void writeReport(Path file, String report) throws IOException {
        String marker = "<!-- results: written by bin/surety bench -->";
        String before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n" + marker;
        int at = before.indexOf(marker);
        String kept = at >= 0 ? before.substring(0, at + marker.length()) : before + "\n" + marker;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, kept + "\n\n" + report, StandardCharsets.UTF_8);
    }
}
