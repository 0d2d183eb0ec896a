package io.surety.check.checker;

import static io.surety.check.checker.Guarantees.AT_LEAST_ONCE;
import static io.surety.check.checker.Guarantees.AT_MOST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Stall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The whole run: results per guarantee, fault windows and the timeline on the run's time axis. */
class SummaryTest {

    private static List<HistoryEvent> threeGuaranteesWithFaults() {
        HistoryBuilder h = new HistoryBuilder(null).runStart();
        h.at(500).faultStart("broker kill -9");
        h.at(1200).faultStart("black hole");
        h.at(1500).faultEnd("broker kill -9");
        h.at(1600).faultEnd("connection reset"); // never started: ignored
        h.at(2000).faultStart("broker kill -9");
        h.at(2100).faultEnd("broker kill -9");

        // exactly-once first in the file: results still come in the usual order
        h.guarantee(EXACTLY_ONCE).at(100).sent("e1", 0, 0, 0);
        h.at(2200).assign("copier-1", "0").poll("copier-1", "e1", 0, 0, 0).process("copier-1", "e1", 0, 0, 0);

        h.guarantee(AT_MOST_ONCE).at(10).sent("m1", 0, 0, 0).sent("m1", 1, 0, 1);
        h.at(1100).sent("m1", 2, 0, 2);
        h.at(300).assign("c1", "0").poll("c1", "m1", 0, 0, 0).poll("c1", "m1", 1, 0, 1).commit("c1", 0, 2)
                .process("c1", "m1", 0, 0, 0).process("c1", "m1", 1, 0, 1);

        h.guarantee(AT_LEAST_ONCE).at(20).sent("l1", 0, 0, 0);
        h.at(2400).assign("c5", "0").poll("c5", "l1", 0, 0, 0).process("c5", "l1", 0, 0, 0);
        h.at(2500).crash("c5", "mid-processing");

        h.guarantee(AT_MOST_ONCE).at(3000).logRead("m1", 0, 0, 0).logRead("m1", 1, 0, 1).logRead("m1", 2, 0, 2);
        h.guarantee(AT_LEAST_ONCE).logRead("l1", 0, 0, 0);
        h.guarantee(EXACTLY_ONCE).logRead("e1", 0, 0, 0).outputRead("e1", 0, 0, 0);
        h.guarantee(null).at(3200).runEnd("complete");
        List<HistoryEvent> events = new ArrayList<>(h.events());
        events.sort(Comparator.comparingLong(HistoryEvent::nanos));
        return events;
    }

