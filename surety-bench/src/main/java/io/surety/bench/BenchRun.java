package io.surety.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One benchmark run: every broker process started on a fresh data directory and timed to its first
 * acknowledged record, all of them kept running (warm) while {@link BenchSchedule} warms them up and
 * interleaves the measured trials, then each one's peak memory read and the processes stopped.
 */
final class BenchRun {

    /** How to make one broker process of the run, with the JVM options it runs with. */
    record BrokerSpec(String name, List<String> jvmOptions, BrokerFactory factory) {
    }

    interface BrokerFactory {
        BenchBroker create(Path workDir) throws IOException;
    }

    private final BenchSettings settings;
    private final WorkloadTools tools;
    private final Profiler profiler;
    private final Consumer<String> progress;

    BenchRun(BenchSettings settings, WorkloadTools tools, Profiler profiler, Consumer<String> progress) {
        this.settings = settings;
        this.tools = tools;
        this.profiler = profiler;
        this.progress = progress;
    }

    /** Runs {@code rows} after {@code warmUps}, starting only the brokers they use. */
    RunResult run(List<BrokerSpec> allSpecs, List<Row> rows, List<Workload> warmUps, Path workDir)
            throws IOException, InterruptedException {
        Set<String> used = BenchPlan.brokersOf(rows);
        List<BrokerSpec> specs = allSpecs.stream().filter(spec -> used.contains(spec.name())).toList();
        Map<String, BenchBroker> brokers = new LinkedHashMap<>();
        List<RunResult.BrokerFacts> facts = new ArrayList<>();
        Map<String, Double> firstAck = new LinkedHashMap<>();
        try {
            for (BrokerSpec spec : specs) {
                BenchBroker broker = spec.factory().create(workDir);
                brokers.put(spec.name(), broker);
                progress.accept("Starting " + spec.name());
                double ms = FirstAck.startAndMeasure(broker, Duration.ofMinutes(2));
                firstAck.put(spec.name(), ms);
                progress.accept(String.format("%s acknowledged its first record %.0f ms after process start", spec.name(), ms));
            }
            BenchSchedule schedule = new BenchSchedule(settings.repetitions(), settings.maxOthersShare(),
                    settings.attemptsPerTrial(), progress);
            List<BenchSchedule.RowSamples> samples;
            try (TrialRunner trials = new TrialRunner(brokers, tools, profiler, progress)) {
                samples = schedule.run(rows, warmUps, trials);
            }
            for (BrokerSpec spec : specs) {
                facts.add(new RunResult.BrokerFacts(spec.name(), firstAck.get(spec.name()),
                        brokers.get(spec.name()).peakResidentMiB(), spec.jvmOptions()));
            }
            return new RunResult(samples, facts);
        } finally {
            brokers.values().forEach(BenchBroker::close);
        }
    }
}
