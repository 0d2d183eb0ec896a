package io.surety.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The order of a run, and which trials count. First every broker process runs every warm-up
 * workload, and those figures are thrown away (a JVM's JIT needs far longer to settle than one
 * trial; Kafka's most). Then, {@code repetitions} times, each row runs its two contenders one after
 * the other on fresh topics, the row's first contender alternating from one repetition to the next
 * so neither always runs right after the other's load. Rows whose trial kills a node run after all
 * the others, repetitions and all, so no other trial meets a node restarted cold. A trial during which other processes used
 * more than {@code maxOthersShare} of the machine is run again, up to {@code attemptsPerTrial}
 * attempts; if every attempt was disturbed the quietest is kept and marked.
 *
 * <p>The trials themselves are behind {@link Trials}, so this logic is tested without brokers.
 * Not thread-safe; one benchmark thread runs it.
 */
final class BenchSchedule {

    enum Phase { WARM_UP, MEASURED }

    /** Runs one trial; {@code repetition} counts from 1 (0 in the warm-up). */
    interface Trials {
        Sample run(Contender contender, Workload workload, Phase phase, int repetition)
                throws IOException, InterruptedException;
    }

    /** Every measured sample of one row, per contender, in the order they ran. */
    record RowSamples(Row row, List<Sample> base, List<Sample> candidate) {
    }

    private final int repetitions;
    private final double maxOthersShare;
    private final int attemptsPerTrial;
    private final Consumer<String> progress;

    BenchSchedule(int repetitions, double maxOthersShare, int attemptsPerTrial, Consumer<String> progress) {
        if (repetitions < 1 || attemptsPerTrial < 1) {
            throw new IllegalArgumentException("repetitions and attempts must be at least 1");
        }
        this.repetitions = repetitions;
        this.maxOthersShare = maxOthersShare;
        this.attemptsPerTrial = attemptsPerTrial;
        this.progress = progress;
    }

    List<RowSamples> run(List<Row> rows, List<Workload> warmUps, Trials trials) throws IOException, InterruptedException {
        for (Contender contender : oneContenderPerBroker(rows)) {
            for (Workload warmUp : warmUps) {
                progress.accept("warm-up " + contender.broker() + ": " + warmUp.name());
                trials.run(contender, warmUp, Phase.WARM_UP, 0);
            }
        }
        Map<Row, RowSamples> samples = new LinkedHashMap<>();
        rows.forEach(row -> samples.put(row, new RowSamples(row, new ArrayList<>(), new ArrayList<>())));
        List<Row> steady = rows.stream().filter(row -> !row.workload().killsANode()).toList();
        List<Row> killing = rows.stream().filter(row -> row.workload().killsANode()).toList();
        for (List<Row> group : List.of(steady, killing)) {
            repeat(group, trials, samples);
        }
        return List.copyOf(samples.values());
    }

    private void repeat(List<Row> rows, Trials trials, Map<Row, RowSamples> samples)
            throws IOException, InterruptedException {
        for (int repetition = 1; repetition <= repetitions; repetition++) {
            for (Row row : rows) {
                boolean baseFirst = repetition % 2 == 1;
                Contender first = baseFirst ? row.base() : row.candidate();
                Contender second = baseFirst ? row.candidate() : row.base();
                Sample firstSample = measure(trials, first, row.workload(), repetition);
                Sample secondSample = measure(trials, second, row.workload(), repetition);
                RowSamples into = samples.get(row);
                into.base().add(baseFirst ? firstSample : secondSample);
                into.candidate().add(baseFirst ? secondSample : firstSample);
            }
        }
    }

    private Sample measure(Trials trials, Contender contender, Workload workload, int repetition)
            throws IOException, InterruptedException {
        Sample quietest = null;
        for (int attempt = 1; attempt <= attemptsPerTrial; attempt++) {
            progress.accept(String.format("repetition %d, %s: %s%s", repetition, contender.name(), workload.name(),
                    attempt > 1 ? " (attempt " + attempt + ")" : ""));
            Sample sample = trials.run(contender, workload, Phase.MEASURED, repetition);
            if (sample.othersShare() <= maxOthersShare) {
                return sample;
            }
            progress.accept(String.format("  disturbed: other processes used %.1f%% of the machine", 100 * sample.othersShare()));
            if (quietest == null || sample.othersShare() < quietest.othersShare()) {
                quietest = sample;
            }
        }
        return quietest.markDisturbed();
    }

    /** The warm-up runs once per broker process, through the first contender that uses it. */
    private static List<Contender> oneContenderPerBroker(List<Row> rows) {
        Set<String> seen = new LinkedHashSet<>();
        List<Contender> contenders = new ArrayList<>();
        for (Row row : rows) {
            for (Contender contender : List.of(row.base(), row.candidate())) {
                if (seen.add(contender.broker())) {
                    contenders.add(contender);
                }
            }
        }
        return contenders;
    }
}
