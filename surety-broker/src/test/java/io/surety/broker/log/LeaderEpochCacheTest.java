package io.surety.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.LeaderEpochCache.EpochEndOffset;
import io.surety.broker.log.LeaderEpochCache.EpochEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The epoch → start offset rules on their own, from a log with several epochs: epochs 1 (from 0),
 * 3 (from 100), 4 (from 150) and 7 (from 400), log end 500.
 */
class LeaderEpochCacheTest {

    private static final long LOG_END = 500;
    private final LeaderEpochCache cache = LeaderEpochCache.of(List.of(
            new EpochEntry(1, 0), new EpochEntry(3, 100), new EpochEntry(4, 150), new EpochEntry(7, 400)));

    @Test
    void shouldEndPresentEpochWhereNextOneStarts() {
        assertThat(cache.endOffsetFor(1, LOG_END)).isEqualTo(new EpochEndOffset(1, 100));
        assertThat(cache.endOffsetFor(3, LOG_END)).isEqualTo(new EpochEndOffset(3, 150));
        assertThat(cache.endOffsetFor(4, LOG_END)).isEqualTo(new EpochEndOffset(4, 400));
    }

    @Test
    void shouldEndLatestEpochAtLogEnd() {
        assertThat(cache.endOffsetFor(7, LOG_END)).isEqualTo(new EpochEndOffset(7, LOG_END));
    }

    @Test
    void shouldAnswerLargestEpochBelowWhenRequestedEpochFallsBetweenEpochs() {
        assertThat(cache.endOffsetFor(2, LOG_END)).isEqualTo(new EpochEndOffset(1, 100));
        assertThat(cache.endOffsetFor(5, LOG_END)).isEqualTo(new EpochEndOffset(4, 400));
        assertThat(cache.endOffsetFor(6, LOG_END)).isEqualTo(new EpochEndOffset(4, 400));
    }

    @Test
    void shouldAnswerUndefinedWhenRequestedEpochIsAboveEveryEpochOrUndefined() {
        assertThat(cache.endOffsetFor(8, LOG_END)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(cache.endOffsetFor(-1, LOG_END)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(LeaderEpochCache.EMPTY.endOffsetFor(0, LOG_END)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void shouldAnswerRequestedEpochEndingAtFirstStartWhenBelowEveryEpoch() {
        // Kafka's rule: the data before the first known epoch is gone; the caller restarts there.
        LeaderEpochCache trimmed = cache.truncatedFromStart(120);
        assertThat(trimmed.endOffsetFor(0, LOG_END)).isEqualTo(new EpochEndOffset(0, 120));
        assertThat(trimmed.endOffsetFor(2, LOG_END)).isEqualTo(new EpochEndOffset(2, 120));
    }

    @Test
    void shouldFindEpochThatWroteAnOffset() {
        assertThat(cache.epochForOffset(0)).hasValue(1);
        assertThat(cache.epochForOffset(99)).hasValue(1);
        assertThat(cache.epochForOffset(100)).hasValue(3);
        assertThat(cache.epochForOffset(LOG_END)).hasValue(7);
        assertThat(cache.truncatedFromStart(120).epochForOffset(119)).isEmpty();
    }

    @Test
    void shouldReplaceEpochThatWroteNothingWhenNextStartsAtSameOffset() {
        LeaderEpochCache assigned = cache.assign(8, LOG_END).assign(9, LOG_END);
        assertThat(assigned.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 100),
                new EpochEntry(4, 150), new EpochEntry(7, 400), new EpochEntry(9, LOG_END));
        assertThat(assigned.assign(9, LOG_END + 10)).isSameAs(assigned);
        assertThatThrownBy(() -> assigned.assign(8, 600)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldOnlyExtendWithEpochsAboveTheLatest() {
        assertThat(cache.extendedBy(4, 450)).isSameAs(cache);
        assertThat(cache.extendedBy(7, 450)).isSameAs(cache);
        assertThat(cache.extendedBy(-1, 450)).isSameAs(cache);
        assertThat(cache.extendedBy(8, 450).entries()).endsWith(new EpochEntry(7, 400), new EpochEntry(8, 450));
        assertThat(LeaderEpochCache.EMPTY.extendedBy(0, 10).entries()).containsExactly(new EpochEntry(0, 10));
    }

    @Test
    void shouldMoveFirstEntryToLogStartWhenLogStartMoves() {
        assertThat(cache.truncatedFromStart(0)).isSameAs(cache);
        assertThat(cache.truncatedFromStart(120).entries()).containsExactly(new EpochEntry(3, 120),
                new EpochEntry(4, 150), new EpochEntry(7, 400));
        assertThat(cache.truncatedFromStart(150).entries()).containsExactly(new EpochEntry(4, 150),
                new EpochEntry(7, 400));
        assertThat(cache.truncatedFromStart(450).entries()).containsExactly(new EpochEntry(7, 450));
    }

    @Test
    void shouldDropEntriesAtOrAfterTruncationPoint() {
        assertThat(cache.truncatedFromEnd(LOG_END)).isSameAs(cache);
        assertThat(cache.truncatedFromEnd(400).entries()).containsExactly(new EpochEntry(1, 0),
                new EpochEntry(3, 100), new EpochEntry(4, 150));
        assertThat(cache.truncatedFromEnd(120).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 100));
        assertThat(cache.truncatedFromEnd(0).entries()).isEmpty();
    }

    @Test
    void shouldKeepHighestEpochAtLogEndWhenFittingToShorterLog() {
        assertThat(cache.fittedToLogEnd(400)).isSameAs(cache);
        assertThat(cache.fittedToLogEnd(120).entries()).containsExactly(new EpochEntry(1, 0),
                new EpochEntry(3, 100), new EpochEntry(7, 120));
        assertThat(cache.fittedToLogEnd(100).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(7, 100));
        // A consumer that read epoch 4 up to 300 sees where the log now ends.
        assertThat(cache.fittedToLogEnd(120).endOffsetFor(4, 120)).isEqualTo(new EpochEndOffset(3, 120));
    }

    @Test
    void shouldRefuseEntriesOutOfOrder() {
        assertThatThrownBy(() -> LeaderEpochCache.of(List.of(new EpochEntry(2, 10), new EpochEntry(1, 20))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeaderEpochCache.of(List.of(new EpochEntry(1, 10), new EpochEntry(2, 10))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeaderEpochCache.of(List.of(new EpochEntry(-3, 10))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
