package io.surety.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One benchmark run: each broker in turn is started fresh, timed to its first acknowledged record,
 * put through every workload with its CPU time taken around each, and stopped.
 */
final class BenchRun {

    /** How to make one broker of the run. */
    interface BrokerFactory {
        BenchBroker create(Path workDir) throws IOException;
    }

    private final BenchSettings settings;
    private final String toolsClasspath;
    private final Consumer<String> progress;

    BenchRun(BenchSettings settings, String toolsClasspath, Consumer<String> progress) {
        this.settings = settings;
        this.toolsClasspath = toolsClasspath;
        this.progress = progress;
    }

    List<BrokerRun> run(Map<String, BrokerFactory> brokers, List<Workload> workloads, Path workDir)
            throws IOException, InterruptedException {
        List<BrokerRun> runs = new ArrayList<>();
        for (Map.Entry<String, BrokerFactory> entry : brokers.entrySet()) {
            try (BenchBroker broker = entry.getValue().create(workDir)) {
                progress.accept("Starting " + broker.name());
                broker.start();
                double firstAckMs = FirstAck.measure(broker, Duration.ofMinutes(2));
                progress.accept(String.format("%s acknowledged its first record %.0f ms after process start",
                        broker.name(), firstAckMs));
                createTopics(broker, workloads);
                List<PerfResult> results = new ArrayList<>();
                for (Workload workload : workloads) {
                    progress.accept(broker.name() + ": " + workload.name());
                    double cpuBefore = broker.cpuSeconds();
                    PerfResult result = workload.run(broker, settings, toolsClasspath);
                    results.add(result.withCpu(broker.cpuSeconds() - cpuBefore));
                    progress.accept("  " + (result.ok() ? String.format("%.0f records/s, p99 %.1f ms",
                            result.recordsPerSec(), result.p99Ms()) : "not run: " + result.note()));
                }
                runs.add(new BrokerRun(broker.name(), firstAckMs, broker.peakResidentMiB(), results));
            }
        }
        return runs;
    }

    private void createTopics(BenchBroker broker, List<Workload> workloads) throws IOException, InterruptedException {
        Set<String> names = new java.util.LinkedHashSet<>();
        workloads.forEach(w -> names.add(w.topic()));
        List<NewTopic> topics = names.stream()
                .map(name -> new NewTopic(name, name.equals("bench-e2e") ? 1 : settings.partitions(), (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            admin.createTopics(topics).all().get();
        } catch (ExecutionException e) {
            throw new IOException("Could not create the benchmark topics on " + broker.name(), e.getCause());
        }
    }
}
