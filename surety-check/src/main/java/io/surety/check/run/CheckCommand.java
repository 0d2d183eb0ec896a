package io.surety.check.run;

import io.surety.check.cluster.BrokerKind;
import io.surety.check.fault.FaultKind;
import io.surety.check.report.ConsoleReport;
import io.surety.check.report.ProgressLine;
import io.surety.check.report.ReportFiles;
import io.surety.check.report.ReportWriter;
import io.surety.check.result.CheckSummary;
import io.surety.check.workload.WorkloadSettings;
import io.surety.semantics.Guarantee;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/surety check}: measures what the delivery guarantees really deliver under faults.
 * Exit code 0 when every guarantee kept its promise, 1 when one did not, 2 when the run could not
 * be done as asked (bad options, unreachable cluster, interrupted, a fault that failed) — with a
 * partial report of what was measured.
 */
@Command(name = "surety check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs at-most-once, at-least-once and exactly-once side by side against a cluster while faults",
            "are injected (broker kill -9, lost acks, connection resets, a network black hole and delay,",
            "producer kill -9, consumer crashes at the commit points), records every send, ack, poll,",
            "process and commit, and counts what was lost, duplicated and reordered.",
            "Without --bootstrap-server it starts a Surety broker of its own; with --brokers 3, a replicated",
            "cluster, and adds the cluster faults (leader, follower, controller and coordinator kill -9, a frozen",
            "leader, cut replication, an isolated node) and an acks=1 row."})
public final class CheckCommand implements Callable<Integer> {

