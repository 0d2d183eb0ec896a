package io.surety.check.checker;

import static io.surety.check.checker.Guarantees.AT_LEAST_ONCE;
import static io.surety.check.checker.Guarantees.AT_MOST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.checker.RandomHistory.Anomaly;
import io.surety.check.checker.RandomHistory.Rec;
import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.GuaranteeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random histories: a clean run passes with the counts its model predicts, and k injected
 * anomalies of one kind raise exactly that count by k, leave every other anomaly count alone and
 * fail exactly the guarantees that forbid the kind.
 */
class RandomHistoryTest {

    private static final int SEEDS = 8;
    private static final int RECORDS_PER_PRODUCER = 60;

    private static final Map<Anomaly, ToLongFunction<GuaranteeResult>> COUNT = Map.of(
            Anomaly.LOST, GuaranteeResult::lost,
            Anomaly.DUPLICATE, GuaranteeResult::duplicated,
            Anomaly.LOG_DUPLICATE, GuaranteeResult::logDuplicates,
            Anomaly.REORDER, GuaranteeResult::reordered,
            Anomaly.ABORTED_READ, GuaranteeResult::abortedReads,
            Anomaly.PHANTOM, GuaranteeResult::phantoms,
            Anomaly.SKIP, GuaranteeResult::offsetsSkipped,
            Anomaly.SKIP_AFTER_REBALANCE, GuaranteeResult::offsetsSkipped);

    /** Which guarantees each kind of anomaly fails. */
    private static final Map<Anomaly, Set<String>> FAILS = Map.of(
            Anomaly.LOST, Set.of(AT_LEAST_ONCE, EXACTLY_ONCE),
            Anomaly.DUPLICATE, Set.of(AT_MOST_ONCE, EXACTLY_ONCE),
            Anomaly.LOG_DUPLICATE, Set.of(AT_MOST_ONCE, EXACTLY_ONCE),
            Anomaly.REORDER, Set.of(),
            Anomaly.ABORTED_READ, Set.of(EXACTLY_ONCE),
            Anomaly.PHANTOM, Set.of(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE),
            Anomaly.SKIP, Set.of(AT_LEAST_ONCE),
            Anomaly.SKIP_AFTER_REBALANCE, Set.of(AT_LEAST_ONCE));

    static Stream<Arguments> cleanRuns() {
        return Stream.of(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE)
                .flatMap(g -> LongStream.rangeClosed(1, SEEDS).mapToObj(seed -> Arguments.of(g, seed)));
    }

