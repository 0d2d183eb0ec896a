package io.surety.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.AppInfoParser;
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

    @Option(names = "--quick", description = "A short run (about five minutes here) with fewer records.")
    private boolean quick;

    @Option(names = "--records", description = "Records per workload (overrides the quick/full default).")
    private Long records;

    @Option(names = "--record-size", description = "Record size in bytes (default 1024).")
    private Integer recordSize;

    @Option(names = "--partitions", description = "Partitions per topic (default 3).")
    private Integer partitions;

    @Option(names = "--kafka-classpath", required = true, description = "Apache Kafka broker and tools classpath.")
    private String kafkaClasspath;

    @Option(names = "--surety-classpath", required = true, description = "Surety broker classpath.")
    private String suretyClasspath;

    @Option(names = "--surety-version", defaultValue = "unknown", description = "Surety build (git commit).")
    private String suretyVersion;

    @Option(names = "--output", description = "Markdown file to write (full runs default to docs/benchmarks.md).")
    private Path output;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where brokers keep their data and logs.")
    private Path workDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings base = quick ? BenchSettings.quick() : BenchSettings.full();
        BenchSettings settings = new BenchSettings(records != null ? records : base.records(),
                recordSize != null ? recordSize : base.recordSize(), partitions != null ? partitions : base.partitions(),
                base.latencyRecords(), base.toolTimeout(), base.brokerHeap());
        Path runDir = Files.createDirectories(workDir.resolve("run-" + System.currentTimeMillis()));
        Map<String, BenchRun.BrokerFactory> brokers = new LinkedHashMap<>();
        brokers.put("Kafka", dir -> BenchBroker.apacheKafka(kafkaClasspath, dir, settings.brokerHeap()));
        brokers.put("Surety interval", dir -> BenchBroker.surety(suretyClasspath, dir, "interval", settings.brokerHeap()));
        brokers.put("Surety fsync", dir -> BenchBroker.surety(suretyClasspath, dir, "fsync", settings.brokerHeap()));
        List<Workload> workloads = Workload.standard();
        List<BrokerRun> runs = new BenchRun(settings, kafkaClasspath, System.out::println).run(brokers, workloads, runDir);
        String report = BenchReport.render(header(), settings, runs, workloads);
        System.out.println();
        System.out.println(report);
        Path target = output != null ? output : quick ? null : Path.of("docs", "benchmarks.md");
        if (target != null) {
            writeReport(target, report);
            System.out.println("Written to " + target);
        }
        return 0;
    }

    private String header() throws IOException {
        return String.format("## Run of %s (%s)%n%nMachine: %d cores (%s), %s memory; %s %s. Apache Kafka %s (KRaft, one "
                        + "combined node, default flush), Surety %s. Brokers logs and data: %s.%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), AppInfoParser.getVersion(),
                suretyVersion, workDir);
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
