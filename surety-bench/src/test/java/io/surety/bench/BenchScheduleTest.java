package io.surety.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchScheduleTest {

    private static final Workload PRODUCE = Workload.produce("produce", 100, 1024, 3, "1", false);
    private static final Workload CONSUME = Workload.consume("consume", 100, 3);
    private static final Workload WARM_UP = Workload.produce("warm-up", 1_000, 1024, 3, "all", true);
    private static final Row PAGE_CACHE_PRODUCE = new Row("page cache", PRODUCE, Contender.KAFKA, Contender.SURETY_INTERVAL);
    private static final Row PAGE_CACHE_CONSUME = new Row("page cache", CONSUME, Contender.KAFKA, Contender.SURETY_INTERVAL);
    private static final Row FSYNC_PRODUCE = new Row("fsync", PRODUCE, Contender.KAFKA_FLUSH_EVERY_MESSAGE,
            Contender.SURETY_FSYNC);

    /** A trial that records what ran, and answers with figures (and noise) the test chose. */
    private static final class ScriptedTrials implements BenchSchedule.Trials {
        final List<String> calls = new ArrayList<>();
        final Map<String, double[]> othersShareByCall;
        private final Map<String, Integer> attempts = new java.util.HashMap<>();
        private double nextRate = 1;

        ScriptedTrials(Map<String, double[]> othersShareByCall) {
            this.othersShareByCall = othersShareByCall;
        }

        @Override
        public Sample run(Contender contender, Workload workload, BenchSchedule.Phase phase, int repetition) {
            String call = phase + " " + contender.name() + " " + workload.name() + " " + repetition;
            calls.add(call);
            int attempt = attempts.merge(call, 1, Integer::sum);
            double[] shares = othersShareByCall.getOrDefault(call, new double[] {0.01});
            double share = shares[Math.min(attempt, shares.length) - 1];
            double rate = phase == BenchSchedule.Phase.WARM_UP ? 1_000_000 : nextRate++;
            return Sample.of(new PerfResult(workload.name(), contender.name(), 100, rate, 1, 1, 1, 1, 1, null), share);
        }
    }

    private static BenchSchedule schedule(int repetitions) {
        return new BenchSchedule(repetitions, 0.05, 3, line -> { });
    }

    @Test
    void shouldWarmUpEveryBrokerProcessOnceBeforeAnythingIsMeasured() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of());
        schedule(1).run(List.of(PAGE_CACHE_PRODUCE, FSYNC_PRODUCE), List.of(WARM_UP), trials);
        // Kafka's page-cache and flush.messages=1 contenders share one process: one warm-up for it.
        assertThat(trials.calls.subList(0, 3)).containsExactly(
                "WARM_UP Kafka warm-up 0", "WARM_UP Surety interval warm-up 0", "WARM_UP Surety fsync warm-up 0");
        assertThat(trials.calls.subList(3, trials.calls.size())).allMatch(call -> call.startsWith("MEASURED"));
    }

    @Test
    void shouldDiscardWarmUpFiguresWhenSummarising() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of());
        List<BenchSchedule.RowSamples> rows = schedule(3).run(List.of(PAGE_CACHE_PRODUCE), List.of(WARM_UP), trials);
        assertThat(rows.get(0).base()).hasSize(3);
        assertThat(rows.get(0).candidate()).hasSize(3);
        assertThat(rows.get(0).base()).noneMatch(s -> s.result().recordsPerSec() == 1_000_000);
        assertThat(rows.get(0).candidate()).noneMatch(s -> s.result().recordsPerSec() == 1_000_000);
    }

    @Test
    void shouldInterleaveContendersAndAlternateWhoGoesFirstWhenRepeating() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of());
        schedule(3).run(List.of(PAGE_CACHE_PRODUCE, PAGE_CACHE_CONSUME), List.of(), trials);
        assertThat(trials.calls).containsExactly(
                "MEASURED Kafka produce 1", "MEASURED Surety interval produce 1",
                "MEASURED Kafka consume 1", "MEASURED Surety interval consume 1",
                "MEASURED Surety interval produce 2", "MEASURED Kafka produce 2",
                "MEASURED Surety interval consume 2", "MEASURED Kafka consume 2",
                "MEASURED Kafka produce 3", "MEASURED Surety interval produce 3",
                "MEASURED Kafka consume 3", "MEASURED Surety interval consume 3");
    }

    @Test
    void shouldRunTheNodeKillingRowAfterEveryRepetitionOfTheOthersWhenItIsListedFirst() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of());
        Row failover = new Row("page cache", Workload.failover("failover"), Contender.KAFKA, Contender.SURETY_INTERVAL);
        List<BenchSchedule.RowSamples> rows = schedule(2).run(List.of(failover, PAGE_CACHE_PRODUCE), List.of(), trials);
        assertThat(trials.calls).containsExactly(
                "MEASURED Kafka produce 1", "MEASURED Surety interval produce 1",
                "MEASURED Surety interval produce 2", "MEASURED Kafka produce 2",
                "MEASURED Kafka failover 1", "MEASURED Surety interval failover 1",
                "MEASURED Surety interval failover 2", "MEASURED Kafka failover 2");
        assertThat(rows).extracting(r -> r.row().workload().name()).containsExactly("failover", "produce");
        assertThat(rows.get(0).base()).hasSize(2);
    }

    @Test
    void shouldFileEachSampleUnderItsContenderWhenSuretyRanFirst() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of());
        List<BenchSchedule.RowSamples> rows = schedule(2).run(List.of(PAGE_CACHE_PRODUCE), List.of(), trials);
        assertThat(rows.get(0).base()).allMatch(s -> s.result().broker().equals("Kafka"));
        assertThat(rows.get(0).candidate()).allMatch(s -> s.result().broker().equals("Surety interval"));
    }

    @Test
    void shouldRunATrialAgainWhenOtherProcessesDisturbedIt() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of("MEASURED Surety interval produce 1", new double[] {0.20, 0.02}));
        List<BenchSchedule.RowSamples> rows = schedule(1).run(List.of(PAGE_CACHE_PRODUCE), List.of(), trials);
        assertThat(trials.calls).containsExactly("MEASURED Kafka produce 1", "MEASURED Surety interval produce 1",
                "MEASURED Surety interval produce 1");
        Sample kept = rows.get(0).candidate().get(0);
        assertThat(kept.othersShare()).isEqualTo(0.02);
        assertThat(kept.disturbed()).isFalse();
    }

    @Test
    void shouldKeepTheQuietestAttemptAndMarkItWhenEveryAttemptWasDisturbed() throws Exception {
        ScriptedTrials trials = new ScriptedTrials(Map.of("MEASURED Kafka produce 1", new double[] {0.30, 0.10, 0.20}));
        List<BenchSchedule.RowSamples> rows = schedule(1).run(List.of(PAGE_CACHE_PRODUCE), List.of(), trials);
        assertThat(trials.calls).filteredOn(c -> c.equals("MEASURED Kafka produce 1")).hasSize(3);
        Sample kept = rows.get(0).base().get(0);
        assertThat(kept.othersShare()).isEqualTo(0.10);
        assertThat(kept.disturbed()).isTrue();
    }
}