    static Stream<Arguments> injections() {
        List<Arguments> cases = new ArrayList<>();
        for (String g : List.of(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE)) {
            for (Anomaly kind : Anomaly.values()) {
                if (kind == Anomaly.ABORTED_READ && !g.equals(EXACTLY_ONCE)) {
                    continue; // only transactions abort
                }
                for (long seed = 1; seed <= SEEDS; seed++) {
                    cases.add(Arguments.of(g, kind, seed));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cleanRuns")
    void aCleanRandomRunPassesWithTheCountsOfItsModel(String guarantee, long seed) {
        RandomHistory run = RandomHistory.clean(guarantee, seed, RECORDS_PER_PRODUCER, 0);

        GuaranteeResult r = HistoryChecker.check(guarantee, run.events());

        List<Rec> records = run.records;
        assertThat(r.sent()).isEqualTo(records.size());
        assertThat(r.acknowledged()).isEqualTo(records.stream().filter(x -> x.acknowledged).count());
        assertThat(r.failed()).isEqualTo(records.stream().filter(x -> x.failed).count());
        assertThat(r.delivered()).isEqualTo(run.delivered.size());
        assertThat(r.lost()).isEqualTo(records.stream()
                .filter(x -> x.acknowledged && !run.delivered.contains(x)).count());
        assertThat(r.lostUnacknowledged()).isEqualTo(records.stream()
                .filter(x -> !x.acknowledged && !x.failed && !run.delivered.contains(x)).count());
        assertThat(r.logDuplicates()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.abortedReads()).isZero();
        assertThat(r.phantoms()).isZero();
        assertThat(r.offsetsSkipped()).isZero();
        if (!guarantee.equals(AT_LEAST_ONCE)) {
            assertThat(r.duplicated()).isZero();
        }
        if (!guarantee.equals(AT_MOST_ONCE)) {
            assertThat(r.lost()).isZero();
        }
        assertThat(r.verdict().violations()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("injections")
    void kInjectedAnomaliesCountK(String guarantee, Anomaly kind, long seed) {
        Random choice = new Random(seed * 1_000 + kind.ordinal());
        int k = 1 + choice.nextInt(5);
        GuaranteeResult before;
        GuaranteeResult after;
        if (kind == Anomaly.REORDER) {
            before = HistoryChecker.check(guarantee, RandomHistory.clean(guarantee, seed, RECORDS_PER_PRODUCER, 0).events());
            after = HistoryChecker.check(guarantee, RandomHistory.clean(guarantee, seed, RECORDS_PER_PRODUCER, k).events());
        } else {
            RandomHistory run = RandomHistory.clean(guarantee, seed, RECORDS_PER_PRODUCER, 0);
            if (kind == Anomaly.SKIP_AFTER_REBALANCE) { // a copier changes hands only when it crashes
                assertThat(run.skippableAfterRebalance()).isPositive();
                k = Math.min(k, run.skippableAfterRebalance());
            }
            before = HistoryChecker.check(guarantee, run.events());
            List<HistoryEvent> injected = run.inject(kind, k, choice);
            after = HistoryChecker.check(guarantee, injected);
        }

        ToLongFunction<GuaranteeResult> count = COUNT.get(kind);
        assertThat(count.applyAsLong(after) - count.applyAsLong(before)).as("%s added", kind).isEqualTo(k);
        for (Anomaly other : Anomaly.values()) {
            ToLongFunction<GuaranteeResult> otherCount = COUNT.get(other);
            boolean sameCount = sameCount(kind, other);
            boolean lostTakesItsDuplicates = kind == Anomaly.LOST && other == Anomaly.DUPLICATE;
            if (!sameCount && !lostTakesItsDuplicates) {
                assertThat(otherCount.applyAsLong(after)).as("%s after %s", other, kind)
                        .isEqualTo(otherCount.applyAsLong(before));
            }
        }
        assertThat(after.verdict().passed()).as("verdict after %s", kind)
                .isEqualTo(!FAILS.get(kind).contains(guarantee));
        assertThat(after.verdict().violations()).hasSizeLessThanOrEqualTo(1);
    }

    private static boolean sameCount(Anomaly a, Anomaly b) {
        return a == b || (isSkip(a) && isSkip(b));
    }

    private static boolean isSkip(Anomaly a) {
        return a == Anomaly.SKIP || a == Anomaly.SKIP_AFTER_REBALANCE;
    }

    @Test
    void theGeneratedRunsExerciseWhatTheyClaim() {
        long crashes = 0;
        long aborted = 0;
        long duplicatesAtLeastOnce = 0;
        long lossAtMostOnce = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            List<HistoryEvent> alo = RandomHistory.clean(AT_LEAST_ONCE, seed, RECORDS_PER_PRODUCER, 0).events();
            crashes += alo.stream().filter(e -> e.type() == EventType.CRASH).count();
            duplicatesAtLeastOnce += HistoryChecker.check(AT_LEAST_ONCE, alo).duplicated();
            lossAtMostOnce += HistoryChecker.check(AT_MOST_ONCE,
                    RandomHistory.clean(AT_MOST_ONCE, seed, RECORDS_PER_PRODUCER, 0).events()).lost();
            aborted += RandomHistory.clean(EXACTLY_ONCE, seed, RECORDS_PER_PRODUCER, 0).abortedRecords();
        }
        assertThat(crashes).isPositive();
        assertThat(duplicatesAtLeastOnce).isPositive();
        assertThat(lossAtMostOnce).isPositive();
        assertThat(aborted).isGreaterThanOrEqualTo(5L * SEEDS);
    }

    @Test
    @Timeout(30)
    void aHistoryOfSeveralHundredThousandEventsIsCheckedQuickly() {
        for (String guarantee : List.of(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE)) {
            List<HistoryEvent> events = RandomHistory.clean(guarantee, 42, 30_000, 0).events();
            assertThat(events.size()).isGreaterThan(200_000);

            long started = System.nanoTime();
            GuaranteeResult r = HistoryChecker.check(guarantee, events);
            long ms = (System.nanoTime() - started) / 1_000_000;

            assertThat(r.verdict().passed()).isTrue();
            assertThat(ms).as("milliseconds to check %d events", events.size()).isLessThan(10_000);
        }
    }
}
