package io.surety.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResponseFrameFilterTest {

    private static final byte[] FIRST = FrameClient.responseFrame(1, new byte[] {10, 11, 12});
    private static final byte[] SECOND = FrameClient.responseFrame(2, new byte[] {20});
    private static final byte[] THIRD = FrameClient.responseFrame(3, new byte[0]);
    private static final byte[] STREAM = concat(FIRST, SECOND, THIRD);

    @Test
    void shouldForwardEverythingWhenNoDropIsPending() {
        for (int split = 0; split <= STREAM.length; split++) {
            Outcome outcome = filterSplitAt(new PendingDrops(), false, STREAM, split);

            assertThat(outcome.kept).as("split at %d", split).isEqualTo(STREAM);
            assertThat(outcome.swallowed.get()).isZero();
        }
    }

    @Test
    void shouldSwallowOnlyClaimedFrameWhenSplitAtEveryByte() {
        for (int split = 0; split <= STREAM.length; split++) {
            PendingDrops drops = new PendingDrops();
            drops.add(2, new AtomicInteger());

            Outcome outcome = filterSplitAt(drops, false, STREAM, split);

            assertThat(outcome.kept).as("split at %d", split).isEqualTo(concat(FIRST, THIRD));
            assertThat(outcome.swallowed.get()).isEqualTo(1);
            assertThat(outcome.closeRequested).isFalse();
            assertThat(drops.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldStopAfterSwallowedFrameWhenClosingAfterDrop() {
        for (int split = 0; split <= STREAM.length; split++) {
            PendingDrops drops = new PendingDrops();
            drops.add(2, new AtomicInteger());

            Outcome outcome = filterSplitAt(drops, true, STREAM, split);

            assertThat(outcome.kept).as("split at %d", split).isEqualTo(FIRST);
            assertThat(outcome.closeRequested).isTrue();
            assertThat(outcome.swallowed.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldSwallowEmptyBodyFrameWhenClaimed() {
        PendingDrops drops = new PendingDrops();
        drops.add(3, new AtomicInteger());

        Outcome outcome = filterSplitAt(drops, false, STREAM, STREAM.length);

        assertThat(outcome.kept).isEqualTo(concat(FIRST, SECOND));
        assertThat(outcome.swallowed.get()).isEqualTo(1);
    }

    @Test
    void shouldPassStreamUntouchedWhenSizeIsOutOfBounds() {
        byte[] notKafka = "\0\0\0\u0001garbage that is not kafka".getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= notKafka.length; split++) {
            PendingDrops drops = new PendingDrops();
            drops.add(1, new AtomicInteger());

            Outcome outcome = filterSplitAt(drops, true, notKafka, split);

            assertThat(outcome.kept).as("split at %d", split).isEqualTo(notKafka);
            assertThat(outcome.swallowed.get()).isZero();
        }
    }

    @Test
    void shouldReturnClaimToBudgetWhenReleased() {
        AtomicInteger budget = new AtomicInteger(0);
        PendingDrops drops = new PendingDrops();
        drops.add(7, budget);

        drops.releaseAll();

        assertThat(budget.get()).isEqualTo(1);
        assertThat(drops.complete(7)).isFalse();
    }

    private static Outcome filterSplitAt(PendingDrops drops, boolean closeAfterSwallow, byte[] stream, int split) {
        Outcome outcome = new Outcome();
        ResponseFrameFilter filter = new ResponseFrameFilter(drops, outcome.swallowed::incrementAndGet, closeAfterSwallow);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        outcome.closeRequested = filter.filter(stream, 0, split, kept);
        if (!outcome.closeRequested) {
            outcome.closeRequested = filter.filter(stream, split, stream.length - split, kept);
        }
        outcome.kept = kept.toByteArray();
        return outcome;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static final class Outcome {
        final AtomicInteger swallowed = new AtomicInteger();
        boolean closeRequested;
        byte[] kept;
    }
}