    static final int PASSED = 0;
    static final int VIOLATED = 1;
    static final int NOT_DONE = 2;

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smh])?");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--guarantee", split = ",", paramLabel = "G",
            description = "Guarantees to check (default: all three): at-most-once, at-least-once, exactly-once.")
    List<String> guarantees = List.of("at-most-once", "at-least-once", "exactly-once");

    @Option(names = "--duration", paramLabel = "LENGTH",
            description = "How long the producers send, in seconds or as 90s, 30m, 2h (default 45 s, 120 s with "
                    + "--brokers 3; at least 10 s). With --brokers 3, a traffic of two fault cycles or more repeats "
                    + "the cluster schedule, so the faults grow with it (docs/check.md, \"Campaigns\").")
    String duration;

    @Option(names = "--brokers", defaultValue = "1", paramLabel = "N",
            description = "Nodes of the cluster the check starts (default ${DEFAULT-VALUE}): 1, or 3 to 5 for a "
                    + "replicated cluster (RF 3, min.insync.replicas=2) with the cluster faults and an acks=1 row.")
    int brokers;

    @Option(names = "--kafka-classpath", paramLabel = "CLASSPATH",
            description = "With --brokers: run the cluster's nodes as Apache Kafka from these jars instead of Surety "
                    + "(bin/surety check --apache-kafka fetches Kafka's jars and passes them), for a side-by-side report.")
    String kafkaClasspath;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "N",
            description = "Records per second per guarantee (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--record-size", defaultValue = "100", paramLabel = "BYTES", description = "Bytes per record value.")
    int recordSize;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each topic the check creates.")
    int partitions;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Check an existing single-broker cluster instead of starting a Surety broker.")
    String bootstrapServer;

    @Option(names = "--broker-restart-command", paramLabel = "CMD",
            description = "With --bootstrap-server: a shell command that crashes and restarts the broker "
                    + "(without it, broker crashes are skipped).")
    String restartCommand;

    @Option(names = "--faults", split = ",", paramLabel = "KIND",
            description = "Faults to inject (default: all of one broker's): broker-crash, connection-reset, lost-acks, "
                    + "black-hole, delay, producer-crash, consumer-crash-at-commit, consumer-crash-mid-batch; with "
                    + "--brokers 3 also (and by default, all but broker-crash) leader-crash, follower-crash, "
                    + "controller-crash, coordinator-crash, leader-pause, replication-cut, broker-isolated, "
                    + "cut-leader-crash.")
    List<String> faults;

    @Option(names = "--no-faults", description = "Run without injecting faults (a baseline).")
    boolean noFaults;

    @Option(names = "--producer-config", paramLabel = "FILE",
            description = "Your producer settings, laid over each guarantee's preset.")
    Path producerConfig;

    @Option(names = "--consumer-config", paramLabel = "FILE",
            description = "Your consumer settings, laid over each guarantee's preset.")
    Path consumerConfig;

    @Option(names = "--report-dir", defaultValue = "check-report", paramLabel = "DIR",
            description = "Where index.html and summary.json go (default ./${DEFAULT-VALUE}).")
    Path reportDirectory;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where histories, client logs and the broker's data go (default: a new temporary directory).")
    Path workDirectory;

    private final PrintStream out;

    private CheckCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, args));
    }

    /** Runs the command with {@code out} as its console; returns the exit code. */
    public static int execute(PrintStream out, String... args) {
        CommandLine commandLine = new CommandLine(new CheckCommand(out));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            line.getErr().println("surety check: " + error.getMessage());
            return NOT_DONE;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        CheckOptions options = options();
        out.println("surety check: " + String.join(", ", options.guarantees().stream().map(Guarantee::label).toList())
                + (options.startsACluster() ? ", and acks=1, against a " + options.brokers()
                        + "-node " + options.brokerKind().label() + " cluster it starts"
                        : options.startsItsOwnBroker() ? " against a Surety broker it starts"
                        : " against " + options.bootstrapServers())
                + "; work directory " + options.workDirectory());
        CheckRun run = new CheckRun(options, ProgressLine.on(out));
        CountDownLatch reported = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            run.abort();
            try {
                reported.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "check-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            CheckSummary summary = run.run();
            ReportFiles files = ReportWriter.write(summary, options.reportDirectory());
            ConsoleReport.print(summary, files, out);
            run.notes().forEach(note -> out.println("note: " + note));
            out.println("history and client logs: " + options.workDirectory());
            if (!summary.complete() || !summary.notRun().isEmpty()) {
                return NOT_DONE;
            }
            return summary.passed() ? PASSED : VIOLATED;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // interrupted: the hook is running and waits for this report
            }
        }
    }

    private CheckOptions options() throws IOException {
        if (brokers != 1 && (brokers < 3 || brokers > 5)) {
            throw bad("--brokers must be 1, or 3 to 5 for a replicated cluster, not " + brokers);
        }
        if (kafkaClasspath != null && brokers == 1) {
            throw bad("--kafka-classpath runs a cluster of Apache Kafka nodes: add --brokers 3");
        }
        if (brokers > 1 && bootstrapServer != null) {
            throw bad("--brokers starts a cluster of its own; with --bootstrap-server the check proxies a single "
                    + "broker of yours (restart commands per broker are not built yet)");
        }
        long durationSeconds = duration != null ? durationSeconds(duration) : brokers > 1 ? 120 : 45;
        if (durationSeconds < 10) {
            throw bad("--duration must be at least 10 seconds, so the faults fit in the traffic");
        }
        if (rate < 1 || rate > 100_000) {
            throw bad("--rate must be between 1 and 100000 records per second");
        }
        if (recordSize < 32 || recordSize > 1 << 20) {
            throw bad("--record-size must be between 32 bytes and 1 MiB");
        }
        if (partitions < 1 || partitions > 100) {
            throw bad("--partitions must be between 1 and 100");
        }
        if (restartCommand != null && bootstrapServer == null) {
            throw bad("--broker-restart-command only applies with --bootstrap-server (a broker the check starts "
                    + "is crashed with kill -9 by the check itself)");
        }
        if (bootstrapServer != null && !bootstrapServer.matches("[^:,\\s]+:\\d{1,5}")) {
            throw bad("--bootstrap-server must be one HOST:PORT (the check proxies a single broker), not '"
                    + bootstrapServer + "'");
        }
        if (noFaults && faults != null) {
            throw bad("--no-faults and --faults contradict each other: choose one");
        }
        Set<FaultKind> kinds = FaultKind.defaults(brokers);
        if (noFaults) {
            kinds.clear();
        } else if (faults != null) {
            kinds.clear();
            try {
                faults.forEach(kind -> kinds.add(FaultKind.parse(kind)));
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            for (FaultKind kind : kinds) {
                if (kind.clusterOnly() && brokers == 1) {
                    throw bad("--faults " + kind.label() + " needs a cluster: add --brokers 3");
                }
            }
        }
        List<Guarantee> chosen;
        try {
            chosen = guarantees.stream().map(Guarantee::parse).distinct().sorted().toList();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        Map<String, String> producerSettings = settingsFile(producerConfig, "--producer-config");
        Map<String, String> consumerSettings = settingsFile(consumerConfig, "--consumer-config");
        refuseUnusableSettings(chosen, producerSettings, consumerSettings);
        Path work = workDirectory != null ? workDirectory : Files.createTempDirectory("surety-check-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-")));
        return new CheckOptions(chosen, Duration.ofSeconds(durationSeconds), rate, recordSize, partitions,
                bootstrapServer, restartCommand, kinds, producerSettings, consumerSettings, reportDirectory.toAbsolutePath(),
                work.toAbsolutePath(), brokers,
                kafkaClasspath == null ? new BrokerKind.Surety() : new BrokerKind.ApacheKafka(kafkaClasspath));
    }

    /** {@code text} as seconds: a whole number of seconds, or of seconds, minutes or hours with s, m or h after it. */
    private long durationSeconds(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches() || matcher.group(1).length() > 6) {
            throw bad("--duration must be a whole number of seconds or a length like 90s, 30m or 2h, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "m" -> amount * 60;
            case "h" -> amount * 3600;
            default -> amount;
        };
    }

    /** Settings a client would refuse to start with are reported now, not half-way through the run. */
    private void refuseUnusableSettings(List<Guarantee> chosen, Map<String, String> producerSettings,
                                        Map<String, String> consumerSettings) {
        WorkloadSettings trial = new WorkloadSettings(producerSettings, consumerSettings, "127.0.0.1:9092", "trial");
        for (Guarantee guarantee : chosen) {
            try {
                trial.producer(guarantee);
                trial.consumer(guarantee);
            } catch (RuntimeException e) {
                throw bad("the settings given cannot be used for " + guarantee.label() + ": " + e.getMessage());
            }
        }
    }

    private Map<String, String> settingsFile(Path file, String option) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (file == null) {
            return settings;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw bad("cannot read " + option + " " + file + ": " + e.getMessage());
        }
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key).trim()));
        return settings;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
