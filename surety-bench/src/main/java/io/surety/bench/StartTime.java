package io.surety.bench;

import io.surety.broker.SuretyBroker;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long {@code bin/surety start} takes from the process start to the first acks=all
 * acknowledgement, on an empty data directory, the way a user starts it:
 *
 * <pre>
 * java -cp surety-bench/target/classes:surety-bench/target/lib/* io.surety.bench.StartTime \
 *     [--root DIR] [--runs N] [--java-opts "-X..."] [--breakdown] [--work-dir DIR]
 * </pre>
 *
 * <p>Each run launches {@code <root>/bin/surety start} in a fresh working directory (so data goes to
 * {@code ./data}) on free ports, with a producer that was created before the launch and reconnects
 * every few milliseconds, then stops the broker with SIGTERM and waits for its clean stop (which is
 * when a class-data archive is written at exit). The measuring JVM first produces to an in-process
 * broker, so its own class loading is not counted. {@code --java-opts} is passed as
 * {@code SURETY_JAVA_OPTS}; {@code --breakdown} adds {@code -Xlog:class+load} and prints when the
 * JVM reached each stage (see {@link StartBreakdown}), which itself slows the start a little.
 */
public final class StartTime {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final Path workDir;
    private final String javaOpts;
    private final boolean breakdown;

    private StartTime(Path root, Path workDir, String javaOpts, boolean breakdown) {
        this.root = root;
        this.workDir = workDir;
        this.javaOpts = javaOpts;
        this.breakdown = breakdown;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int runs = 7;
        String javaOpts = "";
        boolean breakdown = false;
        Path workDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--java-opts" -> javaOpts = args[++i];
                case "--breakdown" -> breakdown = true;
                case "--work-dir" -> workDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        if (workDir == null) {
            workDir = Files.createTempDirectory("surety-start-time");
        }
        warmUpClient();
        StartTime startTime = new StartTime(root.toAbsolutePath().normalize(), workDir, javaOpts, breakdown);
        List<Double> firstAckMs = new ArrayList<>();
        List<Double> cpuMs = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            RunResult result = startTime.measureOnce(workDir.resolve("run-" + run));
            firstAckMs.add(result.firstAckMs());
            cpuMs.add(result.cpuMs());
            System.out.println("run " + run + ": " + result.describe());
        }
        System.out.println(summary("start to first ack, all runs", firstAckMs));
        System.out.println(summary("broker CPU time until then, all runs", cpuMs));
        if (runs > 2) {
            // The first start of a build records the class-data archive; the later ones use it.
            System.out.println(summary("start to first ack, runs 2.." + runs, firstAckMs.subList(1, runs)));
            System.out.println(summary("broker CPU time until then, runs 2.." + runs, cpuMs.subList(1, runs)));
        }
        System.out.printf(Locale.ROOT, "load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("logs under " + workDir);
    }

    static String summary(String label, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%s (%d): median %.0f ms, min %.0f ms, max %.0f ms",
                label, n, median, sorted.get(0), sorted.get(n - 1));
    }

    private RunResult measureOnce(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<Integer> ports = FreePorts.find(2);
        Path log = dir.resolve("broker.log");
        // One path for every run: the launcher keys its class-data archive by the JVM options.
        Path classLog = workDir.resolve("class-load.log");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/surety").toString(), "start",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + ports.get(0),
                "--override", "metrics.port=" + ports.get(1))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        String opts = javaOpts + (breakdown ? " -Xlog:class+load=info:file=" + classLog + ":uptimemillis,timemillis" : "");
        builder.environment().put("SURETY_JAVA_OPTS", opts.trim());
        try (KafkaProducer<byte[], byte[]> producer = probe("127.0.0.1:" + ports.get(0))) {
            long launchedAtMs = System.currentTimeMillis();
            long launchedAtNs = System.nanoTime();
            Process process = builder.start();
            try {
                producer.send(new ProducerRecord<>("start-time", new byte[16])).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                double firstAckMs = (System.nanoTime() - launchedAtNs) / 1e6;
                double cpuMs = ProcessStats.cpuSeconds(process.pid()) * 1000;
                String threadCpu = breakdown ? threadCpu(process.pid()) : "";
                long stopStartNs = System.nanoTime();
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("The broker did not stop within " + STOP_TIMEOUT + "; see " + log);
                }
                double stopMs = (System.nanoTime() - stopStartNs) / 1e6;
                boolean clean = Files.readString(log).contains("Surety broker stopped");
                StartBreakdown stages = null;
                if (breakdown) {
                    stages = StartBreakdown.read(classLog, log, launchedAtMs);
                    Files.move(classLog, dir.resolve("class-load.log"));
                    System.out.println("  CPU by thread at the first ack: " + threadCpu);
                }
                return new RunResult(firstAckMs, cpuMs, stopMs, clean, stages);
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** CPU milliseconds per thread name (numbers in names dropped, so pools add up), largest first. */
    private static String threadCpu(long pid) throws IOException {
        Map<String, Double> byName = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                byName.merge(name, ProcessStats.cpuSecondsFromStat(stat) * 1000, Double::sum);
            }
        }
        return byName.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** A producer created before the broker starts, retrying every few milliseconds until it is up. */
    private static KafkaProducer<byte[], byte[]> probe(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        config.put("reconnect.backoff.ms", 2);
        config.put("reconnect.backoff.max.ms", 10);
        config.put("retry.backoff.ms", 2);
        config.put("retry.backoff.max.ms", 10);
        config.put("max.block.ms", ACK_TIMEOUT.toMillis());
        config.put("request.timeout.ms", 5_000);
        config.put("delivery.timeout.ms", (int) ACK_TIMEOUT.toMillis());
        config.put("linger.ms", 0);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Loads and runs the client's produce path once, against a broker in this JVM. */
    private static void warmUpClient() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().port(0).tempDataDir().start();
                KafkaProducer<byte[], byte[]> producer = probe(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("warm-up", new byte[16])).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private record RunResult(double firstAckMs, double cpuMs, double stopMs, boolean clean, StartBreakdown stages) {

        String describe() {
            String line = String.format(Locale.ROOT, "first ack %.0f ms (broker CPU %.0f ms), stop %.0f ms%s", firstAckMs, cpuMs, stopMs,
                    clean ? "" : " (NOT a clean stop)");
            return stages == null ? line : line + System.lineSeparator() + stages.describe();
        }
    }
}