    @Test
    void summarizesEveryGuaranteeInTheUsualOrder() {
        CheckSummary summary = HistoryChecker.summarize(threeGuaranteesWithFaults(), "embedded Surety broker",
                "2025-01-01T00:00:00Z", true, null);

        assertThat(summary.target()).isEqualTo("embedded Surety broker");
        assertThat(summary.startedAt()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(summary.complete()).isTrue();
        assertThat(summary.note()).isNull();
        assertThat(summary.durationMs()).isEqualTo(3200);
        assertThat(summary.results()).extracting(GuaranteeResult::guarantee)
                .containsExactly(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE);
        assertThat(summary.results()).extracting(GuaranteeResult::lost).containsExactly(1L, 0L, 0L);
        assertThat(summary.results()).extracting(GuaranteeResult::delivered).containsExactly(2L, 1L, 1L);
        assertThat(summary.passed()).isTrue();
    }

    @Test
    void faultWindowsAreMatchedByNameInOrderAndCrashesHaveNoLength() {
        CheckSummary summary = HistoryChecker.summarize(threeGuaranteesWithFaults(), "t", "s", true, null);

        assertThat(summary.faults()).containsExactly(
                new FaultWindow("broker kill -9", 500, 1500),
                new FaultWindow("black hole", 1200, -1),
                new FaultWindow("broker kill -9", 2000, 2100),
                new FaultWindow("at-least-once consumer crash mid-processing", 2500, 2500));
    }

    @Test
    void shouldMarkFailedAndSkippedFaultsWithTheirReasonWhenTheHistoryRecordsThem() {
        HistoryBuilder h = new HistoryBuilder(null).runStart();
        h.at(500).faultStart("broker kill -9 and restart");
        h.at(900).faultFailed("broker kill -9 and restart", "the broker restart command exited with 1");
        h.at(900).faultEnd("broker kill -9 and restart");
        h.at(1000).faultSkipped("network black hole 3 s", "the run ended after broker kill -9 and restart failed");
        h.at(1100).faultFailed("at-least-once consumer crash mid-processing", "no consumer");
        h.at(1200).faultStart("connection reset").faultEnd("connection reset");
        h.at(1300).faultSkipped("broker kill -9 and restart", null);
        h.at(1400).runEnd("stopped");

        CheckSummary summary = HistoryChecker.summarize(h.events(), "t", "s", false, "stopped");

        assertThat(summary.faults()).containsExactly(
                new FaultWindow("broker kill -9 and restart", 500, 900, FaultStatus.FAILED,
                        "the broker restart command exited with 1"),
                new FaultWindow("network black hole 3 s", 1000, 1000, FaultStatus.SKIPPED,
                        "the run ended after broker kill -9 and restart failed"),
                new FaultWindow("at-least-once consumer crash mid-processing", 1100, 1100, FaultStatus.FAILED,
                        "no consumer"),
                new FaultWindow("connection reset", 1200, 1201),
                new FaultWindow("broker kill -9 and restart", 1300, 1300, FaultStatus.SKIPPED, "no reason recorded"));
        assertThat(summary.faultsFailed()).isEqualTo(2);
        assertThat(summary.faultsSkipped()).isEqualTo(2);
    }

    @Test
    void timelineCountsAcknowledgementsAndProcessingPerSecond() {
        CheckSummary summary = HistoryChecker.summarize(threeGuaranteesWithFaults(), "t", "s", true, null);

        assertThat(summary.timeline().bucketMs()).isEqualTo(1000);
        assertThat(summary.timeline().acknowledgedPerBucket()).containsOnlyKeys(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE);
        assertThat(summary.timeline().acknowledgedPerBucket().get(AT_MOST_ONCE)).containsExactly(2L, 1L, 0L, 0L);
        assertThat(summary.timeline().acknowledgedPerBucket().get(AT_LEAST_ONCE)).containsExactly(1L, 0L, 0L, 0L);
        assertThat(summary.timeline().acknowledgedPerBucket().get(EXACTLY_ONCE)).containsExactly(1L, 0L, 0L, 0L);
        assertThat(summary.timeline().deliveredPerBucket().get(AT_MOST_ONCE)).containsExactly(2L, 0L, 0L, 0L);
        assertThat(summary.timeline().deliveredPerBucket().get(AT_LEAST_ONCE)).containsExactly(0L, 0L, 1L, 0L);
        assertThat(summary.timeline().deliveredPerBucket().get(EXACTLY_ONCE)).containsExactly(0L, 0L, 1L, 0L);
    }

    @Test
    void timelineMeasuresTheLongestStretchWithoutAnAcknowledgementOfEachGuarantee() {
        CheckSummary summary = HistoryChecker.summarize(threeGuaranteesWithFaults(), "t", "s", true, null);

        // at-most-once: two records acknowledged just after 10 ms, the third just after 1100 ms, across
        // the broker kill at 500 ms (each event of the history a millisecond after the one before).
        assertThat(summary.timeline().longestStalls()).containsOnlyKeys(AT_MOST_ONCE)
                .containsEntry(AT_MOST_ONCE, new Stall(13, 1101));
        assertThat(summary.timeline().longestStalls().get(AT_MOST_ONCE).durationMs()).isEqualTo(1088);
    }

    @Test
    void theOrderOfTheInputDoesNotMatter() {
        List<HistoryEvent> shuffled = new ArrayList<>(threeGuaranteesWithFaults());
        Collections.shuffle(shuffled, new Random(7));

        assertThat(HistoryChecker.summarize(shuffled, "t", "s", true, null))
                .isEqualTo(HistoryChecker.summarize(threeGuaranteesWithFaults(), "t", "s", true, null));
    }

    @Test
    void anInterruptedRunStillGetsVerdictsButDoesNotPass() {
        List<HistoryEvent> events = new ArrayList<>(threeGuaranteesWithFaults());
        events.removeIf(e -> e.type() == EventType.RUN_END || e.type() == EventType.LOG_READ
                || e.type() == EventType.OUTPUT_READ);

        CheckSummary summary = HistoryChecker.summarize(events, "t", "s", false, "interrupted");

        assertThat(summary.complete()).isFalse();
        assertThat(summary.note()).isEqualTo("interrupted");
        assertThat(summary.durationMs()).as("up to the last event").isEqualTo(2500);
        assertThat(summary.timeline().acknowledgedPerBucket().get(AT_MOST_ONCE)).hasSize(3);
        // Without the final read, an undelivered record may still have been on its way: counted, not judged.
        assertThat(summary.results().get(2).lost()).isPositive();
        assertThat(summary.results()).extracting(r -> r.verdict().passed()).containsExactly(true, true, true);
        assertThat(summary.passed()).isFalse();
    }

    @Test
    void anInterruptedRunStillFailsOnWhatItSawForCertain() {
        List<HistoryEvent> events = new ArrayList<>(threeGuaranteesWithFaults());
        events.removeIf(e -> e.type() == EventType.RUN_END || e.type() == EventType.LOG_READ
                || e.type() == EventType.OUTPUT_READ);
        HistoryEvent processed = events.stream()
                .filter(e -> e.type() == EventType.PROCESS && AT_MOST_ONCE.equals(e.guarantee())).findFirst().orElseThrow();
        events.add(processed);

        CheckSummary summary = HistoryChecker.summarize(events, "t", "s", false, "interrupted");

        assertThat(summary.results().get(0).duplicated()).isEqualTo(1);
        assertThat(summary.results().get(0).verdict().passed()).isFalse();
    }

    @Test
    void onlyTheGuaranteesInTheHistoryAreReported() {
        List<HistoryEvent> events = new CleanPipeline(AT_LEAST_ONCE).events();

        CheckSummary summary = HistoryChecker.summarize(events, "t", "s", true, null);

        assertThat(summary.results()).extracting(GuaranteeResult::guarantee).containsExactly(AT_LEAST_ONCE);
        assertThat(summary.timeline().deliveredPerBucket()).containsOnlyKeys(AT_LEAST_ONCE);
        assertThat(summary.faults()).isEmpty();
        assertThat(summary.passed()).isTrue();
    }

    @Test
    void anEmptyHistoryGivesAnEmptySummary() {
        CheckSummary summary = HistoryChecker.summarize(List.of(), "t", "s", false, "never started");

        assertThat(summary.results()).isEmpty();
        assertThat(summary.durationMs()).isZero();
        assertThat(summary.faults()).isEmpty();
        assertThat(summary.timeline().acknowledgedPerBucket()).isEmpty();
    }

    @Test
    void anUnknownGuaranteeInTheHistoryIsRefused() {
        List<HistoryEvent> events = new HistoryBuilder("at-most-twice").send("p1", 0).events();

        assertThatThrownBy(() -> HistoryChecker.summarize(events, "t", "s", true, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
