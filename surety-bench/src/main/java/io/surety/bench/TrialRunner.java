package io.surety.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs one trial against a running broker: a fresh topic with the contender's topic configuration
 * (one replica on each of the broker's nodes), filled first when the workload reads, then the load
 * generator with the broker's CPU and the machine's read around it, then the topic deleted. The
 * failover trial makes its own topic and measures time only ({@link FailoverTrial}). Each trial has its own topic, so a consumer
 * finds exactly the records it waits for and no trial reads another's data.
 *
 * <p>Not thread-safe; the benchmark thread drives it. Closing it closes its admin clients, not the brokers.
 */
final class TrialRunner implements BenchSchedule.Trials, AutoCloseable {

    private final Map<String, BenchBroker> brokers;
    private final WorkloadTools tools;
    private final Profiler profiler;
    private final Consumer<String> progress;
    private final FailoverTrial failover;
    private final Map<String, Admin> admins = new HashMap<>();
    private int topicSequence;

    TrialRunner(Map<String, BenchBroker> brokers, WorkloadTools tools, Profiler profiler, Consumer<String> progress) {
        this.brokers = Map.copyOf(brokers);
        this.tools = tools;
        this.profiler = profiler;
        this.progress = progress;
        this.failover = new FailoverTrial(progress);
    }

    /** One trial; a trial that could not be run (a topic not created, a tool that failed) is a failed sample, not the end of the run. */
    @Override
    public Sample run(Contender contender, Workload workload, BenchSchedule.Phase phase, int repetition)
            throws InterruptedException {
        BenchBroker broker = brokers.get(contender.broker());
        String topic = String.format("bench-%03d-%s", ++topicSequence, phase == BenchSchedule.Phase.WARM_UP ? "warm" : "r" + repetition);
        try {
            return measure(broker, contender, topic, workload, phase, repetition);
        } catch (IOException e) {
            progress.accept("  not run: " + e.getMessage());
            return Sample.of(PerfResult.failed(workload.name(), contender.name(), e.getMessage()), 0);
        }
    }

    private Sample measure(BenchBroker broker, Contender contender, String topic, Workload workload,
            BenchSchedule.Phase phase, int repetition) throws IOException, InterruptedException {
        if (workload.kind() == Workload.Kind.FAILOVER) {
            try {
                return Sample.of(failover.run(broker, admin(broker), contender, topic, workload), 0);
            } finally {
                deleteTopic(broker, topic);
            }
        }
        createTopic(broker, contender, topic, workload.partitions());
        try {
            if (workload.readsFilledTopic()) {
                PerfResult fill = tools.fill(broker, topic, workload);
                if (!fill.ok()) {
                    return Sample.of(PerfResult.failed(workload.name(), contender.name(), "fill: " + fill.note()), 0);
                }
            }
            boolean profiled = phase == BenchSchedule.Phase.MEASURED && repetition == 1;
            if (profiled) {
                profiler.start(broker, contender, workload);
            }
            List<Long> idle = idlePids(broker);
            CpuMeter.Reading before = CpuMeter.read(broker.pids(), idle);
            PerfResult result = tools.run(broker, contender, topic, workload);
            CpuMeter.Reading after = CpuMeter.read(broker.pids(), idle);
            if (profiled) {
                profiler.stop(broker);
            }
            double othersShare = CpuMeter.othersShare(before, after, Runtime.getRuntime().availableProcessors());
            PerfResult measured = result.withCpu(CpuMeter.brokerCpu(before, after));
            if (measured.ok()) {
                progress.accept(String.format("  %s records/s, p99 %s ms, %s records per broker CPU-second (JIT %.0f%%), "
                                + "others %.1f%%", BenchReport.num(measured.recordsPerSec(), 0),
                        BenchReport.num(measured.p99Ms(), 1), BenchReport.num(measured.recordsPerBrokerCpuSecond(), 0),
                        100 * CpuMeter.jitShare(before, after), 100 * othersShare));
            } else {
                progress.accept("  not run: " + measured.note());
            }
            return Sample.of(measured, othersShare, CpuMeter.jitShare(before, after));
        } finally {
            deleteTopic(broker, topic);
        }
    }

    private void createTopic(BenchBroker broker, Contender contender, String topic, int partitions)
            throws IOException, InterruptedException {
        NewTopic newTopic = new NewTopic(topic, partitions, broker.replicationFactor()).configs(contender.topicConfigs());
        try {
            admin(broker).createTopics(List.of(newTopic)).all().get();
        } catch (ExecutionException e) {
            throw new IOException("Could not create " + topic + " on " + broker.name() + ": " + e.getCause(), e.getCause());
        }
    }

    private void deleteTopic(BenchBroker broker, String topic) throws IOException, InterruptedException {
        try {
            admin(broker).deleteTopics(Set.of(topic)).all().get();
        } catch (ExecutionException e) {
            throw new IOException("Could not delete " + topic + " on " + broker.name() + ": " + e.getCause(), e.getCause());
        }
    }

    /** The processes of the run's other brokers, idle while {@code measured} runs a trial. */
    private List<Long> idlePids(BenchBroker measured) {
        List<Long> pids = new ArrayList<>();
        brokers.values().stream().filter(broker -> broker != measured).forEach(broker -> pids.addAll(broker.pids()));
        return pids;
    }

    private Admin admin(BenchBroker broker) {
        return admins.computeIfAbsent(broker.name(), name -> Admin.create(Map.of("bootstrap.servers", broker.bootstrap(),
                "default.api.timeout.ms", (int) Duration.ofMinutes(2).toMillis(),
                "request.timeout.ms", (int) Duration.ofMinutes(1).toMillis())));
    }

    @Override
    public void close() {
        List<Admin> open = new ArrayList<>(admins.values());
        admins.clear();
        open.forEach(Admin::close);
    }
}
