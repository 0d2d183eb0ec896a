package io.surety.check.checker;

import static io.surety.check.checker.CleanPipeline.is;
import static io.surety.check.checker.CleanPipeline.without;
import static io.surety.check.checker.Guarantees.AT_LEAST_ONCE;
import static io.surety.check.checker.Guarantees.AT_MOST_ONCE;
import static io.surety.check.checker.Guarantees.EXACTLY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.result.GuaranteeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each anomaly injected alone into an otherwise clean history is counted exactly and fails exactly
 * the guarantees that forbid it; what a guarantee allows leaves its verdict passing.
 */
class HistoryCheckerTest {

    private static GuaranteeResult check(String guarantee, List<HistoryEvent> history) {
        return HistoryChecker.check(guarantee, history);
    }

    /** The history with {@code extra} events appended after it (before RUN_END does not matter to a check). */
    private static List<HistoryEvent> plus(String guarantee, List<HistoryEvent> history,
                                           Consumer<HistoryBuilder> extra) {
        HistoryBuilder more = new HistoryBuilder(guarantee).at(10_000);
        extra.accept(more);
        List<HistoryEvent> all = new ArrayList<>(history);
        all.addAll(more.events());
        return all;
    }

    private static void assertNoAnomaly(GuaranteeResult r) {
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.logDuplicates()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.abortedReads()).isZero();
        assertThat(r.phantoms()).isZero();
        assertThat(r.offsetsSkipped()).isZero();
    }

    // ---- clean histories ----

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aCleanRunPassesWithExactCounts(String guarantee) {
        GuaranteeResult r = check(guarantee, new CleanPipeline(guarantee).events());

        assertThat(r.guarantee()).isEqualTo(guarantee);
        assertThat(r.promise()).isEqualTo(Guarantees.promise(guarantee));
        assertThat(r.sent()).isEqualTo(6);
        assertThat(r.acknowledged()).isEqualTo(6);
        assertThat(r.failed()).isZero();
        assertThat(r.delivered()).isEqualTo(6);
        assertThat(r.lostUnacknowledged()).isZero();
        assertNoAnomaly(r);
        assertThat(r.verdict().passed()).isTrue();
        assertThat(r.verdict().violations()).isEmpty();
    }

    @Test
    void promisesInPlainWords() {
        assertThat(Guarantees.promise(AT_MOST_ONCE)).isEqualTo("never duplicated; may lose");
        assertThat(Guarantees.promise(AT_LEAST_ONCE)).isEqualTo("never lost; may duplicate");
        assertThat(Guarantees.promise(EXACTLY_ONCE)).isEqualTo("neither lost nor duplicated");
    }

    @Test
    void exactlyOnceWithAbortedAndIndeterminateTransactionsPasses() {
        HistoryBuilder h = new HistoryBuilder(EXACTLY_ONCE).runStart();
        // transaction 1 commits: offsets 0, 1, marker at 2
        h.send("p1", 0).send("p1", 1).ack("p1", 0, 0, 0).ack("p1", 1, 0, 1);
        // transaction 2 aborts on purpose: offsets 3, 4, marker at 5
        h.send("p1", 2).send("p1", 3).fail("p1", 2, "aborted (deliberate)").fail("p1", 3, "aborted (deliberate)");
        // transaction 3 commits: offset 6, marker at 7
        h.send("p1", 4).ack("p1", 4, 0, 6);
        // the producer dies inside transaction 4: its records stay indeterminate, and were in fact aborted
        h.send("p1", 5).send("p1", 6);
        h.faultStart("producer kill -9").faultEnd("producer kill -9");
        // a plain send failure before it reached a transaction
        h.send("p2", 0).fail("p2", 0, "TimeoutException");
        h.assign("copier-1", "0");
        h.poll("copier-1", "p1", 0, 0, 0).poll("copier-1", "p1", 1, 0, 1);
        h.process("copier-1", "p1", 0, 0, 0).process("copier-1", "p1", 1, 0, 1);
        h.poll("copier-1", "p1", 4, 0, 6).process("copier-1", "p1", 4, 0, 6);
        h.logRead("p1", 0, 0, 0).logRead("p1", 1, 0, 1).logRead("p1", 4, 0, 6);
        h.outputRead("p1", 0, 0, 0).outputRead("p1", 1, 0, 2).outputRead("p1", 4, 0, 4);
        h.runEnd("complete");

        GuaranteeResult r = check(EXACTLY_ONCE, h.events());

        assertThat(r.sent()).isEqualTo(8);
        assertThat(r.acknowledged()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(3);
        assertThat(r.delivered()).isEqualTo(3);
        assertThat(r.lostUnacknowledged()).as("indeterminate records never delivered are not lost").isEqualTo(2);
        assertNoAnomaly(r);
        assertThat(r.verdict().passed()).isTrue();
    }

    // ---- each anomaly alone ----

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void anAcknowledgedRecordNeverDeliveredIsLost(String guarantee) {
        EventType delivery = guarantee.equals(EXACTLY_ONCE) ? EventType.OUTPUT_READ : EventType.PROCESS;
        List<HistoryEvent> history = without(new CleanPipeline(guarantee).events(), is(delivery, 3));

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.delivered()).isEqualTo(5);
        assertThat(r.lostUnacknowledged()).isZero();
        assertThat(r.offsetsSkipped()).isZero();
        if (guarantee.equals(AT_MOST_ONCE)) {
            assertThat(r.verdict().passed()).as("at-most-once may lose").isTrue();
        } else {
            assertThat(r.verdict().violations()).containsExactly("1 acknowledged record was never delivered");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aRecordDeliveredTwiceIsOneDuplicate(String guarantee) {
        List<HistoryEvent> history = plus(guarantee, new CleanPipeline(guarantee).events(), h -> {
            if (guarantee.equals(EXACTLY_ONCE)) {
                h.outputRead("p1", 3, 1, 40);
            } else {
                h.process("c2", "p1", 3, 1, 1);
            }
        });

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.duplicated()).isEqualTo(1);
        assertThat(r.delivered()).isEqualTo(6);
        assertThat(r.lost()).isZero();
        assertThat(r.logDuplicates()).isZero();
        if (guarantee.equals(AT_LEAST_ONCE)) {
            assertThat(r.verdict().passed()).as("at-least-once may duplicate").isTrue();
        } else {
            assertThat(r.verdict().violations()).containsExactly("1 delivery repeated a record already delivered");
        }
    }

    @Test
    void readingTheSameOutputOffsetTwiceIsNotADuplicate() {
        List<HistoryEvent> history = plus(EXACTLY_ONCE, new CleanPipeline(EXACTLY_ONCE).events(),
                h -> h.outputRead("p1", 3, 0, 3));

        assertThat(check(EXACTLY_ONCE, history).duplicated()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aRecordAtTwoOffsetsOfTheLogIsALogDuplicate(String guarantee) {
        List<HistoryEvent> history = plus(guarantee, new CleanPipeline(guarantee).events(),
                h -> h.logRead("p1", 3, 1, 40));

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.logDuplicates()).isEqualTo(1);
        assertThat(r.reordered()).as("the second copy is a duplicate, not a reorder").isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.offsetsSkipped()).isZero();
        if (guarantee.equals(AT_LEAST_ONCE)) {
            assertThat(r.verdict().passed()).isTrue();
        } else {
            assertThat(r.verdict().violations())
                    .containsExactly("1 record was written to the log at two or more offsets");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aRecordWrittenAfterALaterOneOfItsProducerIsReorderedAndFailsNothing(String guarantee) {
        // seq 2 and seq 4 both go to partition 0; seq 4 lands first
        GuaranteeResult r = check(guarantee, new CleanPipeline(guarantee).offset(2, 2).offset(4, 1).events());

        assertThat(r.reordered()).isEqualTo(1);
        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.logDuplicates()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void reorderIsPerProducerAndPartition() {
        HistoryBuilder h = new HistoryBuilder(AT_LEAST_ONCE);
        h.sent("p1", 0, 0, 0).sent("p2", 0, 0, 1).sent("p1", 5, 1, 0).sent("p1", 1, 0, 2).sent("p2", 1, 0, 3);
        h.logRead("p1", 0, 0, 0).logRead("p2", 0, 0, 1).logRead("p1", 5, 1, 0)
                .logRead("p1", 1, 0, 2).logRead("p2", 1, 0, 3);

        assertThat(check(AT_LEAST_ONCE, h.events()).reordered()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aReadOfAnAbortedRecordIsAnAbortedRead(String guarantee) {
        List<HistoryEvent> history = plus(guarantee, new CleanPipeline(guarantee).events(), h -> h
                .send("p1", 6).fail("p1", 6, "aborted (deliberate)")
                .poll("c9", "p1", 6, 0, 10));

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.abortedReads()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.phantoms()).isZero();
        assertThat(r.offsetsSkipped()).isZero();
        if (guarantee.equals(EXACTLY_ONCE)) {
            assertThat(r.verdict().violations()).containsExactly("1 record of an aborted transaction was read");
        } else {
            assertThat(r.verdict().passed()).isTrue();
        }
    }

    @Test
    void aReadOfAPlainFailedSendIsNotAnAbortedRead() {
        List<HistoryEvent> history = plus(AT_LEAST_ONCE, new CleanPipeline(AT_LEAST_ONCE).events(), h -> h
                .send("p1", 6).fail("p1", 6, "TimeoutException: expired")
                .poll("c9", "p1", 6, 0, 10));

        assertThat(check(AT_LEAST_ONCE, history).abortedReads()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aRecordNobodySentIsAPhantomAndFailsEveryGuarantee(String guarantee) {
        List<HistoryEvent> history = plus(guarantee, new CleanPipeline(guarantee).events(),
                h -> h.poll("c9", "ghost", 0, 0, 10));

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.phantoms()).isEqualTo(1);
        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.verdict().violations()).containsExactly("1 record was read that no producer sent");
    }

    @Test
    void aRecordOfAnotherGuaranteeIsAPhantomHere() {
        List<HistoryEvent> history = new ArrayList<>(new CleanPipeline(AT_LEAST_ONCE).events());
        history.addAll(new HistoryBuilder(EXACTLY_ONCE).at(20_000).send("q1", 0).events());
        history.addAll(new HistoryBuilder(AT_LEAST_ONCE).at(20_001).poll("c9", "q1", 0, 0, 10).events());

        assertThat(check(AT_LEAST_ONCE, history).phantoms()).isEqualTo(1);
    }

    @Test
    void aReadWithoutRecordIdentityIsAPhantom() {
        List<HistoryEvent> history = new ArrayList<>(new CleanPipeline(AT_LEAST_ONCE).events());
        history.add(new HistoryEvent(EventType.POLL, 1, AT_LEAST_ONCE, "c9", null, -1, 0, 10, null, null));
        history.add(new HistoryEvent(EventType.LOG_READ, 2, AT_LEAST_ONCE, "drain", null, -1, 0, 10, null, null));

        assertThat(check(AT_LEAST_ONCE, history).phantoms()).as("one unreadable record at 0/10").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE})
    void aConsumerJumpingOverARecordWithoutRebalanceSkipsIt(String guarantee) {
        // c1 polls offsets 0 and 2 of partition 0 but never offset 1 (seq 2); it still gets processed
        List<HistoryEvent> history = without(new CleanPipeline(guarantee).events(), is(EventType.POLL, 2));

        GuaranteeResult r = check(guarantee, history);

        assertThat(r.offsetsSkipped()).isEqualTo(1);
        assertThat(r.lost()).isZero();
        if (guarantee.equals(AT_LEAST_ONCE)) {
            assertThat(r.verdict().violations()).containsExactly("1 record was skipped over by a consumer");
        } else {
            assertThat(r.verdict().passed()).isTrue();
        }
    }

    @Test
    void aSkippedRecordNeverProcessedIsBothSkippedAndLost() {
        List<HistoryEvent> history = without(new CleanPipeline(AT_LEAST_ONCE).events(),
                e -> e.seq() == 2 && (e.type() == EventType.POLL || e.type() == EventType.PROCESS));

        GuaranteeResult r = check(AT_LEAST_ONCE, history);

        assertThat(r.verdict().violations()).containsExactly(
                "1 acknowledged record was never delivered", "1 record was skipped over by a consumer");
    }

    // ---- consumer groups: rebalances, crashes and commits ----

    /** Partition 0 holds seq 0..3 of "p1" at offsets 0..3, acknowledged and in the final log. */
    private static HistoryBuilder fourRecords(String guarantee) {
        HistoryBuilder h = new HistoryBuilder(guarantee).runStart();
        for (int s = 0; s < 4; s++) {
            h.sent("p1", s, 0, s);
        }
        return h;
    }

    private static HistoryBuilder drainFour(HistoryBuilder h) {
        for (int s = 0; s < 4; s++) {
            h.logRead("p1", s, 0, s);
        }
        return h.runEnd("complete");
    }

    @Test
    void aNewOwnerStartingPastTheCommittedOffsetSkips() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0").consumed("c1", "p1", 0, 0, 0).commit("c1", 0, 1);
        h.consumed("c1", "p1", 1, 0, 1).crash("c1", "after-process-before-commit");
        // committed is 1: c2 must start at offset 1; it starts at 2
        h.assign("c2", "0").consumed("c2", "p1", 2, 0, 2).consumed("c2", "p1", 3, 0, 3).commit("c2", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isEqualTo(1);
        assertThat(r.lost()).isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.verdict().violations()).containsExactly("1 record was skipped over by a consumer");
    }

    @Test
    void aFirstOwnerStartingPastTheStartOfTheLogWithNothingCommittedSkips() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0").consumed("c1", "p1", 2, 0, 2).consumed("c1", "p1", 3, 0, 3).commit("c1", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isEqualTo(2);
        assertThat(r.lost()).isEqualTo(2);
    }

    @Test
    void redeliveryAfterACrashBeforeCommitIsAllowedAtLeastOnce() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0").consumed("c1", "p1", 0, 0, 0).commit("c1", 0, 1);
        h.consumed("c1", "p1", 1, 0, 1).consumed("c1", "p1", 2, 0, 2).crash("c1", "after-process-before-commit");
        h.assign("c2", "0");
        for (int s = 1; s < 4; s++) {
            h.consumed("c2", "p1", s, 0, s);
        }
        h.commit("c2", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.duplicated()).isEqualTo(2);
        assertThat(r.delivered()).isEqualTo(4);
        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.lost()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void lossAfterACommitBeforeProcessingCrashIsAllowedAtMostOnce() {
        HistoryBuilder h = fourRecords(AT_MOST_ONCE);
        h.assign("c1", "0").poll("c1", "p1", 0, 0, 0).poll("c1", "p1", 1, 0, 1).commit("c1", 0, 2);
        h.crash("c1", "after-commit-before-process");
        h.assign("c2", "0").poll("c2", "p1", 2, 0, 2).poll("c2", "p1", 3, 0, 3).commit("c2", 0, 4);
        h.process("c2", "p1", 2, 0, 2).process("c2", "p1", 3, 0, 3);
        GuaranteeResult r = check(AT_MOST_ONCE, drainFour(h).events());

        assertThat(r.lost()).isEqualTo(2);
        assertThat(r.offsetsSkipped()).as("the new owner starts at the committed offset").isZero();
        assertThat(r.duplicated()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void theSameLossAtLeastOnceFailsAsLost() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0").poll("c1", "p1", 0, 0, 0).poll("c1", "p1", 1, 0, 1).commit("c1", 0, 2);
        h.crash("c1", "after-commit-before-process");
        h.assign("c2", "0").consumed("c2", "p1", 2, 0, 2).consumed("c2", "p1", 3, 0, 3).commit("c2", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.verdict().violations()).containsExactly("2 acknowledged records were never delivered");
    }

    @Test
    void reReadingBackwardsIsNotASkip() {
        HistoryBuilder h = fourRecords(EXACTLY_ONCE);
        h.assign("copier-1", "0").poll("copier-1", "p1", 0, 0, 0).poll("copier-1", "p1", 1, 0, 1);
        // the output transaction aborts; the copier rewinds to its committed offset 0
        h.poll("copier-1", "p1", 0, 0, 0).poll("copier-1", "p1", 1, 0, 1).poll("copier-1", "p1", 2, 0, 2)
                .poll("copier-1", "p1", 3, 0, 3);
        for (int s = 0; s < 4; s++) {
            h.process("copier-1", "p1", s, 0, s);
        }
        for (int s = 0; s < 4; s++) {
            h.outputRead("p1", s, 0, s);
        }
        GuaranteeResult r = check(EXACTLY_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void aCopierResumingAtItsLastCommittedTransactionDoesNotSkip() {
        HistoryBuilder h = new HistoryBuilder(EXACTLY_ONCE).runStart();
        // committed transactions at 0-1 (marker 2) and 3-4 (marker 5); an aborted one at 6 (marker 7); 8 (marker 9)
        h.sent("p1", 0, 0, 0).sent("p1", 1, 0, 1).sent("p1", 2, 0, 3).sent("p1", 3, 0, 4);
        h.send("p1", 4).fail("p1", 4, "aborted (deliberate)").sent("p1", 5, 0, 8);
        h.assign("copier-1", "0").poll("copier-1", "p1", 0, 0, 0).poll("copier-1", "p1", 1, 0, 1)
                .process("copier-1", "p1", 0, 0, 0).process("copier-1", "p1", 1, 0, 1);
        h.poll("copier-1", "p1", 2, 0, 3).crash("copier-1", "mid-transaction");
        // the new copier resumes from the offsets committed with the first transaction
        h.assign("copier-2", "0").poll("copier-2", "p1", 2, 0, 3).poll("copier-2", "p1", 3, 0, 4)
                .process("copier-2", "p1", 2, 0, 3).process("copier-2", "p1", 3, 0, 4);
        h.poll("copier-2", "p1", 5, 0, 8).process("copier-2", "p1", 5, 0, 8);
        h.logRead("p1", 0, 0, 0).logRead("p1", 1, 0, 1).logRead("p1", 2, 0, 3).logRead("p1", 3, 0, 4)
                .logRead("p1", 5, 0, 8);
        for (int s : new int[] {0, 1, 2, 3, 5}) {
            h.outputRead("p1", s, 0, s);
        }
        GuaranteeResult r = check(EXACTLY_ONCE, h.runEnd("complete").events());

        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void aCopierResumingPastItsLastCommittedTransactionSkips() {
        HistoryBuilder h = fourRecords(EXACTLY_ONCE);
        h.assign("copier-1", "0").poll("copier-1", "p1", 0, 0, 0).process("copier-1", "p1", 0, 0, 0);
        h.poll("copier-1", "p1", 1, 0, 1).crash("copier-1", "mid-transaction");
        h.assign("copier-2", "0").poll("copier-2", "p1", 2, 0, 2).poll("copier-2", "p1", 3, 0, 3)
                .process("copier-2", "p1", 2, 0, 2).process("copier-2", "p1", 3, 0, 3);
        for (int s : new int[] {0, 2, 3}) {
            h.outputRead("p1", s, 0, s);
        }
        GuaranteeResult r = check(EXACTLY_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
    }

    @Test
    void aPartitionKeptAcrossAnAssignmentChangeIsNotASkip() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.sent("p1", 10, 1, 0);
        h.assign("c1", "0,1").consumed("c1", "p1", 0, 0, 0).consumed("c1", "p1", 1, 0, 1);
        // cooperative rebalance: c1 gives partition 1 away and keeps 0 with its position, before committing
        h.assign("c1", "0").assign("c2", "1").consumed("c2", "p1", 10, 1, 0).commit("c2", 1, 1);
        h.consumed("c1", "p1", 2, 0, 2).consumed("c1", "p1", 3, 0, 3).commit("c1", 0, 4);
        h.logRead("p1", 10, 1, 0);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void aPartitionKeptAcrossAnAssignmentChangeStillSkipsWhenItJumps() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0,1").consumed("c1", "p1", 0, 0, 0).commit("c1", 0, 1);
        h.assign("c1", "0").consumed("c1", "p1", 2, 0, 2).consumed("c1", "p1", 3, 0, 3).commit("c1", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isEqualTo(1);
    }

    @Test
    void aRecordSkippedByTwoConsumersCountsOnce() {
        HistoryBuilder h = fourRecords(AT_LEAST_ONCE);
        h.assign("c1", "0").consumed("c1", "p1", 0, 0, 0).consumed("c1", "p1", 2, 0, 2);
        h.crash("c1", "after-process-before-commit");
        h.assign("c2", "0").consumed("c2", "p1", 0, 0, 0).consumed("c2", "p1", 2, 0, 2)
                .consumed("c2", "p1", 3, 0, 3).commit("c2", 0, 4);
        GuaranteeResult r = check(AT_LEAST_ONCE, drainFour(h).events());

        assertThat(r.offsetsSkipped()).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
    }

    @Test
    void offsetsTheFinalReadDidNotSeeAreNotSkipped() {
        HistoryBuilder h = new HistoryBuilder(AT_LEAST_ONCE);
        h.sent("p1", 0, 0, 0).sent("p1", 1, 0, 5);
        h.assign("c1", "0").consumed("c1", "p1", 0, 0, 0).consumed("c1", "p1", 1, 0, 5).commit("c1", 0, 6);
        h.logRead("p1", 0, 0, 0).logRead("p1", 1, 0, 5);

        assertThat(check(AT_LEAST_ONCE, h.events()).offsetsSkipped()).isZero();
    }

    // ---- counting details ----

    @Test
    void sentNeitherAcknowledgedNorFailedNorDeliveredIsLostUnacknowledged() {
        HistoryBuilder h = new HistoryBuilder(AT_LEAST_ONCE);
        h.send("p1", 0).send("p1", 1).send("p1", 2).ack("p1", 0, 0, 0).fail("p1", 1, "NotEnoughReplicas");
        h.send("p1", 3); // in flight when the producer died, yet it reached the log
        h.assign("c1", "0").consumed("c1", "p1", 0, 0, 0).consumed("c1", "p1", 3, 0, 1).commit("c1", 0, 2);
        h.logRead("p1", 0, 0, 0).logRead("p1", 3, 0, 1);

        GuaranteeResult r = check(AT_LEAST_ONCE, h.events());

        assertThat(r.sent()).isEqualTo(4);
        assertThat(r.acknowledged()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.delivered()).isEqualTo(2);
        assertThat(r.lostUnacknowledged()).isEqualTo(1);
        assertThat(r.lost()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void aRecordBothFailedAndAcknowledgedCountsAsAcknowledged() {
        HistoryBuilder h = new HistoryBuilder(AT_LEAST_ONCE);
        h.send("p1", 0).fail("p1", 0, "retriable").ack("p1", 0, 0, 0);

        GuaranteeResult r = check(AT_LEAST_ONCE, h.events());

        assertThat(r.failed()).isZero();
        assertThat(r.acknowledged()).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
    }

    @Test
    void sentencesCountInThePlural() {
        HistoryBuilder h = new HistoryBuilder(EXACTLY_ONCE);
        for (int s = 0; s < 4; s++) {
            h.sent("p1", s, 0, s).logRead("p1", s, 0, s);
        }
        h.logRead("p1", 0, 0, 7).logRead("p1", 1, 0, 8);
        h.outputRead("p1", 0, 0, 0).outputRead("p1", 0, 0, 1).outputRead("p1", 0, 0, 2);
        h.send("p1", 9).send("p1", 10).fail("p1", 9, "aborted").fail("p1", 10, "aborted")
                .poll("c9", "p1", 9, 1, 0).poll("c8", "p1", 10, 1, 1);
        h.poll("c7", "ghost", 1, 1, 2).poll("c6", "ghost", 2, 1, 3);

        GuaranteeResult r = check(EXACTLY_ONCE, h.events());

        assertThat(r.verdict().violations()).containsExactly(
                "3 acknowledged records were never delivered",
                "2 deliveries repeated records already delivered",
                "2 records were written to the log at two or more offsets",
                "2 records of aborted transactions were read",
                "2 records were read that no producer sent");
    }

    @Test
    void checkLooksOnlyAtItsOwnGuarantee() {
        List<HistoryEvent> history = new ArrayList<>(new CleanPipeline(AT_MOST_ONCE).events());
        history.addAll(without(new CleanPipeline(AT_LEAST_ONCE).events(), is(EventType.PROCESS, 1)));

        assertThat(check(AT_MOST_ONCE, history).lost()).isZero();
        assertThat(check(AT_MOST_ONCE, history).sent()).isEqualTo(6);
        assertThat(check(AT_LEAST_ONCE, history).lost()).isEqualTo(1);
    }

    @Test
    void anUnknownGuaranteeIsRefused() {
        assertThatThrownBy(() -> check("at-most-twice", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at-most-twice");
    }

    @Test
    void anAssignmentThatIsNotAListOfPartitionsIsRefused() {
        List<HistoryEvent> history = new HistoryBuilder(AT_LEAST_ONCE).assign("c1", "topic-0").events();

        assertThatThrownBy(() -> check(AT_LEAST_ONCE, history))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic-0");
    }

    @Test
    void anEmptyHistoryPassesWithZeroCounts() {
        GuaranteeResult r = check(AT_LEAST_ONCE, List.of());

        assertThat(r.sent()).isZero();
        assertThat(r.delivered()).isZero();
        assertThat(r.verdict().passed()).isTrue();
    }
}
